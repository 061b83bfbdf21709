package dev.lb.server;

/**
 * What a server replica is told: its server id (its ring id), where it listens, and its lease.
 *
 * @param id      the id {@code /home} reports
 * @param host    the address it listens on
 * @param port    its port; 0: one the system picks (see {@link ServerVerticle#actualPort()})
 * @param leaseMs 0: it runs until stopped; above 0 (clustered), it exits once no manager has claimed it for this long
 */
public record ServerSettings(String id, String host, int port, long leaseMs) { }
