package dev.lb.loadtest.bench;

import dev.lb.loadtest.process.Tools;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The machine and the versions of everything measured, for the report. */
final class Machine {

  private Machine() {}

  static JsonObject describe() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new JsonObject()
        .put("cores", Runtime.getRuntime().availableProcessors())
        .put("kernel", kernel())
        .put("java", javaVersion(java))
        .put("haproxy", version("haproxy", "-v"))
        .put("nginx", version("nginx", "-v"))
        .put("wrk", version("wrk", "-v"))
        .put("curl", version("curl", "--version"));
  }

  /** The version line and the VM line of {@code java -version}. */
  private static String javaVersion(String java) {
    List<String> lines = Tools.output(List.of(java, "-version"), 10).strip().lines().toList();
    return lines.isEmpty() ? "unknown" : lines.get(0) + (lines.size() > 1 ? ", " + lines.get(lines.size() - 1) : "");
  }

  /** The first three words of a tool's version line ("HAProxy version 2.6.12-1+deb12u4", "curl 7.88.1 (x86_64...)"). */
  private static String version(String tool, String flag) {
    return Tools.find(tool).map(exe -> Tools.firstLine(List.of(exe.toString(), flag)))
        .map(Machine::firstWords).orElse("not installed");
  }

  private static String firstWords(String line) {
    List<String> words = List.of(line.strip().split("\\s+"));
    return String.join(" ", words.subList(0, Math.min(3, words.size())));
  }

  private static String kernel() {
    try {
      return "Linux " + Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
    } catch (IOException e) {
      return System.getProperty("os.name") + " " + System.getProperty("os.version");
    }
  }
}
