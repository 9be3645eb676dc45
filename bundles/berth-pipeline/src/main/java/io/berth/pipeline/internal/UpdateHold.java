package io.berth.pipeline.internal;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a stage of a pipeline's live arrangement goes away, it is being updated (a new jar in
 * {@code deploy/}, {@code bundle:update}) or removed: the pipeline's requests wait at the
 * {@link StageGate} for up to {@code update_wait} for it to come back, instead of getting 503 in
 * between. This decides when a pipeline holds and when the hold ends: when something serves again
 * ({@link #served}), or when {@code update_wait} has run out without the stage. A hold that ran out
 * is spent: the pipeline fails closed, and holds again only once it has been live.
 */
final class UpdateHold {

    /** Logs as the pipeline, as it did before this was a class of its own. */
    private static final Logger LOG = LoggerFactory.getLogger(PipelineComponent.class);

    private final String pipeline;
    private final PipelineRegistry registry;
    private final LongAdder waited;
    private final Runnable expired;

    /** Guarded by this: whether requests are held now. */
    private boolean holding;
    /** Guarded by this: which hold a scheduled expiry belongs to; a later hold is not ended by an earlier one's timer. */
    private int holds;
    /** Guarded by this: the hold ran out without the stage coming back; fail closed until the pipeline is live again. */
    private boolean spent;

    /**
     * @param pipeline the pipeline's name
     * @param registry keeps the hold where the {@link StageGate} finds it, and runs the expiry
     * @param waited the pipeline's count of requests that waited, across holds
     * @param expired run when a hold runs out, before its requests are let go: the pipeline
     *     brings what serves in line (the 503 naming the missing stage answers them)
     */
    UpdateHold(String pipeline, PipelineRegistry registry, LongAdder waited, Runnable expired) {
        this.pipeline = pipeline;
        this.registry = registry;
        this.waited = waited;
        this.expired = expired;
    }

    /**
     * Stages of the live arrangement are missing: hold the pipeline's requests, if it may.
     *
     * @param missing the stages that are missing, in pipeline order
     * @param settings the pipeline's settings now
     * @param liveOnThem whether the arrangement serving now is the app, built with these settings
     * @return whether requests are held (else the pipeline fails closed now)
     */
    synchronized boolean hold(List<String> missing, PipelineSettings settings, boolean liveOnThem) {
        if (holding) {
            return true;
        }
        if (spent || !liveOnThem || settings.updateWaitMillis == 0 || settings.updateWaitRequests == 0) {
            return false;
        }
        holding = true;
        String stages = String.join(", ", missing);
        registry.hold(pipeline, stages, settings.updateWaitMillis, settings.updateWaitRequests, waited);
        LOG.info("Berth pipeline {}: {} went away; its requests wait up to {} ms for it to come back (update_wait)",
                pipeline, stages, settings.updateWaitMillis);
        int hold = ++holds;
        registry.schedule(() -> expire(hold), settings.updateWaitMillis);
        return true;
    }

    private void expire(int hold) {
        synchronized (this) {
            if (!holding || hold != holds) {
                return;
            }
            holding = false;
            spent = true;
        }
        // Outside this lock: the pipeline takes its own, and comes back here.
        expired.run();
        // Whatever serves now (the 503 naming the missing stage) answers the requests that waited.
        registry.unhold(pipeline);
    }

    /**
     * A new generation serves the pipeline now: the requests held go on to it.
     *
     * @param live whether it serves the app (then a later update may hold again)
     */
    synchronized void served(boolean live) {
        if (live) {
            spent = false;
        }
        if (holding) {
            holding = false;
            registry.unhold(pipeline);
        }
    }

    /** The pipeline goes: its held requests go on, to the 404 that follows, and no timer of a hold ends anything. */
    synchronized void stop() {
        holding = false;
        holds++;
        registry.unhold(pipeline);
    }

    synchronized boolean holding() {
        return holding;
    }

    synchronized boolean spent() {
        return spent;
    }
}
