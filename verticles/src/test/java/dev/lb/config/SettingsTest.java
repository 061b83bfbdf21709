package dev.lb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.ring.RingSpec;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

  /**
   * Variables the README names that are not settings: the configuration file's (read by the command line) and the
   * start script's (read by bin/load-balancer before the JVM starts).
   */
  private static final Set<String> NOT_SETTINGS = Set.of("LB_CONFIG", "LB_JVM_OPTIONS", "LB_JAR");

  private static Set<String> configKeys() throws IllegalAccessException {
    Set<String> keys = new TreeSet<>();
    for (Field field : ConfigKeys.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        keys.add((String) field.get(null));
      }
    }
    return keys;
  }

  @Test
  void theKeysTheEmbeddedFileAndTheReadmeAgree() throws Exception {
    Set<String> keys = configKeys();
    assertEquals(keys, new TreeSet<>(Settings.defaults().fieldNames()), "ConfigKeys and conf/config.json");
    assertTrue(keys.containsAll(Settings.ENVIRONMENT.values()), "every variable sets a key");
    Set<String> named = new TreeSet<>();
    Matcher m = Pattern.compile("\\bLB_[A-Z0-9_]*[A-Z0-9]\\b(?!_)").matcher(Files.readString(Path.of("..", "README.md")));
    while (m.find()) {
      named.add(m.group());
    }
    named.removeAll(NOT_SETTINGS);
    assertEquals(new TreeSet<>(Settings.ENVIRONMENT.keySet()), named, "the LB_* variables the README names");
  }

  @Test
  void defaultsAreTheSpecs() {
    JsonObject conf = Settings.load(null, Map.of());
    assertEquals(5000, conf.getInteger(ConfigKeys.HTTP_PORT));
    assertEquals(3, conf.getInteger(ConfigKeys.REPLICAS));
    assertEquals("process", conf.getString(ConfigKeys.BACKEND));
    RingSpec spec = RingSettings.spec(conf);
    assertEquals(512, spec.slots());
    assertEquals(9, spec.vnodes());
    assertEquals("assignment", spec.family().name());
  }

  @Test
  void environmentOverridesTheFileWhichOverridesTheDefaults(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("lb.json");
    Files.writeString(file, "{\"http.port\": 6000, \"replicas\": 5, \"ring.hash\": \"seed\"}");
    JsonObject conf = Settings.load(file, Map.of("LB_PORT", "7000", "LB_SLOTS", "1024", "LB_KEY", "header:X-User"));
    assertEquals(7000, conf.getInteger(ConfigKeys.HTTP_PORT));
    assertEquals(5, conf.getInteger(ConfigKeys.REPLICAS));
    assertEquals("header:X-User", conf.getString(ConfigKeys.KEY));
    RingSpec spec = RingSettings.spec(conf);
    assertEquals("seed", spec.family().name());
    assertEquals(10, spec.vnodes(), "K follows log2(M) unless set");
  }

  @Test
  void badValuesAreRefusedWithTheirName(@TempDir Path dir) throws Exception {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Settings.load(null, Map.of("LB_PORT", "five")))
        .getMessage().contains("LB_PORT"));
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\"replicas\": \"three\"}");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Settings.load(file, Map.of()))
        .getMessage().contains("'replicas'"));
    Files.writeString(file, "{not json");
    assertThrows(IllegalArgumentException.class, () -> Settings.load(file, Map.of()));
  }
}
