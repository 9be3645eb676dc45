package io.berth.example.objects.internal;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Swift's object-expirer for one store: every {@code expirer_interval} seconds it deletes the
 * objects whose X-Delete-At has passed, at most {@link #MAX_PER_RUN} a run so that one run never
 * holds the disk for long (the rest wait for the next). Until it comes, an expired object already
 * answers 404 ({@link Expiry}); the expirer gives its space back and takes it out of the listings.
 *
 * <p>One per pipeline generation, from the servlet's init() to its destroy(). Generations overlap,
 * so two may run on one store for a moment: a deletion is checked under the object's lock, and an
 * object that is gone or no longer due is left alone.
 */
final class Expirer implements AutoCloseable {

    /** The most objects one run deletes. */
    static final int MAX_PER_RUN = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(Expirer.class);

    private final ObjectStore store;
    private final LongSupplier clock;
    private final int maxPerRun;
    /** From start() to close(); the whiteboard may destroy a servlet and initialise it again. Guarded by this. */
    private ScheduledExecutorService timer;
    /** The timer's thread, once it has one: close() waits for it to end, not only for the executor to say so. */
    private volatile Thread thread;

    Expirer(ObjectStore store, LongSupplier clock, int maxPerRun) {
        this.store = store;
        this.clock = clock;
        this.maxPerRun = maxPerRun;
    }

    /** Runs every {@code intervalSeconds}, the first run one interval from now. */
    synchronized void start(long intervalSeconds) {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread made = new Thread(task, "berth-objects-expirer " + store.root());
            made.setDaemon(true);
            thread = made;
            return made;
        });
        timer.scheduleWithFixedDelay(this::runQuietly, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
    }

    /** Whether the timer runs: started and not closed. */
    synchronized boolean running() {
        return timer != null;
    }

    /**
     * Deletes what is due now, at most the bound.
     *
     * @return how many objects were deleted
     */
    int run() throws IOException {
        long now = clock.getAsLong();
        int deleted = 0;
        for (ExpiringObjects.Due due : store.due(now, maxPerRun)) {
            if (store.expire(due, now)) {
                deleted++;
            }
        }
        if (deleted > 0) {
            LOG.info("Object store {}: {} expired objects deleted", store.root(), deleted);
        }
        return deleted;
    }

    /** A failed run is logged, and the next one tries again: an exception would end the schedule. */
    private void runQuietly() {
        try {
            run();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Object store {}: deleting expired objects failed, to be tried again: {}", store.root(), e.toString());
        }
    }

    private static boolean join(Thread running) throws InterruptedException {
        running.join(TimeUnit.SECONDS.toMillis(5));
        return !running.isAlive();
    }

    /** Stops the timer, waiting a bounded time for a run in progress. */
    @Override
    public void close() {
        ScheduledExecutorService stopping;
        synchronized (this) {
            stopping = timer;
            timer = null;
        }
        if (stopping == null) {
            return;
        }
        stopping.shutdownNow();
        try {
            // The executor counts as terminated a moment before its thread has ended.
            Thread running = thread;
            if (!stopping.awaitTermination(5, TimeUnit.SECONDS) || running != null && !join(running)) {
                LOG.warn("Object store {}: the expirer did not stop within 5 s", store.root());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
