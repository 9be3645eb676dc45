package io.berth.middleware.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One token bucket per key, lock-free. A bucket is a single {@code long}, its theoretical arrival
 * time (GCRA): the time at which it will be full again. A request is admitted when, after adding
 * one emission interval, that time is at most {@code burst} intervals ahead of now; admitting is
 * one compare-and-set, refusing writes nothing.
 *
 * <p>A bucket whose time has passed is full, which is the same as having no bucket: sweeps drop
 * those, so memory follows the clients seen within about one refill time. A sweep runs on the
 * request path, on whichever request finds it due: every refill time (at least 1 s, at most a
 * minute), or when the map is full (at most every 100 ms). Its work is bounded by the entries
 * that requests created, so it costs each request O(1) amortised. A bucket is first marked dead
 * (by compare-and-set, only while full) and then removed; a request holding a dead bucket looks
 * again, so no admission is lost or doubled in the race.
 *
 * <p>At most about {@code maxKeys} keys are tracked (a client may choose its key): when the map
 * is full even after a sweep, requests with new keys share one overflow bucket.
 *
 * <p>Written here rather than taken from a library (Bucket4j is an OSGi bundle too), on purpose:
 * Bucket4j's lock-free bucket swaps a state object per admission, so a request allocates, and it
 * leaves the map of buckets, its bound and its sweeping to the caller; here a bucket is one
 * {@code long}, an admission one compare-and-set, and the bound on what a client can make Berth
 * hold (it chooses its key) is part of the structure. Swift's ratelimit is its own code as well.
 */
final class TokenBuckets {

    private static final Logger LOG = LoggerFactory.getLogger(TokenBuckets.class);

    static final long MIN_SWEEP_EVERY = TimeUnit.SECONDS.toNanos(1);
    static final long MAX_SWEEP_EVERY = TimeUnit.MINUTES.toNanos(1);
    static final long FULL_SWEEP_GAP = TimeUnit.MILLISECONDS.toNanos(100);
    static final long WARN_EVERY = TimeUnit.MINUTES.toNanos(1);

    /** Marks a bucket a sweep is removing; no live bucket has it (nanoTime would have to wrap). */
    private static final long DEAD = Long.MIN_VALUE;
    private static final long RETRY = -1;

    private static final VarHandle TAT;
    private static final VarHandle LAST_SWEEP;
    private static final VarHandle LAST_WARN;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TAT = lookup.findVarHandle(Bucket.class, "tat", long.class);
            LAST_SWEEP = lookup.findVarHandle(TokenBuckets.class, "lastSweep", long.class);
            LAST_WARN = lookup.findVarHandle(TokenBuckets.class, "lastWarn", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A key's state: the time (clock nanos) at which its bucket is full again. */
    static final class Bucket {
        volatile long tat;

        Bucket(long tat) {
            this.tat = tat;
        }
    }

    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Bucket overflow;
    private final long interval;
    private final long limit;
    private final long sweepEvery;
    private final int maxKeys;
    private final LongSupplier clock;

    private volatile long lastSweep;
    private volatile long lastWarn;

    /**
     * @param interval nanos per token (1 / max_rate), at least 1
     * @param burst tokens a full bucket holds, at least 1
     * @param maxKeys keys tracked at most (about: concurrent inserts may pass it by a few)
     * @param clock nanos, monotonic ({@code System::nanoTime})
     */
    TokenBuckets(long interval, int burst, int maxKeys, LongSupplier clock) {
        this.interval = interval;
        this.limit = Math.multiplyExact(interval, (long) burst);
        this.sweepEvery = Math.min(Math.max(limit, MIN_SWEEP_EVERY), MAX_SWEEP_EVERY);
        this.maxKeys = maxKeys;
        this.clock = clock;
        long now = clock.getAsLong();
        this.overflow = new Bucket(now);
        this.lastSweep = now;
        this.lastWarn = now - WARN_EVERY;
    }

    /**
     * Takes a token from the key's bucket.
     *
     * @return 0 when admitted, else the nanos until a request with this key would be
     */
    long acquire(String key) {
        long now = clock.getAsLong();
        long last = lastSweep;
        if (now - last >= sweepEvery) {
            sweep(last, now);
        }
        while (true) {
            Bucket bucket = buckets.get(key);
            if (bucket == null) {
                if (buckets.size() >= maxKeys && !roomAfterSweep(now)) {
                    return take(overflow, now);
                }
                Bucket fresh = new Bucket(now + interval);
                bucket = buckets.putIfAbsent(key, fresh);
                if (bucket == null) {
                    return 0;
                }
            }
            long wait = take(bucket, now);
            if (wait != RETRY) {
                return wait;
            }
            buckets.remove(key, bucket);
        }
    }

    private long take(Bucket bucket, long now) {
        while (true) {
            long tat = bucket.tat;
            if (tat == DEAD) {
                return RETRY;
            }
            long ahead = Math.max(tat - now, 0) + interval;
            if (ahead > limit) {
                return ahead - limit;
            }
            if (TAT.compareAndSet(bucket, tat, now + ahead)) {
                return 0;
            }
        }
    }

    private boolean roomAfterSweep(long now) {
        long last = lastSweep;
        if (now - last >= FULL_SWEEP_GAP) {
            sweep(last, now);
        }
        if (buckets.size() < maxKeys) {
            return true;
        }
        long warned = lastWarn;
        if (now - warned >= WARN_EVERY && LAST_WARN.compareAndSet(this, warned, now)) {
            LOG.warn("ratelimit: tracking {} clients (max_keys); new clients share one bucket until others go idle",
                    buckets.size());
        }
        return false;
    }

    /** One thread sweeps: the one that moves {@code lastSweep} from what it read to now. */
    private void sweep(long last, long now) {
        if (LAST_SWEEP.compareAndSet(this, last, now)) {
            sweep(now);
        }
    }

    /** Drops every bucket that is full at {@code now}. */
    void sweep(long now) {
        for (Map.Entry<String, Bucket> entry : buckets.entrySet()) {
            Bucket bucket = entry.getValue();
            long tat = bucket.tat;
            if (tat != DEAD && tat - now <= 0 && TAT.compareAndSet(bucket, tat, DEAD)) {
                buckets.remove(entry.getKey(), bucket);
            }
        }
    }

    /** Whether the key has a bucket of its own now. */
    boolean tracks(String key) {
        return buckets.containsKey(key);
    }

    /** Keys tracked now. */
    int tracked() {
        return buckets.size();
    }
}
