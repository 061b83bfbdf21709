package dev.lb.cluster;

import dev.lb.config.ConfigKeys;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a node does ({@code roles}): {@code balancer} serves HTTP; {@code manager} makes it a candidate to run the
 * replica manager and the heartbeat (one node at a time in a cluster).
 */
public enum Roles {
  BALANCER, MANAGER;

  public static Set<Roles> of(JsonObject config) {
    String spec = config.getString(ConfigKeys.ROLES);
    Set<Roles> roles = EnumSet.noneOf(Roles.class);
    for (String word : spec.split(",")) {
      String name = word.trim().toUpperCase(Locale.ROOT);
      if (name.isEmpty()) {
        continue;
      }
      try {
        roles.add(Roles.valueOf(name));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown role '" + word.trim() + "' in roles '" + spec
            + "'; use balancer, manager or both", e);
      }
    }
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("roles is empty; use balancer, manager or both");
    }
    return roles;
  }
}
