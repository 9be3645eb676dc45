package io.berth.config.internal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Request latencies in log-linear buckets (the scheme of HdrHistogram, without its dependency):
 * exact below 64 µs, then 32 buckets per power of two, so a quantile is known to within about 3%.
 * Lock-free: recording is one atomic increment.
 */
final class LatencyHistogram {

    private static final int SUB_BITS = 5;
    private static final int SUB = 1 << SUB_BITS;
    private static final int LINEAR = 2 * SUB;
    /** Up to 2^40 µs (12 days): anything longer lands in the last bucket. */
    private static final int MAX_EXPONENT = 40;

    private final AtomicLongArray counts = new AtomicLongArray(index(Long.MAX_VALUE) + 1);

    void record(long micros) {
        counts.incrementAndGet(index(micros));
    }

    /**
     * @param quantile between 0 and 1
     * @return the latency in milliseconds at that quantile, or NaN when nothing was recorded
     */
    double quantileMillis(double quantile) {
        long total = 0;
        long[] snapshot = new long[counts.length()];
        for (int i = 0; i < snapshot.length; i++) {
            snapshot[i] = counts.get(i);
            total += snapshot[i];
        }
        if (total == 0) {
            return Double.NaN;
        }
        long rank = Math.max(1, (long) Math.ceil(Math.min(1, Math.max(0, quantile)) * total));
        long seen = 0;
        for (int i = 0; i < snapshot.length; i++) {
            seen += snapshot[i];
            if (seen >= rank) {
                return middle(i) / 1000.0;
            }
        }
        return middle(snapshot.length - 1) / 1000.0;
    }

    static int index(long micros) {
        long value = Math.max(0, micros);
        if (value < LINEAR) {
            return (int) value;
        }
        int exponent = Math.min(63 - Long.numberOfLeadingZeros(value), MAX_EXPONENT);
        if (exponent == MAX_EXPONENT && value >= 1L << (MAX_EXPONENT + 1)) {
            return LINEAR + (MAX_EXPONENT - SUB_BITS - 1) * SUB + SUB - 1;
        }
        int sub = (int) (value >>> (exponent - SUB_BITS)) & (SUB - 1);
        return LINEAR + (exponent - SUB_BITS - 1) * SUB + sub;
    }

    /** The middle of a bucket, in µs. */
    static double middle(int index) {
        if (index < LINEAR) {
            return index;
        }
        int exponent = (index - LINEAR) / SUB + SUB_BITS + 1;
        int sub = (index - LINEAR) % SUB;
        double width = Math.pow(2, exponent - SUB_BITS);
        return (SUB + sub) * width + width / 2;
    }
}
