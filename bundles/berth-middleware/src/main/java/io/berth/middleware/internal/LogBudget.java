package io.berth.middleware.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Bounds how many lines of one kind reach the log: at most {@code lines} in a window of time;
 * past that they are only counted, and the first line of a later window says how many were left
 * out. For events a client can cause by the thousand (hanging up), which are no error of ours.
 * Lock-free: taken on the request path.
 */
final class LogBudget {

    /** Lines of one kind a minute, by default. */
    static final int LINES = 10;
    static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** What {@link #take} answers for a line to leave out. */
    static final long LEAVE_OUT = -1;

    private final int lines;
    private final long windowNanos;
    private final LongSupplier clock;
    private final AtomicLong windowStart;
    private final AtomicInteger used = new AtomicInteger();
    private final AtomicLong leftOut = new AtomicLong();

    /** {@value #LINES} lines a minute, on the monotonic clock. */
    LogBudget() {
        this(LINES, WINDOW_NANOS, System::nanoTime);
    }

    LogBudget(int lines, long windowNanos, LongSupplier clock) {
        this.lines = lines;
        this.windowNanos = windowNanos;
        this.clock = clock;
        this.windowStart = new AtomicLong(clock.getAsLong() - windowNanos);
    }

    /**
     * Asks to log one line.
     *
     * @return {@link #LEAVE_OUT}; or how many lines were left out before this one (log that first, if not 0)
     */
    long take() {
        long now = clock.getAsLong();
        long start = windowStart.get();
        if (now - start >= windowNanos && windowStart.compareAndSet(start, now)) {
            used.set(1);
            return leftOut.getAndSet(0);
        }
        if (used.incrementAndGet() <= lines) {
            return 0;
        }
        leftOut.incrementAndGet();
        return LEAVE_OUT;
    }

    /** @return the lines left out and not told yet, which are told now (at the end) */
    long untold() {
        return leftOut.getAndSet(0);
    }

    int lines() {
        return lines;
    }

    long windowSeconds() {
        return TimeUnit.NANOSECONDS.toSeconds(windowNanos);
    }
}
