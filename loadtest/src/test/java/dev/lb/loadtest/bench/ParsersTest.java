package dev.lb.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.loadtest.load.Endpoint;
import dev.lb.loadtest.load.Run;
import dev.lb.loadtest.load.Wrk;
import dev.lb.loadtest.process.ProcStat;
import dev.lb.loadtest.process.ReplicaProcesses;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the bench reads from other programs: wrk's JSON line, /proc, jstat, curl and a replica's command line. */
class ParsersTest {

  @Test
  void readsTheLineWrksScriptPrints() {
    String output = """
        Running 10s test @ http://127.0.0.1:4711/home
          2 threads and 64 connections
          Latency Distribution
             50%  1.21ms
        BENCH {"requests":412345,"durationUs":10002345,"errors":{"connect":0,"read":2,"write":0,"status":5,"timeout":1},"latencyUs":{"p50":1210,"p90":2100,"p99":3700,"p999":9100,"max":20456}}
        """;
    Run load = Wrk.parse(output);
    assertEquals(412345, load.answered());
    assertEquals(10002345, load.durationUs());
    assertEquals(8, load.errors());
    assertEquals(5, load.badStatus());
    assertEquals(1210, load.latency().p50());
    assertEquals(3700, load.latency().p99());
    assertEquals(9100, load.latency().p999());
    assertEquals(20456, load.latency().max());
    assertEquals(41225, Math.round(load.requestsPerSecond()));
  }

  @Test
  void wrkOutputWithoutFiguresIsAnError() {
    assertThrows(IllegalStateException.class, () -> Wrk.parse("unable to connect to 127.0.0.1:1 Connection refused\n"));
  }

  @Test
  void countsUserAndSystemTicksPastACommandNameWithSpacesAndParentheses() {
    String stat = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 81234 0 12 0 1500 320 0 0 20 0 30 0 12345 "
        + "3456789012 45678 18446744073709551615 1 1 0 0 0 0 0 4096 17615 0 0 0 17 1 0 0 0 0 0";
    assertEquals(1820, ProcStat.cpuTicks(stat));
  }

  @Test
  void readsTheResidentSetSize() {
    String status = "Name:\tnginx\nState:\tS (sleeping)\nVmPeak:\t   12345 kB\nVmRSS:\t    8264 kB\nThreads:\t1\n";
    assertEquals(8264, ProcStat.rssKb(status));
    assertEquals(0, ProcStat.rssKb("Name:\tkthreadd\nState:\tS (sleeping)\n"));
  }

  @Test
  void readsThisProcessFromProc() {
    long pid = ProcessHandle.current().pid();
    assertTrue(ProcStat.cpuTicks(pid) > 0);
    assertTrue(ProcStat.rssKb(pid) > 0);
    assertEquals(0, ProcStat.cpuTicks(Long.MAX_VALUE));
  }

  @Test
  void sumsTheHeapInUseOfAJstatLine() {
    String header = "    S0C    S1C    S0U    S1U      EC       EU        OC         OU       MC     MU    CCSC   CCSU   YGC     YGCT     FGC    FGCT     CGC    CGCT       GCT   ";
    String line = "     0.0   2048.0    0.0  2048.0  20480.0  12288.0  368640.0    4096.5  512.0  400.0  64.0  50.0      3     0.010     0     0.000     2     0.003     0.013";
    HeapSampler.Sample s = HeapSampler.parse(header, line).orElseThrow();
    assertEquals(2048.0 + 12288.0 + 4096.5, s.usedKb(), 1e-9);
    assertEquals(4096.5, s.oldKb(), 1e-9);
    assertTrue(HeapSampler.parse(header, "garbage").isEmpty());
  }

  @Test
  void curlOutcomes() {
    JsonObject ok = Curl.parse("200 1073741824 524288000.000", 0, "");
    assertEquals(200, ok.getInteger("status"));
    assertEquals(1073741824L, ok.getLong("bytes"));
    assertEquals(500.0, ok.getDouble("MiBps"));
    assertFalse(ok.containsKey("error"));
    assertEquals("failed: 413", Curl.parse("413 1048576 1000", 0, "").getString("error"));
    assertTrue(Curl.parse("000 0 0", 7, "curl: (7) Failed to connect").getString("error").contains("curl exit 7"));
  }

  @Test
  void findsAReplicasAddressInItsCommandLine() {
    List<String> builtIn = List.of("-XX:+UseSerialGC", "-cp", "x.jar", "dev.lb.launcher.Main", "server", "--host",
        "127.0.0.1", "--port", "41234", "--id", "2", "--lease-ms", "10000");
    assertEquals(new Endpoint("127.0.0.1", 41234, 7), ReplicaProcesses.replicaOf(builtIn, 7).orElseThrow());
    List<String> blob = List.of("-Xmx64m", "-cp", "l.jar", "dev.lb.server.BlobServer", "--port", "41235");
    assertEquals(41235, ReplicaProcesses.replicaOf(blob, 8).orElseThrow().port());
    assertTrue(ReplicaProcesses.replicaOf(List.of("-jar", "load-balancer.jar"), 9).isEmpty());
  }

  @Test
  void timeToNinetyPercentOfSteady() {
    JsonObject s = Startup.evaluate(2500, List.of(1000.0, 5000.0, 9000.0, 9500.0, 10000.0, 10000.0, 10000.0, 9800.0, 10200.0));
    assertEquals(10000, s.getLong("steadyRequestsPerSecond"));
    assertEquals(3, s.getInteger("secondsOfLoadTo90"));
    assertEquals(5.5, s.getDouble("secondsFromLaunchTo90"), 1e-9);
  }

  @Test
  void allocatedBytesFromTheBalancersMetrics() {
    String prometheus = """
        # TYPE jvm_gc_memory_allocated_bytes_total counter
        jvm_gc_memory_allocated_bytes_total 1.5E9
        jvm_memory_used_bytes{area="heap",id="Eden Space"} 2000000.0
        jvm_memory_used_bytes{area="heap",id="Tenured Gen"} 9.0E7
        jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 2.0E7
        """;
    assertEquals(1.502e9, Allocation.allocated(prometheus).getAsDouble(), 1);
    assertEquals(3.0E9, Allocation.allocated("jvm_gc_memory_allocated_bytes_total 3.0E9\n").getAsDouble(), 1);
    assertTrue(Allocation.allocated("jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"} 1.0\n").isEmpty(),
        "no figure without the counter");
  }
}
