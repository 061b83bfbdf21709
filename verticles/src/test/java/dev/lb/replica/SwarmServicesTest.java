package dev.lb.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the Swarm backend asks of Swarm and reads back, on the JSON shapes of Engine API 1.41. */
class SwarmServicesTest {

  private static final String NET = "0hbe3pm1n7a2utcd326gpxpju";

  private static JsonObject task(String state, String desired, String updatedAt, String err, String network, String cidr) {
    JsonObject status = new JsonObject().put("State", state)
        .put("ContainerStatus", new JsonObject().put("ContainerID", "c-" + updatedAt));
    if (err != null) {
      status.put("Err", err);
    }
    JsonArray attachments = new JsonArray();
    if (network != null) {
      attachments.add(new JsonObject().put("Network", new JsonObject().put("ID", network))
          .put("Addresses", new JsonArray().add(cidr)));
    }
    return new JsonObject().put("ID", "t-" + updatedAt).put("ServiceID", "s1").put("Slot", 1).put("DesiredState", desired)
        .put("UpdatedAt", updatedAt).put("Status", status).put("NetworksAttachments", attachments);
  }

  @Test
  void aServiceNameIsADnsLabelOfOwnerNameAndSuffix() {
    assertEquals("lb-server-1-0a1b", SwarmServices.serviceName("lb", "Server 1", "0a1b"));
    assertEquals("lb-a-b-c-d-ffff", SwarmServices.serviceName("lb", "a.b_c d", "ffff"));
    String longName = SwarmServices.serviceName("owner", "x".repeat(63), "beef");
    assertEquals(63, longName.length());
    assertTrue(longName.endsWith("x-beef"), longName);
    assertTrue(longName.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?"), longName);
    String cut = SwarmServices.serviceName("owner", "y".repeat(52) + "-" + "z".repeat(8), "beef");
    assertFalse(cut.contains("--"), "a cut never leaves a dash before the suffix: " + cut);
  }

  @Test
  void aReplicaIsOneTaskThatSwarmNeverRestartsReachedWithoutAVirtualIp() {
    JsonObject labels = new JsonObject().put(DockerBackend.OWNER, "lb").put(DockerBackend.REPLICA, "Server 1")
        .put(DockerBackend.RING_ID, "1").put(SwarmServices.STACK_LABEL, "lb");
    JsonObject spec = SwarmServices.service("lb-server-1-0a1b", new SwarmServices.Spec("customized-lb:latest",
        List.of("server"), "65534:65534", List.of("SERVER_ID=1", "PORT=5000"), NET, labels, 2000));
    assertEquals("lb-server-1-0a1b", spec.getString("Name"));
    assertEquals(labels, spec.getJsonObject("Labels"));
    assertEquals(1, spec.getJsonObject("Mode").getJsonObject("Replicated").getInteger("Replicas"));
    assertEquals("dnsrr", spec.getJsonObject("EndpointSpec").getString("Mode"));
    JsonObject template = spec.getJsonObject("TaskTemplate");
    assertEquals("none", template.getJsonObject("RestartPolicy").getString("Condition"));
    assertEquals(NET, template.getJsonArray("Networks").getJsonObject(0).getString("Target"));
    JsonObject container = template.getJsonObject("ContainerSpec");
    assertEquals(new JsonArray().add("server"), container.getJsonArray("Args"), "the image's entrypoint is kept");
    assertNull(container.getJsonArray("Command"));
    assertEquals("65534:65534", container.getString("User"));
    assertEquals(new JsonArray().add("SERVER_ID=1").add("PORT=5000"), container.getJsonArray("Env"));
    assertEquals(2_000_000_000L, container.getLong("StopGracePeriod"), "nanoseconds");
    assertEquals("lb", container.getJsonObject("Labels").getString(SwarmServices.STACK_LABEL));

    JsonObject own = SwarmServices.service("lb-x-0000", new SwarmServices.Spec("nginx:1", List.of(), null, List.of(), NET,
        new JsonObject().put(DockerBackend.OWNER, "lb"), 2000)).getJsonObject("TaskTemplate").getJsonObject("ContainerSpec");
    assertFalse(own.containsKey("Args"), "an image of one's own runs its own command");
    assertFalse(own.containsKey("User"));
    assertFalse(own.containsKey("Labels"), "no stack, no stack label");
  }

  @Test
  void theRunningTaskGivesItsAddressOnTheReplicasNetwork() {
    JsonObject old = task("failed", "shutdown", "2026-12-02T01:00:00Z", "task: non-zero exit (137)", NET, "10.0.2.3/24");
    JsonObject current = task("running", "running", "2026-12-02T01:00:05Z", null, NET, "10.0.2.7/24");
    SwarmServices.TaskView view = SwarmServices.view(List.of(old, current), NET);
    assertTrue(view.running());
    assertEquals("10.0.2.7", view.ip());
    assertEquals("c-2026-12-02T01:00:05Z", view.containerId());
    assertEquals(Optional.empty(), SwarmServices.address(current, "another-network"));
    assertFalse(SwarmServices.ended(List.of(old, current)));
  }

  @Test
  void aTaskThatEndedSaysHowAndOneOnItsWayIsNotEnded() {
    JsonObject killed = task("failed", "shutdown", "2026-12-02T01:00:00Z", "task: non-zero exit (137)", NET, "10.0.2.3/24");
    SwarmServices.TaskView view = SwarmServices.view(List.of(killed), NET);
    assertFalse(view.running());
    assertEquals("task failed: task: non-zero exit (137)", view.how());
    assertTrue(SwarmServices.ended(List.of(killed)));
    JsonObject leaseEnded = task("complete", "shutdown", "2026-12-02T01:00:00Z", null, NET, "10.0.2.3/24");
    assertTrue(SwarmServices.ended(List.of(leaseEnded)));
    assertEquals("task complete", SwarmServices.view(List.of(leaseEnded), NET).how());

    JsonObject pending = task("pending", "running", "2026-12-02T01:00:01Z", null, null, null);
    assertFalse(SwarmServices.ended(List.of(pending)), "not started yet");
    assertFalse(SwarmServices.view(List.of(pending), NET).running());
    JsonObject starting = task("running", "running", "2026-12-02T01:00:01Z", null, null, null);
    assertNull(SwarmServices.view(List.of(starting), NET).ip(), "running, but not on the network: no address yet");
    assertFalse(SwarmServices.ended(List.of(killed, pending)), "Swarm moves it (a drained node): it is on its way");
    assertFalse(SwarmServices.ended(List.of()), "no task yet");
    assertEquals("no task", SwarmServices.view(List.of(), NET).how());
  }
}
