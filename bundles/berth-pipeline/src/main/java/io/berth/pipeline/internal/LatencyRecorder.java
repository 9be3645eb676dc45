package io.berth.pipeline.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

import io.berth.api.Pipeline;

/**
 * Request latencies, counted once per request into one atomic array, read three ways: as
 * Prometheus' classic buckets, as its native (base-2 exponential, schema 3) buckets, and as
 * quantiles over the last minute.
 *
 * <p>The cells are the native buckets, with each native bucket that a classic bound cuts split in
 * two at that bound; so one increment serves both layouts exactly, and one reading of the array
 * gives both the same count (the Prometheus library refuses a histogram whose two counts differ).
 *
 * <p>The window: the counts never reset (Prometheus wants that); at the first request (or read)
 * of each 10 s interval a copy of them is kept, seven copies in a ring, and the counts of the
 * last minute are the counts now less the copy made when the interval five before this one
 * began: 50 to 60 s. Copying is the work of whoever first sees the new interval, once per
 * interval, not of every request. A request counted while a copy is made lands in the interval
 * before or after; nothing is lost from the counts since start.
 */
final class LatencyRecorder {

    /** Eight buckets per doubling: each 2^(1/8), about 9%, wide; its middle within 4.5% of any value in it. */
    static final int SCHEMA = 3;
    private static final int PER_DOUBLING = 1 << SCHEMA;
    /** 1 ns is 2^-29.9 s: bucket -239. */
    static final int MIN_INDEX = -240;
    /** 2^20 s, 12 days: anything longer counts here. */
    static final int MAX_INDEX = 20 * PER_DOUBLING;

    static final long INTERVAL_NANOS = 10_000_000_000L;
    /** Intervals in the window: the current one and the five before it. */
    static final int WINDOW_INTERVALS = 6;
    static final int WINDOW_SECONDS = (int) (WINDOW_INTERVALS * INTERVAL_NANOS / 1_000_000_000L);
    private static final int RING = WINDOW_INTERVALS + 1;

    /** frexp's fractions at the bucket boundaries within one doubling: 2^(j/8 - 1), j = 0..7. */
    private static final double[] FRACTION_BOUNDS = new double[PER_DOUBLING];
    /** Per native bucket (index - MIN_INDEX): its first cell. */
    private static final int[] FIRST_CELL = new int[MAX_INDEX - MIN_INDEX + 1];
    /** Per native bucket: the classic bound in nanoseconds that cuts it in two, or -1. */
    private static final long[] CUT_NANOS = new long[MAX_INDEX - MIN_INDEX + 1];
    /** Per cell: its native bucket index, and its classic bucket (0..bounds, the last +Inf); cell 0 is the zero bucket. */
    private static final int[] CELL_INDEX;
    private static final int[] CELL_CLASSIC;
    private static final int CELLS;

    static {
        for (int j = 0; j < PER_DOUBLING; j++) {
            FRACTION_BOUNDS[j] = Math.pow(2, (double) j / PER_DOUBLING - 1);
        }
        double[] bounds = PipelineStats.BOUNDS_SECONDS;
        int cells = 1;
        for (int i = MIN_INDEX; i <= MAX_INDEX; i++) {
            FIRST_CELL[i - MIN_INDEX] = cells;
            CUT_NANOS[i - MIN_INDEX] = -1;
            for (double bound : bounds) {
                if (bound > lowerSeconds(i) && bound < upperSeconds(i)) {
                    CUT_NANOS[i - MIN_INDEX] = Math.round(bound * 1e9);
                }
            }
            cells += CUT_NANOS[i - MIN_INDEX] < 0 ? 1 : 2;
        }
        CELLS = cells;
        CELL_INDEX = new int[cells];
        CELL_CLASSIC = new int[cells];
        for (int i = MIN_INDEX; i <= MAX_INDEX; i++) {
            int cell = FIRST_CELL[i - MIN_INDEX];
            CELL_INDEX[cell] = i;
            long cut = CUT_NANOS[i - MIN_INDEX];
            if (cut < 0) {
                CELL_CLASSIC[cell] = classic(i == MAX_INDEX ? Double.POSITIVE_INFINITY : upperSeconds(i), bounds);
            } else {
                CELL_CLASSIC[cell] = classic(cut / 1e9, bounds);
                CELL_INDEX[cell + 1] = i;
                CELL_CLASSIC[cell + 1] = CELL_CLASSIC[cell] + 1;
            }
        }
    }

    private final LongSupplier nanoTime;
    private final AtomicLongArray counts = new AtomicLongArray(CELLS);
    /** The interval last seen: whoever moves it on makes the copies. */
    private final AtomicLong interval;
    private final AtomicLongArray[] copies = new AtomicLongArray[RING];
    /** Which interval each copy was made for; -1 while one is being made. */
    private final AtomicLongArray copyOf = new AtomicLongArray(RING);

    LatencyRecorder(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        long now = Math.floorDiv(nanoTime.getAsLong(), INTERVAL_NANOS);
        interval = new AtomicLong(now);
        for (int k = 0; k < RING; k++) {
            copies[k] = new AtomicLongArray(CELLS);
        }
        // Nothing was counted before: the copies for the window's earlier intervals are all zero.
        for (long i = now - RING + 1; i <= now; i++) {
            copyOf.set(slot(i), i);
        }
    }

    /** One request of {@code nanos}, answered at {@code now} (the recorder's clock): no lock, no allocation. */
    void record(long nanos, long now) {
        advance(Math.floorDiv(now, INTERVAL_NANOS));
        counts.incrementAndGet(cell(nanos));
    }

    private void advance(long now) {
        long seen = interval.get();
        while (now > seen) {
            if (interval.compareAndSet(seen, now)) {
                // After an idle spell the intervals skipped all begin with today's counts.
                for (long i = Math.max(seen + 1, now - RING + 1); i <= now; i++) {
                    int slot = slot(i);
                    copyOf.set(slot, -1);
                    AtomicLongArray copy = copies[slot];
                    for (int c = 0; c < CELLS; c++) {
                        copy.set(c, counts.get(c));
                    }
                    copyOf.set(slot, i);
                }
                return;
            }
            seen = interval.get();
        }
    }

    private static int slot(long interval) {
        return (int) Math.floorMod(interval, (long) RING);
    }

    static int cell(long nanos) {
        if (nanos <= 0) {
            return 0;
        }
        int index = index(nanos / 1e9);
        int first = FIRST_CELL[index - MIN_INDEX];
        long cut = CUT_NANOS[index - MIN_INDEX];
        return cut >= 0 && nanos > cut ? first + 1 : first;
    }

    /** The native bucket of a latency in seconds, upper bounds inclusive (Prometheus' frexp scheme). */
    static int index(double seconds) {
        int exponent = Math.getExponent(seconds) + 1;
        double fraction = Math.scalb(seconds, -exponent);
        int j = 0;
        while (j < PER_DOUBLING && FRACTION_BOUNDS[j] < fraction) {
            j++;
        }
        int index = j + (exponent - 1) * PER_DOUBLING;
        return Math.max(MIN_INDEX, Math.min(MAX_INDEX, index));
    }

    static double lowerSeconds(int index) {
        return Math.pow(2, (double) (index - 1) / PER_DOUBLING);
    }

    static double upperSeconds(int index) {
        return Math.pow(2, (double) index / PER_DOUBLING);
    }

    private static int classic(double seconds, double[] bounds) {
        int k = 0;
        while (k < bounds.length && seconds > bounds[k]) {
            k++;
        }
        return k;
    }

    /** Every request since start, classic and exponential, from one reading. */
    Pipeline.Latency latency(double sumSeconds) {
        long[] now = read(counts);
        long[] classic = new long[PipelineStats.BOUNDS_SECONDS.length + 1];
        for (int c = 0; c < CELLS; c++) {
            classic[CELL_CLASSIC[c]] += now[c];
        }
        long[] perIndex = new long[MAX_INDEX - MIN_INDEX + 1];
        int buckets = 0;
        for (int c = 1; c < CELLS; c++) {
            int i = CELL_INDEX[c] - MIN_INDEX;
            if (now[c] > 0 && perIndex[i] == 0) {
                buckets++;
            }
            perIndex[i] += now[c];
        }
        int[] indexes = new int[buckets];
        long[] perBucket = new long[buckets];
        int b = 0;
        for (int i = 0; i < perIndex.length; i++) {
            if (perIndex[i] > 0) {
                indexes[b] = i + MIN_INDEX;
                perBucket[b++] = perIndex[i];
            }
        }
        return new Pipeline.Latency(PipelineStats.BOUNDS_SECONDS.clone(), classic, sumSeconds,
                new Pipeline.ExponentialBuckets(SCHEMA, now[0], indexes, perBucket));
    }

    /**
     * @param quantile between 0 and 1
     * @return the latency in milliseconds at that quantile over the window (the middle of its
     *     bucket), or NaN when no request fell in it
     */
    double windowQuantileMillis(double quantile) {
        long current = Math.floorDiv(nanoTime.getAsLong(), INTERVAL_NANOS);
        advance(current);
        long first = current - WINDOW_INTERVALS + 1;
        int slot = slot(first);
        long[] now = read(counts);
        long[] before = read(copies[slot]);
        // A copy made while it was read (a thread moving the ring on): read it again.
        for (int tries = 0; copyOf.get(slot) != first && tries < 1000; tries++) {
            Thread.onSpinWait();
            before = read(copies[slot]);
        }
        long total = 0;
        for (int c = 0; c < CELLS; c++) {
            now[c] = Math.max(0, now[c] - before[c]);
            total += now[c];
        }
        if (total == 0) {
            return Double.NaN;
        }
        long rank = Math.max(1, (long) Math.ceil(Math.min(1, Math.max(0, quantile)) * total));
        long seen = 0;
        int c = 0;
        for (; c < CELLS - 1; c++) {
            seen += now[c];
            if (seen >= rank) {
                break;
            }
        }
        return c == 0 ? 0 : Math.pow(2, (CELL_INDEX[c] - 0.5) / PER_DOUBLING) * 1000;
    }

    private static long[] read(AtomicLongArray array) {
        long[] values = new long[array.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i);
        }
        return values;
    }
}
