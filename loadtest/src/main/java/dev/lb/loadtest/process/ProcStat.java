package dev.lb.loadtest.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.function.ToLongFunction;

/**
 * CPU time and resident memory of processes, read from {@code /proc} (Linux). A process that is gone counts as 0, so
 * a sum over a process tree stays usable while workers come and go.
 */
public final class ProcStat {

  private static final System.Logger LOG = System.getLogger(ProcStat.class.getName());
  private static final int UTIME = 11;
  private static final int STIME = 12;

  private ProcStat() {}

  /** User plus system CPU time of {@code pid} in clock ticks, 0 if it cannot be read. */
  public static long cpuTicks(long pid) {
    return read(pid, "stat", ProcStat::cpuTicks);
  }

  /** {@code parse} of {@code /proc/<pid>/<file>}; 0 if the process is gone or the file cannot be read. */
  private static long read(long pid, String file, ToLongFunction<String> parse) {
    try {
      return parse.applyAsLong(Files.readString(Path.of("/proc", String.valueOf(pid), file)));
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "no /proc/{0}/{1}: {2}", pid, file, e.toString());
      return 0;
    }
  }

  /**
   * {@code utime + stime} of a {@code /proc/<pid>/stat} line. The command name (field 2) is in parentheses and may
   * itself hold spaces and parentheses, so fields are counted from the last {@code ')'}.
   */
  public static long cpuTicks(String statLine) {
    int close = statLine.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + statLine);
    }
    // fields from 3 (state) on: index 0 is field 3, so utime (field 14) is 11 and stime (15) is 12
    String[] fields = statLine.substring(close + 1).trim().split("\\s+");
    return Long.parseLong(fields[UTIME]) + Long.parseLong(fields[STIME]);
  }

  /** The summed CPU ticks of {@code pids}. */
  public static long cpuTicks(Collection<Long> pids) {
    return pids.stream().mapToLong(ProcStat::cpuTicks).sum();
  }

  /** Resident set size of {@code pid} in kB, 0 if it cannot be read. */
  public static long rssKb(long pid) {
    return read(pid, "status", ProcStat::rssKb);
  }

  /** The {@code VmRSS} of a {@code /proc/<pid>/status} text in kB (0 for a kernel thread or a zombie). */
  public static long rssKb(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.substring("VmRSS:".length()).trim().split("\\s+")[0]);
      }
    }
    return 0;
  }

  /** The summed resident set size of {@code pids} in kB. */
  public static long rssKb(Collection<Long> pids) {
    return pids.stream().mapToLong(ProcStat::rssKb).sum();
  }

  /** Clock ticks per second ({@code getconf CLK_TCK}); 100, Linux's value nearly everywhere, if that fails. */
  public static long clockTicksPerSecond() {
    try {
      String out = Tools.output(java.util.List.of("getconf", "CLK_TCK"), 10).trim();
      return Long.parseLong(out);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "getconf CLK_TCK failed ({0}); assuming 100", e.toString());
      return 100;
    }
  }
}
