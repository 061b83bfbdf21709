package dev.lb.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.loadtest.LoadTest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code loadtest bench} and {@code jmh} as the tool's own command line builds them: their own arguments, not the
 * experiments' options every other subcommand inherits, and the settings a bench would run with. The bench itself is
 * replaced by one that records its settings, so nothing is started.
 */
class BenchCommandTest {

  @TempDir
  Path dir;

  private final List<BenchSettings> ran = new ArrayList<>();
  private final StringWriter err = new StringWriter();

  private CommandLine loadtest() {
    CommandLine cli = LoadTest.commandLine(root -> BenchCommand.addTo(root, (settings, out) -> {
      ran.add(settings);
      return 0;
    }));
    cli.setErr(new PrintWriter(err, true));
    return cli;
  }

  @Test
  void benchHasItsOwnOptions() {
    CommandLine root = loadtest();
    CommandLine bench = root.getSubcommands().get("bench");
    root.parseArgs("bench", "--out", "x/y", "--rounds", "5", "--quick");
    BenchCommand command = bench.getCommand();
    assertEquals(Path.of("x/y"), command.options.out);
    assertEquals(5, command.options.rounds);
    assertTrue(command.options.quick);
    StringWriter help = new StringWriter();
    bench.usage(new PrintWriter(help));
    assertTrue(help.toString().contains("loadtest/results/bench"), help.toString());
  }

  @Test
  void aBenchRunsWithTheSettingsItsOptionsGive() throws IOException {
    Path jar = Files.createFile(dir.resolve("load-balancer.jar"));
    int status = loadtest().execute("bench", "--jar", jar.toString(), "--out", dir.toString(), "--rounds", "5",
        "--rate", "2000", "--generator", "jvm", "--transfer", "--quick");
    assertEquals(0, status, err.toString());
    assertEquals(1, ran.size());
    BenchSettings s = ran.get(0);
    assertEquals(jar, s.jar());
    assertEquals(dir, s.out());
    assertEquals(2000, s.rate());
    assertEquals("jvm", s.generator());
    assertTrue(s.transfer());
    assertEquals(List.of(1, 3, 3, 8), List.of(s.rounds(), s.durationS(), s.warmupS(), s.startupS()), "--quick shortens");
    assertEquals(List.of(128L, 32L), List.of(s.downloadMiB(), s.uploadMiB()));
    assertTrue(s.commandLine().startsWith("loadtest bench --jar "), s.commandLine());
    assertTrue(s.jvmOptions().isEmpty(), "the start script's own options unless others are given");
    assertTrue(!s.https(), "HTTPS rounds only when asked");
  }

  @Test
  void otherJvmOptionsReachTheBalancersLaunch() throws IOException {
    Path jar = Files.createFile(dir.resolve("load-balancer.jar"));
    assertEquals(0, loadtest().execute("bench", "--jar", jar.toString(), "--out", dir.toString(), "--jvm-options", ""),
        err.toString());
    assertEquals(Optional.of(""), ran.get(0).jvmOptions());
    assertTrue(ran.get(0).launch().describe().contains("no JVM options"), ran.get(0).launch().describe());
  }

  @Test
  void httpsRoundsAreAskedFor() throws IOException {
    Path jar = Files.createFile(dir.resolve("load-balancer.jar"));
    assertEquals(0, loadtest().execute("bench", "--jar", jar.toString(), "--out", dir.toString(), "--https", "--quick"),
        err.toString());
    assertTrue(ran.get(0).https());
    assertTrue(ran.get(0).toJson().getBoolean("https"));
  }

  @Test
  void eachVariantIsOneMoreBalancerWithItsSettings() throws IOException {
    Path jar = Files.createFile(dir.resolve("load-balancer.jar"));
    assertEquals(0, loadtest().execute("bench", "--jar", jar.toString(), "--out", dir.toString(),
        "--variant", "LB_TRANSPORT=epoll", "--variant", "LB_TRANSPORT=nio,LB_METRICS=false", "--quick"), err.toString());
    List<Variant> variants = ran.get(0).variants();
    assertEquals(List.of("balancer[LB_TRANSPORT=epoll]", "balancer[LB_TRANSPORT=nio,LB_METRICS=false]"),
        variants.stream().map(Variant::name).toList());
    assertEquals(java.util.Map.of("LB_TRANSPORT", "nio", "LB_METRICS", "false"), variants.get(1).env());
    assertEquals(2, ran.get(0).toJson().getJsonArray("variants").size());
  }

  @Test
  void aVariantThatIsNotSettingsIsRefused() throws IOException {
    Path jar = Files.createFile(dir.resolve("load-balancer.jar"));
    assertEquals(2, loadtest().execute("bench", "--jar", jar.toString(), "--variant", "epoll"));
    assertTrue(err.toString().contains("each part is LB_SETTING=value (or an OTEL_ variable), not 'epoll'"), err.toString());
    assertEquals(2, loadtest().execute("bench", "--jar", jar.toString(), "--variant", "LB_A=1,LB_A=2"));
    assertTrue(err.toString().contains("LB_A is given twice"), err.toString());
    assertTrue(ran.isEmpty());
  }

  @Test
  void withoutTheBalancersJarNothingRuns() {
    assertEquals(2, loadtest().execute("bench", "--jar", dir.resolve("none.jar").toString()));
    assertTrue(err.toString().contains("no balancer jar at"), err.toString());
    assertTrue(ran.isEmpty());
  }

  @Test
  void anUnknownGeneratorIsRefused() throws IOException {
    Path jar = Files.createFile(dir.resolve("load-balancer.jar"));
    assertEquals(2, loadtest().execute("bench", "--jar", jar.toString(), "--generator", "ab"));
    assertTrue(err.toString().contains("--generator must be auto, wrk or jvm"), err.toString());
    assertTrue(ran.isEmpty());
  }

  @Test
  void theExperimentsOptionsAreNotTheBenchs() {
    CommandLine root = loadtest();
    assertNotNull(root.getSubcommands().get("a1").getCommandSpec().findOption("--requests"));
    assertNull(root.getSubcommands().get("bench").getCommandSpec().findOption("--requests"));
    assertEquals(2, root.execute("bench", "--requests", "5"), "picocli refuses an option bench does not have");
    assertTrue(ran.isEmpty());
  }

  @Test
  void jmhPassesEveryArgumentOnInOrder() {
    CommandLine root = loadtest();
    root.parseArgs("jmh", "RingLookup", "-f", "1", "--out", "z", "-p", "ring=maglev");
    JmhCommand jmh = root.getSubcommands().get("jmh").getCommand();
    assertEquals(List.of("RingLookup", "-f", "1", "--out", "z", "-p", "ring=maglev"), jmh.args);
  }
}
