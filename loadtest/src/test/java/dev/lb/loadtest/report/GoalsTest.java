package dev.lb.loadtest.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The project's goals judged from a run's figures. */
class GoalsTest {

  @Test
  void targetsPickTheBestConfigurationAndCheckItsKeyMovement() {
    JsonObject results = new JsonObject()
        .put("a1", new JsonObject().put("run", new JsonObject().put("wallMs", 1234.5)))
        .put("a4", new JsonObject().put("configs", new JsonArray()
            .add(config("assignment", 2.5, 1.9))
            .add(config("maglev-bounded-rate", 1.02, 1.04))
            .add(config("maglev", 1.06, 1.03))))
        .put("remap", new JsonObject().put("configs", new JsonArray()
            .add(new JsonObject().put("config", "maglev").put("add", new JsonObject().put("ratio", 1.01))
                .put("remove", new JsonObject().put("ratio", 1.12)))));
    JsonObject t = Goals.analysis(results);
    assertTrue(t.getJsonObject("a1").getBoolean("pass"));
    assertEquals("maglev-bounded-rate", t.getJsonObject("balance").getString("best"));
    assertEquals(1.04, t.getJsonObject("balance").getDouble("measured"));
    assertTrue(t.getJsonObject("balance").getBoolean("pass"));
    assertEquals("maglev", t.getJsonObject("remap").getString("config"), "bounded loads move keys as its ring does");
    assertFalse(t.getJsonObject("remap").getBoolean("pass"), "1.12 > 1.1");
  }

  private static JsonObject config(String name, double... maxOverMean) {
    JsonArray rows = new JsonArray();
    for (int k = 0; k < maxOverMean.length; k++) {
      rows.add(new JsonObject().put("N", k + 2).put("maxOverMean", maxOverMean[k]));
    }
    return new JsonObject().put("config", name).put("a2", new JsonObject().put("rows", rows));
  }
}
