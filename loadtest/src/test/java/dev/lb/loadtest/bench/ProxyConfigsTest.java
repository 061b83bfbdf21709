package dev.lb.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.loadtest.load.Endpoint;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The generated configurations front the given replicas on the given port, with the settings the comparison needs. */
class ProxyConfigsTest {

  private static final List<Endpoint> REPLICAS = List.of(new Endpoint("127.0.0.1", 40001, 1),
      new Endpoint("127.0.0.1", 40002, 2), new Endpoint("127.0.0.1", 40003, 3));

  @Test
  void haproxy() {
    String cfg = ProxyConfigs.haproxy(4711, REPLICAS);
    assertTrue(cfg.contains("bind 127.0.0.1:4711\n"), cfg);
    assertTrue(cfg.contains("server r1 127.0.0.1:40001\n"), cfg);
    assertTrue(cfg.contains("server r2 127.0.0.1:40002\n"), cfg);
    assertTrue(cfg.contains("server r3 127.0.0.1:40003\n"), cfg);
    for (String line : List.of("nbthread 2", "mode http", "balance uri whole", "hash-type consistent", "http-reuse always")) {
      assertTrue(cfg.contains(line), line);
    }
    assertTrue(!cfg.contains(" check") && !cfg.contains("log "), "no health checks, no logging");
  }

  @Test
  void nginx() {
    Path dir = Path.of("/tmp/bench-out");
    String conf = ProxyConfigs.nginx(4712, REPLICAS, dir, false);
    assertTrue(conf.contains("listen 127.0.0.1:4712;"), conf);
    for (Endpoint r : REPLICAS) {
      assertTrue(conf.contains("server " + r.address() + ";"), r.address());
    }
    for (String line : List.of("worker_processes 2;", "daemon off;", "master_process on;", "access_log off;",
        "hash $request_uri consistent;", "keepalive 64;", "proxy_http_version 1.1;", "proxy_set_header Connection \"\";",
        "pid /tmp/bench-out/nginx.pid;", "proxy_temp_path /tmp/bench-out/nginx-temp/proxy;")) {
      assertTrue(conf.contains(line), line);
    }
    assertEquals(conf.chars().filter(c -> c == '{').count(), conf.chars().filter(c -> c == '}').count());
    assertFalse(conf.contains("proxy_buffering"), "the request load's nginx buffers as nginx does by default");
  }

  @Test
  void nginxStreamingForTheTransfers() {
    String conf = ProxyConfigs.nginx(4712, REPLICAS, Path.of("/tmp/bench-out"), true);
    for (String line : List.of("client_max_body_size 0;", "proxy_request_buffering off;", "proxy_buffering off;")) {
      assertTrue(conf.contains(line), line);
    }
    assertEquals(conf.chars().filter(c -> c == '{').count(), conf.chars().filter(c -> c == '}').count());
  }

  private static final BenchCertificate TLS = new BenchCertificate(Path.of("/c/cert.pem"), Path.of("/c/key.pem"),
      Path.of("/c/combined.pem"));

  @Test
  void haproxyTerminatesTlsWithTheCertificate() {
    String cfg = ProxyConfigs.haproxy(4713, REPLICAS, TLS);
    assertTrue(cfg.contains("bind 127.0.0.1:4713 ssl crt /c/combined.pem alpn h2,http/1.1\n"), cfg);
    assertTrue(cfg.contains("ssl-default-bind-options ssl-min-ver TLSv1.2"), cfg);
    assertTrue(cfg.contains("server r1 127.0.0.1:40001\n") && cfg.contains("balance uri whole"), cfg);
    assertTrue(!ProxyConfigs.haproxy(4713, REPLICAS).contains("ssl"), "plain stays plain");
  }

  @Test
  void nginxTerminatesTlsWithTheCertificate() {
    String conf = ProxyConfigs.nginx(4714, REPLICAS, Path.of("/tmp/bench-out"), false, TLS);
    for (String line : List.of("listen 127.0.0.1:4714 ssl http2;", "ssl_certificate /c/cert.pem;",
        "ssl_certificate_key /c/key.pem;", "ssl_protocols TLSv1.2 TLSv1.3;", "hash $request_uri consistent;")) {
      assertTrue(conf.contains(line), line + " in\n" + conf);
    }
    assertEquals(conf.chars().filter(c -> c == '{').count(), conf.chars().filter(c -> c == '}').count());
  }
}
