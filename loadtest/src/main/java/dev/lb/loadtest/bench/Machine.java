package dev.lb.loadtest.bench;

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
        .put("java", String.join("; ", Tools.output(List.of(java, "-version"), 10).strip().lines().toList()))
        .put("haproxy", version("haproxy", "-v"))
        .put("nginx", version("nginx", "-v"))
        .put("wrk", version("wrk", "-v"))
        .put("curl", version("curl", "--version"));
  }

  private static String version(String tool, String flag) {
    return Tools.find(tool).map(exe -> Tools.firstLine(List.of(exe.toString(), flag))).orElse("not installed");
  }

  private static String kernel() {
    try {
      return "Linux " + Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
    } catch (IOException e) {
      return System.getProperty("os.name") + " " + System.getProperty("os.version");
    }
  }
}
