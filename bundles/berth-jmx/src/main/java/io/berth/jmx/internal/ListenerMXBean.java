package io.berth.jmx.internal;

import java.util.List;

/**
 * A listener as JMX shows it, {@code io.berth:type=Listener,name=NAME}: what
 * {@link io.berth.api.Listener} says, and its three operations. Reading needs Karaf's
 * {@code viewer} role, the operations {@code admin} (Karaf's generic {@code jmx.acl}).
 */
public interface ListenerMXBean {

    /** @return the name from {@code berth.listener-NAME.cfg} */
    String getName();

    /** @return STARTING, SERVING, DRAINING, FAILED or STOPPED */
    String getState();

    /** @return why it is FAILED, or null */
    String getReason();

    /** @return where it serves, {@code http://HOST:PORT/} */
    String getUrl();

    /** @return requests served since the listener started, across reloads */
    long getRequests();

    /** @return of those, the ones that failed */
    long getErrors();

    /** @return requests being served now */
    long getRequestsInFlight();

    /** @return whether {@link #drain()} took it out of service (or it is stopping) */
    boolean isOutOfService();

    /** @return one entry per worker serving with the current settings */
    List<WorkerStats> getWorkers();

    /** Seamless reload with the current settings: a new connector serves first, then the old one drains. */
    void reload();

    /** Out of service without closing: healthcheck answers 503 DRAINING so that a load balancer stops sending. */
    void drain();

    /** Back in service after {@link #drain()}. */
    void resume();
}
