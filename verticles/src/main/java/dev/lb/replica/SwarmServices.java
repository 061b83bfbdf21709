package dev.lb.replica;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the Swarm backend writes to and reads from the Engine API, as plain JSON: the spec of one replica's service, and
 * what a service's tasks say (the running one and its address on the replicas' network, or how the last one ended).
 * Each replica is one service of one task, so the mapping from a replica to Swarm is the service's labels: its name and
 * ring id, never a task slot.
 */
final class SwarmServices {

  /** Label a stack puts on what it deploys; a replica service carrying it is removed by {@code docker stack rm}. */
  static final String STACK_LABEL = "com.docker.stack.namespace";
  /** Task states after which a task never runs again (Swarm's own list, {@code api.TaskState}). */
  static final Set<String> ENDED = Set.of("complete", "shutdown", "failed", "rejected", "remove", "orphaned");
  /** The longest Swarm service name (a DNS label). */
  static final int MAX_SERVICE_NAME = 63;

  /**
   * What one replica's service runs.
   *
   * @param image   the image
   * @param command its arguments, the image's replica command (empty: its default command)
   * @param user    the user it runs as ({@code null}: the image's)
   * @param env     its {@code NAME=value} environment
   * @param network the overlay network it joins
   * @param labels  the service's labels (owner, replica name, ring id, the stack's)
   * @param graceMs how long Swarm waits after SIGTERM before it kills the container
   */
  record Spec(String image, List<String> command, String user, List<String> env, String network, JsonObject labels,
      long graceMs) { }

  /** A replica's service as one of its tasks shows it: running at {@code ip}, or ended as {@code how}. */
  record TaskView(boolean running, String ip, String containerId, String how) { }

  private SwarmServices() {}

  /**
   * A service name for replica {@code name} of {@code owner}: {@code owner-name-suffix}, lower case, only letters,
   * digits and {@code -}, at most {@value #MAX_SERVICE_NAME} characters. The suffix keeps two names of the same safe
   * form ({@code "A b"} and {@code "a-b"}) apart.
   */
  static String serviceName(String owner, String name, String suffix) {
    String safe = (owner + "-" + ReplicaNames.safe(name)).replace('.', '-').replaceAll("-+", "-");
    int room = MAX_SERVICE_NAME - suffix.length() - 1;
    if (safe.length() > room) {
      safe = safe.substring(0, room);
    }
    return safe.replaceAll("-+$", "") + "-" + suffix;
  }

  /**
   * The service of one replica: one task, never restarted by Swarm (the replica manager replaces a replica that ends,
   * on its ring id), reached by its task's address on {@code spec.network()} (no virtual IP: DNS round robin).
   */
  static JsonObject service(String serviceName, Spec spec) {
    JsonObject container = new JsonObject().put("Image", spec.image()).put("Env", new JsonArray(spec.env()))
        .put("Hostname", serviceName).put("StopGracePeriod", spec.graceMs() * 1_000_000L);
    String stack = spec.labels().getString(STACK_LABEL);
    if (stack != null) {
      // as a stack labels its own containers
      container.put("Labels", new JsonObject().put(STACK_LABEL, stack));
    }
    if (!spec.command().isEmpty()) {
      container.put("Args", new JsonArray(spec.command()));
    }
    if (spec.user() != null) {
      container.put("User", spec.user());
    }
    JsonObject task = new JsonObject().put("ContainerSpec", container)
        .put("RestartPolicy", new JsonObject().put("Condition", "none"))
        .put("Networks", new JsonArray().add(new JsonObject().put("Target", spec.network())
            .put("Aliases", new JsonArray().add(serviceName))));
    return new JsonObject().put("Name", serviceName).put("Labels", spec.labels()).put("TaskTemplate", task)
        .put("Mode", new JsonObject().put("Replicated", new JsonObject().put("Replicas", 1)))
        .put("EndpointSpec", new JsonObject().put("Mode", "dnsrr"));
  }

  /**
   * What the tasks of one service say: its running task and that task's IP on network {@code networkId} if one runs
   * (and has an address there), else how the latest task ended (or that none has yet).
   */
  static TaskView view(List<JsonObject> tasks, String networkId) {
    Optional<JsonObject> running = tasks.stream()
        .filter(t -> "running".equals(status(t).getString("State")) && "running".equals(t.getString("DesiredState")))
        .findFirst();
    if (running.isPresent()) {
      JsonObject task = running.get();
      String containerId = status(task).getJsonObject("ContainerStatus", new JsonObject()).getString("ContainerID");
      return new TaskView(true, address(task, networkId).orElse(null), containerId, "running");
    }
    return tasks.stream().max(Comparator.comparing(t -> t.getString("UpdatedAt", "")))
        .map(t -> new TaskView(false, null, null, describe(t)))
        .orElse(new TaskView(false, null, null, "no task"));
  }

  /** Whether the latest of {@code tasks} ended and none is meant to run any more. */
  static boolean ended(List<JsonObject> tasks) {
    return !tasks.isEmpty() && tasks.stream().allMatch(t -> ENDED.contains(status(t).getString("State"))
        || !"running".equals(t.getString("DesiredState")));
  }

  /** A task's IP (without its prefix length) on network {@code networkId}. */
  static Optional<String> address(JsonObject task, String networkId) {
    JsonArray attachments = task.getJsonArray("NetworksAttachments", new JsonArray());
    for (Object o : attachments) {
      JsonObject attachment = (JsonObject) o;
      JsonArray addresses = attachment.getJsonArray("Addresses", new JsonArray());
      if (networkId.equals(attachment.getJsonObject("Network", new JsonObject()).getString("ID")) && !addresses.isEmpty()) {
        String cidr = addresses.getString(0);
        return Optional.of(cidr.contains("/") ? cidr.substring(0, cidr.indexOf('/')) : cidr);
      }
    }
    return Optional.empty();
  }

  /** How a task ended, as Swarm says it: {@code "failed: task: non-zero exit (137)"}. */
  static String describe(JsonObject task) {
    JsonObject status = status(task);
    String err = status.getString("Err", "");
    String state = status.getString("State", "unknown");
    return err.isEmpty() ? "task " + state : "task " + state + ": " + err;
  }

  private static JsonObject status(JsonObject task) {
    return task.getJsonObject("Status", new JsonObject());
  }
}
