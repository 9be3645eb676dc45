package io.berth.socket.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.Lifecycle;

/**
 * Drains a listener's generation, replaced by a reload or stopping with the listener, once: its
 * sockets close (those no newer generation took over), each response on its connectors closes its
 * connection and idle keep-alive connections are closed, and requests in flight finish, for up to
 * {@code graceful_shutdown_timeout}. What still runs then is cut, logged and counted. Then its
 * connectors leave Jetty.
 */
final class Drain {

    /** Logs as the listener, as it did before this was a class of its own. */
    private static final Logger LOG = LoggerFactory.getLogger(ListenerRuntime.class);

    static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /** What drains: a connector, as far as its drain goes. */
    interface Drainable {

        /** Closes each response's connection from now on, and connections idle between requests. */
        void drain();

        /** Whether every connection is closed. */
        boolean idle();

        long inFlight();
    }

    private final String listener;
    private final LifecycleEvents events;
    private final LongSupplier nanoTime;
    private final Pause pause;
    private final AtomicLong requestsCut = new AtomicLong();

    /**
     * @param nanoTime the clock of graceful_shutdown_timeout: {@link System#nanoTime()} but in tests
     * @param pause how the draining thread waits between looks
     */
    Drain(String listener, LifecycleEvents events, LongSupplier nanoTime, Pause pause) {
        this.listener = listener;
        this.events = events;
        this.nanoTime = nanoTime;
        this.pause = pause;
    }

    Drain(String listener, LifecycleEvents events) {
        this(listener, events, System::nanoTime, Pause.SLEEP);
    }

    /** Drains the generation, or waits for whoever drains it already. */
    void generation(Generation generation) {
        if (!generation.claimDrain()) {
            generation.awaitDrained();
            return;
        }
        try {
            generation.stopAccepting();
            events.publish(Lifecycle.DRAINING, generation.settings, generation.number);
            Duration limit = generation.settings.gracefulShutdownTimeout;
            List<Drainable> connectors = new ArrayList<>();
            for (BerthConnector connector : generation.startedConnectors()) {
                connectors.add(drainable(connector));
            }
            long cut = connectors(connectors, limit);
            if (cut > 0) {
                requestsCut.addAndGet(cut);
                LOG.warn("Berth listener {}: {} request(s) still running after graceful_shutdown_timeout ({} s) were cut",
                        listener, cut, ListenerSettings.format(limit.toMillis() / 1000.0));
            }
            generation.removeConnectors();
        } finally {
            generation.drained();
        }
    }

    /**
     * Drains the connectors until every connection has closed, or {@code limit} has passed.
     *
     * @param limit zero: no limit
     * @return the requests still in flight when the limit passed
     */
    long connectors(List<? extends Drainable> connectors, Duration limit) {
        long deadline = limit.isZero() ? Long.MAX_VALUE : nanoTime.getAsLong() + limit.toNanos();
        connectors.forEach(Drainable::drain);
        while (connectors.stream().anyMatch(c -> !c.idle()) && nanoTime.getAsLong() < deadline) {
            try {
                pause.nanos(POLL_NANOS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // Connections that finished their last request meanwhile are idle now.
            connectors.forEach(Drainable::drain);
        }
        return connectors.stream().mapToLong(Drainable::inFlight).sum();
    }

    private static Drainable drainable(BerthConnector connector) {
        return new Drainable() {
            @Override
            public void drain() {
                connector.drain();
            }

            @Override
            public boolean idle() {
                return connector.idle();
            }

            @Override
            public long inFlight() {
                return connector.inFlight();
            }
        };
    }

    /** Requests cut by this listener's drains, so far. */
    long requestsCut() {
        return requestsCut.get();
    }
}
