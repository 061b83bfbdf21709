package dev.lb.loadtest.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code loadtest jmh [JMH arguments]}: the JMH benchmarks of {@code dev.lb.loadtest.jmh} (ring lookup, request key),
 * every argument passed to JMH as it is, e.g. {@code jmh RingLookup -p ring=maglev -rf json}; {@code jmh -h} for JMH's
 * own help.
 */
@Command(name = "jmh", description = "Runs the JMH micro-benchmarks (ring lookup, request key); every argument goes to JMH (-h for its help).")
public final class JmhCommand implements Callable<Integer> {

  @Unmatched
  List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    org.openjdk.jmh.Main.main(args.toArray(String[]::new));
    return 0;
  }
}
