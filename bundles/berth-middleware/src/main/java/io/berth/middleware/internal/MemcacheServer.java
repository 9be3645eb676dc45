package io.berth.middleware.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One memcached server of a {@link MemcacheRing}: a pool of at most {@code maxConnections}
 * connections, and Swift's error limiting. A request waits at most {@code poolTimeout} for a
 * connection; idle ones are reused, newest first, so that a quiet server keeps few.
 *
 * <p>Error limiting as Swift's {@code MemcacheRing._exception_occurred}: each failure (connect,
 * timeout, a broken answer) is recorded; once more than {@code errorLimit} failures fall within
 * {@code errorInterval}, the server is skipped for {@code errorInterval}. Failures are logged as
 * one WARN line per server per interval, with the count of those left out, so that a dead server
 * under load does not flood the log.
 */
final class MemcacheServer {

    private static final Logger LOG = LoggerFactory.getLogger(MemcacheServer.class);

    /** A request found no free connection within the pool timeout. */
    static final class PoolTimeout extends IOException {
        private static final long serialVersionUID = 1L;

        PoolTimeout(String message) {
            super(message, null);
        }
    }

    private final String name;
    private final String host;
    private final int port;
    private final int connectTimeoutMillis;
    private final int ioTimeoutMillis;
    private final long poolTimeoutNanos;
    private final int errorLimit;
    private final long errorIntervalNanos;
    private final LongSupplier clock;

    private final Semaphore permits;
    private final ConcurrentLinkedDeque<MemcacheConnection> idle = new ConcurrentLinkedDeque<>();
    private final LongAdder failures = new LongAdder();

    /** Failure times (clock nanos) since the list was last pruned; guarded by itself (failures only). */
    private final ArrayDeque<Long> errors = new ArrayDeque<>();
    private volatile long limitedUntil;
    private volatile boolean limited;
    private final AtomicLong lastWarn;
    private final AtomicLong untold = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param name the server as configured ({@code 127.0.0.1:11211}): the ring hashes this text
     * @param host the host part, without brackets
     */
    MemcacheServer(String name, String host, int port, MemcacheRing.Settings settings, LongSupplier clock) {
        this.name = name;
        this.host = host;
        this.port = port;
        this.connectTimeoutMillis = millis(settings.connectTimeout());
        this.ioTimeoutMillis = millis(settings.ioTimeout());
        this.poolTimeoutNanos = Math.round(settings.poolTimeout() * 1e9);
        this.errorLimit = settings.errorLimit();
        this.errorIntervalNanos = Math.round(settings.errorInterval() * 1e9);
        this.clock = clock;
        this.permits = new Semaphore(settings.maxConnections());
        this.lastWarn = new AtomicLong(clock.getAsLong() - Math.max(errorIntervalNanos, 1));
    }

    /** Seconds as socket millis: at least 1 (0 would mean no timeout at all). */
    private static int millis(double seconds) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.round(seconds * 1000)));
    }

    String name() {
        return name;
    }

    /** Whether the server is being skipped now after too many failures. */
    boolean isLimited() {
        if (!limited) {
            return false;
        }
        if (limitedUntil - clock.getAsLong() > 0) {
            return true;
        }
        limited = false;
        return false;
    }

    /**
     * @return a connection the caller alone holds, to hand back with {@link #release} or {@link #discard}
     * @throws PoolTimeout when every connection stayed busy for the pool timeout
     * @throws IOException when a new connection could not be made
     */
    MemcacheConnection borrow() throws IOException {
        try {
            if (!permits.tryAcquire(poolTimeoutNanos, TimeUnit.NANOSECONDS)) {
                throw new PoolTimeout("no free connection within the pool timeout");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PoolTimeout("interrupted waiting for a connection");
        }
        MemcacheConnection connection = idle.pollFirst();
        if (connection != null) {
            return connection;
        }
        try {
            return MemcacheConnection.open(new InetSocketAddress(host, port), connectTimeoutMillis, ioTimeoutMillis);
        } catch (IOException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    /** Hands back a connection in step with the server. */
    void release(MemcacheConnection connection) {
        if (closed) {
            connection.close();
        } else {
            idle.offerFirst(connection);
            if (closed && idle.remove(connection)) {
                connection.close();
            }
        }
        permits.release();
    }

    /** Hands back a connection that failed: it is closed, and the failure counts toward the limit. */
    void discard(MemcacheConnection connection, String action, Exception cause) {
        connection.close();
        permits.release();
        failed(action, cause);
    }

    /** A failure without a connection to hand back (connecting, the pool timeout). */
    void failed(String action, Exception cause) {
        failures.increment();
        long now = clock.getAsLong();
        boolean nowLimited = false;
        if (errorIntervalNanos > 0) {
            synchronized (errors) {
                errors.addLast(now);
                if (errors.size() > errorLimit) {
                    while (!errors.isEmpty() && now - errors.peekFirst() >= errorIntervalNanos) {
                        errors.removeFirst();
                    }
                    if (errors.size() > errorLimit) {
                        limitedUntil = now + errorIntervalNanos;
                        nowLimited = !limited;
                        limited = true;
                    }
                }
            }
        }
        warn(now, action, cause, nowLimited);
    }

    private void warn(long now, String action, Exception cause, boolean nowLimited) {
        long last = lastWarn.get();
        if (!nowLimited && (now - last < errorIntervalNanos || !lastWarn.compareAndSet(last, now))) {
            untold.incrementAndGet();
            return;
        }
        lastWarn.set(now);
        long leftOut = untold.getAndSet(0);
        String what = cause instanceof SocketTimeoutException || cause instanceof PoolTimeout
                ? "Timeout " + action + " memcached " + name + ": " + cause.getMessage()
                : "Error " + action + " memcached " + name + ": " + describe(cause);
        String more = leftOut == 0 ? "" : " (" + leftOut + " more failures since the last line)";
        if (nowLimited) {
            LOG.warn("{}{}; error limiting the server: it is skipped for {} s (error_suppression_interval)",
                    what, more, seconds(errorIntervalNanos));
        } else {
            LOG.warn("{}{}; further failures within {} s are counted, not logged", what, more,
                    seconds(errorIntervalNanos));
        }
    }

    private static String seconds(long nanos) {
        return java.math.BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
    }

    /** An exception as one line: its class's simple name and message, never a stack. */
    private static String describe(Exception cause) {
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** Failures since start: connects, timeouts, broken answers. */
    long failures() {
        return failures.sum();
    }

    /** Connections open and idle now. */
    int idleConnections() {
        return idle.size();
    }

    /** Closes the idle connections, and those in use as they are handed back. */
    void close() {
        closed = true;
        MemcacheConnection connection;
        while ((connection = idle.pollFirst()) != null) {
            connection.close();
        }
    }

    @Override
    public String toString() {
        return "memcached " + name;
    }
}
