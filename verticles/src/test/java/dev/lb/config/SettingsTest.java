package dev.lb.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.ring.RingSpec;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

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
