package io.berth.socket.internal;

import java.time.Duration;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a listener is out of service, and its way out of service when it stops. Out of service,
 * its requests carry {@link io.berth.api.Berth#DRAINING_ATTRIBUTE}, so that {@code healthcheck}
 * answers 503 DRAINING; it still accepts and serves. A stopping listener stays so for
 * {@code shutdown_delay} before its sockets close, so that a load balancer that checks every few
 * seconds stops sending first; an operator's drain or SIGTERM's handler that took it out earlier
 * counts towards that time.
 */
final class OutOfService {

    /** Logs as the listener, as it did before this was a class of its own. */
    private static final Logger LOG = LoggerFactory.getLogger(ListenerRuntime.class);

    private final String listener;
    /** Holds the flag the connectors read on every request, and counts drains. */
    private final ListenerTotals totals;
    private final LongSupplier nanoTime;
    private final Pause pause;
    /** When the listener last went out of service (nanoTime). */
    private volatile long since;

    /**
     * @param nanoTime the clock of shutdown_delay: {@link System#nanoTime()} but in tests
     * @param pause how the stopping thread waits
     */
    OutOfService(String listener, ListenerTotals totals, LongSupplier nanoTime, Pause pause) {
        this.listener = listener;
        this.totals = totals;
        this.nanoTime = nanoTime;
        this.pause = pause;
    }

    OutOfService(String listener, ListenerTotals totals) {
        this(listener, totals, System::nanoTime, Pause.SLEEP);
    }

    /** An operator's drain (true) or resume (false); going out counts as a drain, staying out does not. */
    synchronized void set(boolean out) {
        if (out && !totals.outOfService) {
            totals.drains.incrementAndGet();
            since = nanoTime.getAsLong();
        }
        totals.outOfService = out;
    }

    boolean out() {
        return totals.outOfService;
    }

    /**
     * Stopping: out of service, and still serving until the listener has been out for
     * {@code delay}; returns at once when there is no delay or the listener does not serve.
     * Interrupted: stops waiting.
     *
     * @param delay the listener's shutdown_delay
     * @param serving whether the listener serves now
     */
    void leave(Duration delay, boolean serving) {
        long nanos = delay.toNanos();
        if (nanos == 0 || !serving) {
            return;
        }
        set(true);
        long left = nanos - (nanoTime.getAsLong() - since);
        if (left <= 0) {
            return;
        }
        LOG.info("Berth listener {}: out of service, healthcheck answers 503 DRAINING; still serving for {} s "
                + "(shutdown_delay) before its socket closes", listener, ListenerSettings.format(left / 1e9));
        try {
            pause.nanos(left);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The listener has stopped accepting: out of service for good, whatever an operator says. */
    void forGood() {
        totals.outOfService = true;
    }
}
