package dev.lb.loadtest.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.loadtest.LoadTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code loadtest traffic} as the tool's command line builds it: its own options, a refusal of a part it does not
 * measure, and the computed part (weights) end to end, which starts no process.
 */
class TrafficCommandTest {

  @TempDir
  Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = LoadTest.commandLine(TrafficCommand::addTo);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void anUnknownPartIsRefusedWithTheChoices() {
    assertEquals(2, run("traffic", "--only", "weights,slow-start", "--out", dir.toString()));
    assertTrue(err.toString().contains("unknown part [slow-start] of --only; choose from [weights, drain, slowstart, overload]"),
        err.toString());
  }

  @Test
  void theWeightsAreComputedAndWritten() throws Exception {
    Path jar = Files.createFile(dir.resolve("load-balancer.jar"));
    assertEquals(0, run("traffic", "--only", "weights", "--jar", jar.toString(), "--out", dir.toString()), err.toString());
    String md = Files.readString(dir.resolve("traffic.md"));
    assertTrue(md.contains("| 2 | 2.000 |"), md);
    assertTrue(Files.readString(dir.resolve("traffic.json")).contains("\"strongRing\""));
  }
}
