package io.berth.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A listener as Berth runs it: one per {@code etc/berth.listener-NAME.cfg}, registered as a
 * service (property {@value #NAME_PROPERTY}) whatever its state, so the shell and other bundles
 * can show what serves where and what failed.
 */
@ProviderType
public interface Listener {

    /** Service property carrying the listener's name. */
    String NAME_PROPERTY = "berth.listener.name";

    /** Where a listener is in its life. */
    enum State {
        /** Configured, binding its port (possibly waiting for it to be free). */
        STARTING,
        /** Accepting connections. */
        SERVING,
        /** No longer accepting; requests in flight are finishing. */
        DRAINING,
        /** Not serving: its configuration is invalid or its port could not be bound. See {@link #reason()}. */
        FAILED,
        /** Stopped on purpose. */
        STOPPED
    }

    /** @return the name from {@code berth.listener-NAME.cfg} */
    String name();

    /** @return the current state */
    State state();

    /** @return why the listener is {@link State#FAILED}, or {@code null} */
    String reason();

    /** @return where it serves, {@code http://HOST:PORT/} or {@code https://HOST:PORT/} */
    String url();

    /** @return requests being served now, on connectors draining after a reload included */
    long requestsInFlight();

    /**
     * One worker's counts: a socket, its acceptor and its connector (see {@code workers}).
     *
     * @param index the worker's number, from 0
     * @param connections connections open now
     * @param inFlight requests being served now
     * @param requests requests served by this worker's current connector
     * @param errors of those, the ones that failed (an exception, a client gone, a 503 at max_clients)
     */
    record Worker(int index, long connections, long inFlight, long requests, long errors) {
    }

    /** @return the workers serving with the current settings */
    java.util.List<Worker> workers();

    /** @return requests served since the listener started, across reloads */
    long requests();

    /** @return requests that failed since the listener started, across reloads */
    long errors();

    /**
     * Seamless reload with the current settings (Swift's SIGUSR1, done in place): a new connector
     * serves first, then the old one drains. Returns at once; progress is in the lifecycle events.
     */
    void reload();

    /**
     * Takes the listener out of service without closing it: requests still reach their pipelines,
     * but carry {@link Berth#DRAINING_ATTRIBUTE}, so {@code healthcheck} answers {@code 503
     * DRAINING} and a load balancer stops sending. {@link #resume()} brings it back.
     */
    void drain();

    /** Puts a listener taken out with {@link #drain()} back in service. */
    void resume();

    /**
     * How long the listener keeps accepting and serving, out of service ({@code healthcheck}
     * answers {@code 503 DRAINING}), once Berth is told to stop (SIGTERM) or the listener is
     * removed, before its socket closes: time for a load balancer to see it leave. Its
     * {@code shutdown_delay} setting.
     *
     * @return zero when the socket closes at once
     */
    default java.time.Duration shutdownDelay() {
        return java.time.Duration.ZERO;
    }

    /** @return whether it was taken out of service by {@link #drain()} (or is stopping) */
    boolean outOfService();

    /**
     * @return connections open now on the current workers' connectors (the sum of
     *     {@link Worker#connections()})
     * @since 1.5
     */
    default long connectionsOpen() {
        long open = 0;
        for (Worker worker : workers()) {
            open += worker.connections();
        }
        return open;
    }

    /**
     * @return connections accepted since the listener started, across reloads and respawns;
     *     0 where the implementation does not count them
     * @since 1.5
     */
    default long connectionsAccepted() {
        return 0;
    }

    /**
     * @return requests answered 503 at once because {@code max_clients} places were taken, since the
     *     listener started; 0 where the implementation does not count them
     * @since 1.5
     */
    default long refusedAtMaxClients() {
        return 0;
    }

    /**
     * @return seamless reloads begun since the listener started (by {@link #reload()}, the
     *     supervisor or a change of settings); 0 where the implementation does not count them
     * @since 1.5
     */
    default long reloads() {
        return 0;
    }

    /**
     * @return times the listener was taken out of service by {@link #drain()} since it started;
     *     0 where the implementation does not count them
     * @since 1.5
     */
    default long drains() {
        return 0;
    }

    /**
     * @return workers whose socket died and that were started again, since the listener started;
     *     0 where the implementation does not count them
     * @since 1.5
     */
    default long workerRespawns() {
        return 0;
    }

    /**
     * Requests the listener answered with one class of status, counted when they complete: what
     * the client was answered, the listener's own 503s (at {@code max_clients}, past
     * {@code request_timeout}) included. A request cut before any status was sent (a client gone,
     * a connection closed) is in {@link #errors()} and in no class.
     *
     * @param statusClass 1 to 5, for {@code 1xx} to {@code 5xx}
     * @return requests answered so since the listener started, across reloads; 0 for any other
     *     class, or where the implementation does not count them
     * @since 1.8
     */
    default long answered(int statusClass) {
        return 0;
    }
}
