package io.berth.socket.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.Lifecycle;

/**
 * Replaces a worker whose socket died without being stopped, as oslo's ProcessLauncher respawns a
 * dead worker process: a new socket and acceptor, bound on the listener's thread, feeding the
 * worker's connector. At most once per {@link #INTERVAL}, so a socket that keeps dying does not
 * spin. A worker whose generation was replaced meanwhile, or whose listener is stopping, is not
 * respawned.
 */
final class Respawn {

    /** Logs as the listener, as it did before this was a class of its own. */
    private static final Logger LOG = LoggerFactory.getLogger(ListenerRuntime.class);

    static final Duration INTERVAL = Duration.ofSeconds(1);

    /** The listener, as far as a respawn goes. */
    interface Owner {

        /** Whether the generation serves now: not replaced by a reload, not stopped. */
        boolean current(Generation generation);

        /**
         * Gives the worker its new acceptor and counts the respawn, if its generation is still
         * current: checked and done under the lock that reloads take.
         *
         * @return false if the generation was replaced meanwhile
         */
        boolean adopt(ListenerRuntime.Worker worker, Acceptor acceptor);

        /** The listener cannot serve as configured: why, as the log and the status say it. */
        void fail(String line);
    }

    private final String listener;
    /** The listener's thread: respawns happen on it, one at a time, between binds of reloads. */
    private final ExecutorService tasks;
    private final Owner owner;
    private final SocketOpener opener;
    private final LifecycleEvents events;
    private final LongSupplier nanoTime;
    private final Pause pause;
    private volatile long last;

    /**
     * @param nanoTime the clock of the throttle: {@link System#nanoTime()} but in tests
     * @param pause how the listener's thread waits out the throttle
     */
    Respawn(String listener, ExecutorService tasks, Owner owner, SocketOpener opener, LifecycleEvents events,
            LongSupplier nanoTime, Pause pause) {
        this.listener = listener;
        this.tasks = tasks;
        this.owner = owner;
        this.opener = opener;
        this.events = events;
        this.nanoTime = nanoTime;
        this.pause = pause;
        this.last = nanoTime.getAsLong() - INTERVAL.toNanos();
    }

    /** Called on an acceptor's thread when the worker's socket died without being stopped. */
    void died(ListenerRuntime.Worker worker) {
        if (!owner.current(worker.generation) || tasks.isShutdown()) {
            return; // replaced or stopping: nothing to respawn
        }
        LOG.error("Removing dead worker {} of listener {}", worker.index, listener);
        events.publish(Lifecycle.WORKER_DIED, worker.generation.settings, worker.generation.number);
        long wait = last + INTERVAL.toNanos() - nanoTime.getAsLong();
        if (wait > 0) {
            LOG.warn("Workers of listener {} die faster than once a second: respawn throttled by {} ms", listener,
                    TimeUnit.NANOSECONDS.toMillis(wait));
        }
        try {
            tasks.execute(() -> respawn(worker, Math.max(0, wait)));
        } catch (RejectedExecutionException stopping) {
            LOG.debug("Listener {} stopping: worker {} not respawned", listener, worker.index);
        }
    }

    /** On the listener's thread: a new socket and acceptor for the worker, feeding the same connector. */
    private void respawn(ListenerRuntime.Worker worker, long waitNanos) {
        try {
            pause.nanos(waitNanos);
            last = nanoTime.getAsLong();
            Acceptor acceptor = opener.open(worker.acceptor.name, worker.generation.settings);
            if (!owner.adopt(worker, acceptor)) {
                acceptor.stopQuietly();
                return;
            }
            LOG.info("Started worker {} of listener {} on {}", worker.index, listener, worker.generation.settings.url());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            owner.fail("berth.listener-" + listener + ": worker " + worker.index + " could not be respawned: " + e.getMessage());
        }
    }
}
