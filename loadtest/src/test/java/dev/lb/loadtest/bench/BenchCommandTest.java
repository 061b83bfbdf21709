package dev.lb.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** bench and jmh take their own arguments, not the experiments' options every other subcommand inherits. */
class BenchCommandTest {

  /** A root like LoadTest's: one option inherited by every subcommand. */
  @Command(name = "loadtest")
  static final class Root {
    @CommandLine.Option(names = "--out", defaultValue = "loadtest/results", scope = CommandLine.ScopeType.INHERIT)
    Path out;
  }

  @Test
  void benchHasItsOwnOptions() {
    CommandLine root = new CommandLine(new Root());
    BenchCommand.addTo(root);
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
  void jmhPassesEveryArgumentOnInOrder() {
    CommandLine root = new CommandLine(new Root());
    BenchCommand.addTo(root);
    root.parseArgs("jmh", "RingLookup", "-f", "1", "--out", "z", "-p", "ring=maglev");
    JmhCommand jmh = root.getSubcommands().get("jmh").getCommand();
    assertEquals(List.of("RingLookup", "-f", "1", "--out", "z", "-p", "ring=maglev"), jmh.args);
  }
}
