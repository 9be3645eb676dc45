package io.berth.supervisor.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The JVM's SIGTERM handler while Berth runs. Before the JVM begins to stop (and Karaf with it,
 * stages and apps included), every listener goes out of service ({@code healthcheck} answers
 * {@code 503 DRAINING}) and Berth keeps serving for the longest {@code shutdown_delay}, so that
 * a load balancer takes the node out before its sockets close; then the JVM's own handler runs
 * and Karaf stops as before (each listener drains). A second SIGTERM stops at once. With no
 * delay configured, SIGTERM goes straight to the JVM's handler.
 */
final class Terminate {

    private static final Logger LOG = LoggerFactory.getLogger(Terminate.class);
    private static final Signal TERM = new Signal("TERM");

    /** Sleeps, or is interrupted: for tests, a clock of their own. */
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final Supplier<Duration> leaveService;
    private final Sleeper sleeper;
    private final AtomicBoolean leaving = new AtomicBoolean();
    private SignalHandler previous;

    /**
     * @param leaveService takes every listener out of service if any has a shutdown delay, and
     *     says how long to keep serving (zero: stop at once)
     */
    Terminate(Supplier<Duration> leaveService, Sleeper sleeper) {
        this.leaveService = leaveService;
        this.sleeper = sleeper;
    }

    static Terminate install(Supplier<Duration> leaveService) {
        Terminate terminate = new Terminate(leaveService, duration -> TimeUnit.NANOSECONDS.sleep(duration.toNanos()));
        try {
            terminate.previous = Signal.handle(TERM, signal -> terminate.received(() -> terminate.previous.handle(signal)));
        } catch (IllegalArgumentException e) {
            // The JVM was started with -Xrs: SIGTERM stops it at once, without the delay.
            LOG.warn("SIGTERM cannot be handled here ({}): shutdown_delay applies only when a listener is removed",
                    e.getMessage());
        }
        return terminate;
    }

    /** Each signal on a thread of its own (the JVM's "SIGTERM handler"), so a second one is not held up by the first. */
    void received(Runnable stop) {
        if (!leaving.compareAndSet(false, true)) {
            LOG.info("SIGTERM again: stopping now");
            stop.run();
            return;
        }
        Duration delay = leaveService.get();
        if (!delay.isZero()) {
            LOG.info("SIGTERM received: every listener out of service (healthcheck answers 503 DRAINING), still "
                    + "serving for {} s (shutdown_delay) before Berth stops; SIGTERM again stops now", delay.toMillis() / 1000.0);
            try {
                sleeper.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stop.run();
    }

    void uninstall() {
        if (previous != null) {
            Signal.handle(TERM, previous);
        }
    }
}
