package dev.lb.loadtest.bench;

import dev.lb.loadtest.load.Endpoint;
import dev.lb.loadtest.process.Children;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One large transfer with {@code curl}, its outcome as JSON: status, bytes, rate, and what went wrong if anything. */
final class Curl {

  private static final double MIB = 1024 * 1024;

  private final Path curl;
  private final Path dir;

  Curl(Path curl, Path dir) {
    this.curl = curl;
    this.dir = dir;
  }

  /** {@code GET /blob?bytes=N}, the body thrown away. */
  JsonObject download(Endpoint target, long bytes) {
    Path body = dir.resolve("curl-body.out");
    JsonObject r = run(List.of("-o", "/dev/null", "-w", "%{http_code} %{size_download} %{speed_download}",
        target.url() + "/blob?bytes=" + bytes), bytes, body);
    if (!r.containsKey("error") && r.getLong("bytes") != bytes) {
      r.put("error", "got " + r.getLong("bytes") + " of " + bytes + " bytes");
    }
    return r.put("ok", !r.containsKey("error"));
  }

  /** {@code POST /sink} of {@code file}, streamed from disk; the sink's reply must give the same size and CRC-32. */
  JsonObject upload(Endpoint target, Path file, long bytes, long crc) {
    Path body = dir.resolve("curl-body.out");
    JsonObject r = run(List.of("-X", "POST", "-H", "Expect:", "-H", "Content-Type: application/octet-stream",
        "-T", file.toString(), "-o", body.toString(), "-w", "%{http_code} %{size_upload} %{speed_upload}",
        target.url() + "/sink"), bytes, body);
    if (!r.containsKey("error")) {
      try {
        JsonObject reply = new JsonObject(Files.readString(body));
        if (reply.getLong("bytes") != bytes || reply.getLong("crc32") != crc) {
          r.put("error", "the sink got " + reply.getLong("bytes") + " bytes, crc32 " + reply.getLong("crc32")
              + "; sent " + bytes + ", crc32 " + crc);
        }
      } catch (IOException | DecodeException | NullPointerException e) {
        r.put("error", "no sink reply: " + e.getMessage());
      }
    }
    return r.put("ok", !r.containsKey("error"));
  }

  private JsonObject run(List<String> args, long bytes, Path body) {
    Path stats = dir.resolve("curl.out");
    List<String> command = new ArrayList<>(List.of(curl.toString(), "-sS", "--max-time", String.valueOf(maxTimeS(bytes))));
    command.addAll(args);
    try {
      Files.deleteIfExists(body);
      long began = System.nanoTime();
      Process p = Children.start(new ProcessBuilder(command).redirectOutput(stats.toFile())
          .redirectError(dir.resolve("curl.err").toFile()));
      boolean ended = Children.await(p, (maxTimeS(bytes) + 10) * 1000L);
      double seconds = (System.nanoTime() - began) / 1e9;
      return parse(Files.readString(stats), ended ? p.exitValue() : -1, Files.readString(dir.resolve("curl.err")).strip())
          .put("seconds", Math.round(seconds * 100) / 100.0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The outcome of curl's {@code -w "%{http_code} %{size} %{speed}"} line, its exit status and its error text. */
  static JsonObject parse(String stats, int exit, String stderr) {
    String[] f = stats.strip().split("\\s+");
    JsonObject r = new JsonObject();
    if (f.length == 3) {
      r.put("status", Integer.parseInt(f[0])).put("bytes", Long.parseLong(f[1]))
          .put("MiBps", Math.round(Double.parseDouble(f[2]) / MIB * 10) / 10.0);
    }
    if (exit != 0) {
      r.put("error", "failed: " + (r.getInteger("status", 0) > 0 ? r.getInteger("status") + ", " : "")
          + (exit < 0 ? "curl timed out" : "curl exit " + exit) + (stderr.isEmpty() ? "" : " (" + stderr + ")"));
    } else if (r.getInteger("status", 0) != 200) {
      r.put("error", "failed: " + r.getInteger("status", 0));
    }
    return r;
  }

  /** At least 8 MiB/s, and half a minute to begin. */
  private static long maxTimeS(long bytes) {
    return 30 + bytes / (8 * 1024 * 1024);
  }
}
