package dev.lb.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lb.bus.BadRequestException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;

class ScaleRequestTest {

  private static String error(String json) {
    return assertThrows(BadRequestException.class,
        () -> ScaleRequest.parse(new JsonObject(json), ScaleRequest.ADD_TOO_MANY_NAMES)).getMessage();
  }

  @Example
  void theAssignmentsExampleIsAccepted() {
    ScaleRequest r = ScaleRequest.parse(new JsonObject("{\"n\": 4, \"hostnames\": [\"S5\", \"S4\", \"S6\", \"S7\"]}"),
        ScaleRequest.ADD_TOO_MANY_NAMES);
    assertEquals(4, r.n());
    assertEquals(List.of("S5", "S4", "S6", "S7"), r.hostnames());
    assertEquals(List.of(), ScaleRequest.parse(new JsonObject("{\"n\": 2}"), ScaleRequest.ADD_TOO_MANY_NAMES).hostnames());
  }

  @Example
  void moreNamesThanInstancesGetsTheAssignmentsMessage() {
    assertEquals("<Error> Length of hostname list is more than newly added instances",
        error("{\"n\": 1, \"hostnames\": [\"A\", \"B\"]}"));
    assertEquals("<Error> Length of hostname list is more than removable instances",
        assertThrows(BadRequestException.class, () -> ScaleRequest.parse(
            new JsonObject("{\"n\": 1, \"hostnames\": [\"A\", \"B\"]}"), ScaleRequest.REMOVE_TOO_MANY_NAMES)).getMessage());
  }

  @Example
  void everyBadFieldIsNamedInItsError() {
    assertTrue(error("{}").contains("'n' is required"));
    assertTrue(error("{\"n\": \"3\"}").contains("'n' must be a positive integer"));
    assertTrue(error("{\"n\": 2.5}").contains("'n' must be a positive integer"));
    assertTrue(error("{\"n\": 0}").contains("got 0"));
    assertTrue(error("{\"n\": -4}").contains("got -4"));
    assertTrue(error("{\"n\": 99999999999}").contains("positive integer"));
    assertTrue(error("{\"n\": 1, \"hostnames\": \"S1\"}").contains("'hostnames' must be a list"));
    assertTrue(error("{\"n\": 1, \"hostnames\": null}").contains("'hostnames' must be a list of names, got null"));
    assertTrue(error("{\"n\": 2, \"hostnames\": [\"S1\", 7]}").contains("item 1"));
    assertTrue(error("{\"n\": 2, \"hostnames\": [\"S1\", \"S1\"]}").contains("listed more than once"));
    assertTrue(error("{\"n\": 1, \"hostnames\": [\"a/b\"]}").contains("Invalid hostname 'a/b'"));
  }

  @Example
  void namesFollowTheOneRule() {
    for (String ok : List.of("Server 1", "S5", "a", "web_1.eu-west", "X".repeat(63))) {
      assertTrue(ReplicaNames.isValid(ok), ok);
    }
    for (String bad : List.of("", " S1", "S1 ", "-x", "a/b", "a;rm -rf", "$(id)", "X".repeat(64), "tab\tname", "é")) {
      assertFalse(ReplicaNames.isValid(bad), bad);
    }
    assertEquals("server-1", ReplicaNames.safe("Server 1"));
    assertEquals("web-1.eu-west", ReplicaNames.safe("Web_1.eu-west"));
  }

  @Property(tries = 300)
  void aValidNamesSafeFormIsAValidDnsLikeLabel(
      @ForAll @StringLength(min = 1, max = 63) @CharRange(from = 'a', to = 'z') @CharRange(from = '0', to = '9')
      @Chars({' ', '_', '.', '-'}) String name) {
    if (ReplicaNames.isValid(name)) {
      assertTrue(ReplicaNames.safe(name).matches("[a-z0-9][a-z0-9.-]*"), name);
    }
  }
}
