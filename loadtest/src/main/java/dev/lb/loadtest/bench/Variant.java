package dev.lb.loadtest.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One more balancer target of the request rounds: the same jar with some settings changed, e.g.
 * {@code LB_TRANSPORT=epoll}, in front of the same replicas, so that a setting is compared with its default in one run.
 * OpenTelemetry's variables count as settings: {@code OTEL_EXPORTER_OTLP_ENDPOINT=bench-collector} sends the spans to
 * a stand-in collector the bench runs ({@link OtlpSink}).
 *
 * @param name  the target's name in the report, {@code balancer[LB_TRANSPORT=epoll]}
 * @param env   the settings, as environment variables of the balancer's process
 */
public record Variant(String name, Map<String, String> env) {

  /**
   * {@code KEY=VALUE}, several separated by commas; a key is an {@code LB_} setting or an {@code OTEL_} variable.
   *
   * @throws IllegalArgumentException with what is wrong with {@code text}
   */
  public static Variant parse(String text) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String pair : text.split(",", -1)) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (eq < 0 || !key.matches("(LB|OTEL)_[A-Z0-9_]+")) {
        throw new IllegalArgumentException("--variant '" + text + "': each part is LB_SETTING=value (or an OTEL_ "
            + "variable), not '" + pair + "'");
      }
      if (env.put(key, pair.substring(eq + 1)) != null) {
        throw new IllegalArgumentException("--variant '" + text + "': " + key + " is given twice");
      }
    }
    return new Variant("balancer[" + text + "]", Map.copyOf(env));
  }
}
