package io.berth.middleware.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.jctools.queues.MpscArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the StatsD lines of every {@code proxy_logging} that has a {@code log_statsd_host}: one
 * thread ({@value #THREAD}) and one non-blocking UDP socket for all pipelines, owned by the stage
 * type so that a pipeline's reconfiguration does not make a new one. It runs from the first such
 * filter's initialisation to the last one's destruction.
 *
 * <p>A request hands its event to a bounded lock-free queue and goes on; when the queue is full the
 * event is dropped and counted. The thread writes each line into one reused buffer and sends it as
 * one datagram, as Swift does; a datagram the socket cannot take at once (its buffer is full) or
 * that fails (no route) is dropped and counted too. Nobody answers UDP, so a StatsD server that is
 * down costs nothing more. Drops are reported at WARN at most once a {@link #REPORT_EVERY}.
 */
final class StatsdSender {

    private static final Logger LOG = LoggerFactory.getLogger(StatsdSender.class);

    static final String THREAD = "berth-statsd";
    static final int QUEUE_SIZE = 16384;
    static final Duration MAX_PARK = Duration.ofMillis(100);
    static final Duration RESOLVE_AGAIN = Duration.ofSeconds(30);
    static final Duration REPORT_EVERY = Duration.ofMinutes(1);
    static final Duration STOP = Duration.ofSeconds(2);

    private final int queueSize;
    /** Guarded by this. */
    private int users;
    /** Written under this; read by request threads without it. */
    private volatile Worker worker;

    StatsdSender() {
        this(QUEUE_SIZE);
    }

    /** For tests: a smaller queue. */
    StatsdSender(int queueSize) {
        this.queueSize = queueSize;
    }

    synchronized void acquire() {
        if (users++ == 0) {
            worker = new Worker(queueSize);
            worker.thread.start();
        }
    }

    void release() {
        Worker stopping;
        synchronized (this) {
            if (users == 0 || --users > 0) {
                return;
            }
            stopping = worker;
            worker = null;
        }
        stopping.stop();
    }

    /** The stage type goes: the thread stops whoever still uses it. */
    void close() {
        Worker stopping;
        synchronized (this) {
            users = 0;
            stopping = worker;
            worker = null;
        }
        if (stopping != null) {
            stopping.stop();
        }
    }

    /** Any thread, never waits. */
    void offer(StatsdEvent event) {
        Worker current = worker;
        if (current != null) {
            current.offer(event);
        }
    }

    /** For tests and reports: the counts of the running thread, or null. */
    Worker worker() {
        return worker;
    }

    synchronized boolean running() {
        return worker != null;
    }

    static final class Worker implements Runnable {

        final Thread thread;
        /** JCTools' queue of many producers (request threads) and one consumer (this worker). */
        private final MpscArrayQueue<StatsdEvent> queue;
        private final int wakeAt;
        private final ByteBuffer line = ByteBuffer.allocateDirect(1024);

        /** Events a full queue refused, counted by request threads. */
        final LongAdder queueFull = new LongAdder();
        /** Lines sent, not sent (the socket's buffer was full, or sending failed), and for an unresolved host. */
        final LongAdder sent = new LongAdder();
        final LongAdder unsent = new LongAdder();
        final LongAdder unresolved = new LongAdder();

        private volatile boolean sleeping;
        private volatile boolean stopping;

        // The thread's own.
        private DatagramChannel channel;
        private String lastError;
        private long reportedQueueFull;
        private long reportedUnsent;
        private long reportedUnresolved;
        private long reportSince = System.nanoTime();
        private long lastReport = reportSince - REPORT_EVERY.toNanos();

        Worker(int queueSize) {
            this.queue = new MpscArrayQueue<>(Math.max(2, queueSize));
            this.wakeAt = Math.max(1, queue.capacity() / 4);
            this.thread = new Thread(this, THREAD);
            this.thread.setDaemon(true);
        }

        void offer(StatsdEvent event) {
            if (!queue.offer(event)) {
                queueFull.increment();
                return;
            }
            if (sleeping && queue.size() >= wakeAt) {
                LockSupport.unpark(thread);
            }
        }

        void stop() {
            stopping = true;
            LockSupport.unpark(thread);
            try {
                thread.join(STOP.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                LOG.warn("proxy_logging: {} did not stop within {} s; interrupting it", THREAD, STOP.toSeconds());
                thread.interrupt();
            }
        }

        @Override
        public void run() {
            long park = TimeUnit.MILLISECONDS.toNanos(1);
            try {
                channel = DatagramChannel.open();
                channel.configureBlocking(false);
            } catch (IOException e) {
                LOG.warn("proxy_logging: cannot open a UDP socket for StatsD: {}; no StatsD lines are sent", e.toString());
                channel = null;
            }
            try {
                while (!stopping) {
                    int sentNow = sendQueued();
                    report(false);
                    park = sentNow > 0 ? TimeUnit.MILLISECONDS.toNanos(1) : Math.min(park * 2, MAX_PARK.toNanos());
                    sleeping = true;
                    if (!stopping && queue.size() < wakeAt) {
                        LockSupport.parkNanos(this, park);
                    }
                    sleeping = false;
                }
                sendQueued();
                report(true);
            } catch (RuntimeException | Error e) {
                LOG.error("proxy_logging: {} failed; StatsD lines are no longer sent", THREAD, e);
                throw e;
            } finally {
                if (channel != null) {
                    try {
                        channel.close();
                    } catch (IOException e) {
                        LOG.debug("proxy_logging: closing the StatsD socket", e);
                    }
                }
            }
        }

        private int sendQueued() {
            int taken = 0;
            for (StatsdEvent event; (event = queue.relaxedPoll()) != null; taken++) {
                send(event);
            }
            return taken;
        }

        private void send(StatsdEvent event) {
            StatsdClient client = event.client;
            InetSocketAddress target = client.target;
            if (target == null) {
                long now = System.nanoTime();
                if (now - client.resolveAgainAt >= 0) {
                    target = StatsdClient.resolve(client.host(), client.port());
                    client.resolveAgainAt = now + RESOLVE_AGAIN.toNanos();
                    if (target != null) {
                        client.target = target;
                        LOG.info("proxy_logging: log_statsd_host {} resolves now; sending StatsD lines", client.host());
                    }
                }
                if (target == null) {
                    unresolved.add(Integer.bitCount(event.lines));
                    return;
                }
            }
            if ((event.lines & StatsdClient.FIRST_BYTE) != 0) {
                start(client, event.type, event.method, event.firstByteStatus);
                ascii(".first-byte.timing:");
                millis(event.firstByteNanos);
                end(client, "|ms", target);
            }
            if ((event.lines & StatsdClient.TIMING) != 0) {
                start(client, event.type, event.method, event.status);
                ascii(".timing:");
                millis(event.durationNanos);
                end(client, "|ms", target);
            }
            if ((event.lines & StatsdClient.XFER) != 0) {
                start(client, event.type, event.method, event.status);
                ascii(".xfer:");
                number(event.bytes);
                end(client, "|c", target);
            }
            if ((event.lines & StatsdClient.ERRORS) != 0) {
                line.clear();
                line.put(client.prefix);
                ascii("errors:1");
                end(client, "|c", target);
            }
        }

        /** {@code PREFIX.proxy-server.TYPE.METHOD.STATUS} */
        private void start(StatsdClient client, String type, String method, int status) {
            line.clear();
            line.put(client.prefix);
            ascii(type);
            line.put((byte) '.');
            ascii(method);
            line.put((byte) '.');
            number(status);
        }

        private void end(StatsdClient client, String kind, InetSocketAddress target) {
            ascii(kind);
            line.put(client.rateSuffix);
            line.flip();
            if (channel == null) {
                unsent.increment();
                return;
            }
            try {
                if (channel.send(line, target) == 0) {
                    unsent.increment();
                } else {
                    sent.increment();
                }
            } catch (IOException e) {
                unsent.increment();
                lastError = target + ": " + e;
            }
        }

        private void ascii(String text) {
            for (int i = 0; i < text.length(); i++) {
                line.put((byte) text.charAt(i));
            }
        }

        private void number(long value) {
            ascii(Long.toString(value));
        }

        /** Milliseconds with 3 decimals (Swift writes Python's float; StatsD reads either). */
        private void millis(long nanos) {
            number(nanos / 1_000_000);
            line.put((byte) '.');
            long micros = (nanos / 1000) % 1000;
            line.put((byte) ('0' + micros / 100));
            line.put((byte) ('0' + micros / 10 % 10));
            line.put((byte) ('0' + micros % 10));
        }

        private void report(boolean last) {
            long now = System.nanoTime();
            if (!last && now - lastReport < REPORT_EVERY.toNanos()) {
                return;
            }
            long full = queueFull.sum() - reportedQueueFull;
            long failed = unsent.sum() - reportedUnsent;
            long noHost = unresolved.sum() - reportedUnresolved;
            if (full + failed + noHost == 0) {
                return;
            }
            long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(now - reportSince));
            lastReport = now;
            reportSince = now;
            reportedQueueFull += full;
            reportedUnsent += failed;
            reportedUnresolved += noHost;
            StringJoiner what = new StringJoiner("; ");
            if (full > 0) {
                what.add("the lines of " + full + " requests dropped because the queue of " + queue.capacity()
                        + " requests was full");
            }
            if (failed > 0) {
                what.add(failed + " lines not sent (the socket's buffer was full, or sending failed"
                        + (lastError == null ? "" : ": " + lastError) + ")");
            }
            if (noHost > 0) {
                what.add(noHost + " lines dropped because log_statsd_host did not resolve");
            }
            LOG.warn("proxy_logging: StatsD in the last {} s: {}", seconds, what);
            lastError = null;
        }
    }
}
