package io.berth.pipeline.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pipeline's replaced generations, on their way out: each stays registered for
 * {@link #GRACE_MS} at least, then until the requests it took have finished, for
 * {@link #LIMIT_MS} at most, so that an edit never cuts a request in flight.
 */
final class Retirement {

    /** Logs as the pipeline, as it did before this was a class of its own. */
    private static final Logger LOG = LoggerFactory.getLogger(PipelineComponent.class);

    /**
     * How long a replaced generation stays registered at least: a request the whiteboard
     * resolved to it just before the switch reaches its context's handleSecurity within this
     * (see {@link Generation} on Felix's dispatch).
     */
    static final long GRACE_MS = 1_000;

    /** How long a replaced generation waits for its requests, at most. */
    static final long LIMIT_MS = 60_000;

    /** How often a replaced generation that still has requests looks again. */
    static final long POLL_MS = 50;

    /** What retires: a generation, as far as its retirement goes. */
    interface Retiree {
        /** @return the requests it took that have not finished */
        int inFlight();

        /** Takes its registrations away; may be called again. */
        void unregister();
    }

    private final String pipeline;
    private final PipelineRegistry.Scheduler scheduler;
    private final LongSupplier nanoTime;
    /** Guarded by this. */
    private final List<Retiree> retiring = new ArrayList<>();

    /**
     * @param pipeline the pipeline's name, for the log
     * @param scheduler runs the checks, one at a time
     * @param nanoTime the clock of the deadline: {@link System#nanoTime()} but in tests
     */
    Retirement(String pipeline, PipelineRegistry.Scheduler scheduler, LongSupplier nanoTime) {
        this.pipeline = pipeline;
        this.scheduler = scheduler;
        this.nanoTime = nanoTime;
    }

    /** {@code old} was replaced now: it goes once its requests are done. */
    synchronized void retire(Retiree old) {
        retiring.add(old);
        long deadline = nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(LIMIT_MS);
        scheduler.schedule(() -> check(old, deadline), GRACE_MS);
    }

    private synchronized void check(Retiree old, long deadline) {
        if (!retiring.contains(old)) {
            return;
        }
        int inFlight = old.inFlight();
        if (inFlight > 0 && nanoTime.getAsLong() < deadline) {
            scheduler.schedule(() -> check(old, deadline), POLL_MS);
            return;
        }
        if (inFlight > 0) {
            LOG.warn("Berth pipeline {}: {} request(s) still running on its replaced arrangement after {} s; "
                    + "its stages are removed now", pipeline, inFlight, LIMIT_MS / 1000);
        }
        retiring.remove(old);
        old.unregister();
    }

    /** The pipeline goes: every generation still retiring goes with it, at once. */
    synchronized void retireAllNow() {
        retiring.forEach(Retiree::unregister);
        retiring.clear();
    }

    /** @return how many generations are retiring now */
    synchronized int retiring() {
        return retiring.size();
    }
}
