package io.berth.middleware.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import org.jctools.queues.MpscArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one access log file from a thread of its own. Request threads {@link #offer} entries to a
 * bounded queue and go on: when it is full the entry is dropped and counted, never waited for. The
 * thread formats each entry into a reused buffer and appends it to the file, writing when the queue
 * runs empty or the buffer fills; it then sleeps for a few milliseconds (longer while idle, up to
 * {@link #MAX_PARK}), so that a burst is written in one system call and {@code tail -f} sees a line
 * well within a second.
 *
 * <p>Rotation: the file is opened for appending, so logrotate's {@code copytruncate} works as it is;
 * and once a second the writer checks that the path still names the file it has open, reopening
 * the path (creating a new file) when the file was moved or deleted: logrotate's {@code create}.
 *
 * <p>Failure: when the file cannot be opened or written, one WARN names the path and the error;
 * lines are dropped and counted meanwhile, opening is retried every {@link #RETRY}, and requests are
 * served as usual. Dropped lines are reported at WARN at most once a {@link #REPORT_EVERY}.
 */
final class AccessLogWriter implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(AccessLogWriter.class);

    static final Duration MIN_PARK = Duration.ofMillis(10);
    static final Duration MAX_PARK = Duration.ofMillis(200);
    static final Duration RETRY = Duration.ofSeconds(5);
    static final Duration REPORT_EVERY = Duration.ofMinutes(1);
    static final Duration DRAIN = Duration.ofSeconds(2);

    private static final int BUFFER_BYTES = 64 * 1024;

    private final Path file;
    /**
     * JCTools' bounded queue of many producers and one consumer: a request thread claims a slot
     * with one compare-and-set and never waits, and learns at once when the queue is full.
     */
    private final MpscArrayQueue<AccessEntry> queue;
    private final long checkEveryNanos;
    private final LongSupplier clock;
    private final Thread thread;

    /** The queue's fill at which producers wake a sleeping writer. */
    private final int wakeAt;

    /** Entries a full queue refused: counted by request threads. */
    private final LongAdder dropped = new LongAdder();

    private volatile boolean sleeping;
    private volatile boolean stopping;

    // The writer thread's own state.
    private final StringBuilder line = new StringBuilder(512);
    private final byte[] bytes = new byte[BUFFER_BYTES];
    private int used;
    private int bufferedLines;
    private FileChannel channel;
    private Object fileKey;
    private boolean failing;
    private long retryAt;
    private long nextCheck;
    /** Written by the writer's thread only; volatile so that a scrape reads them. */
    private volatile long lost;
    private volatile long written;
    private long reportedDropped;
    private long reportedLost;
    /** When the last report was written (or the writer was made, minus {@link #REPORT_EVERY}). */
    private long lastReport;
    /** Since when the next report counts. */
    private long reportSince;

    /**
     * @param file the access log
     * @param capacity entries the queue holds
     */
    AccessLogWriter(Path file, int capacity) {
        this(file, capacity, Duration.ofSeconds(1), System::nanoTime);
    }

    /**
     * For tests: a shorter rotation check, and a clock for the drop reports.
     *
     * @param checkEvery how often the writer checks that the path still names its file
     * @param clock nanoseconds, as {@link System#nanoTime}
     */
    AccessLogWriter(Path file, int capacity, Duration checkEvery, LongSupplier clock) {
        this.file = Objects.requireNonNull(file);
        this.queue = new MpscArrayQueue<>(Math.max(2, capacity));
        this.checkEveryNanos = checkEvery.toNanos();
        this.clock = clock;
        this.wakeAt = Math.max(1, queue.capacity() / 2);
        this.thread = new Thread(this, "berth-access-log " + file);
        this.thread.setDaemon(true);
        this.reportSince = clock.getAsLong();
        this.lastReport = reportSince - REPORT_EVERY.toNanos();
    }

    Path file() {
        return file;
    }

    int capacity() {
        return queue.capacity();
    }

    void start() {
        thread.start();
    }

    /**
     * Hands an entry to the writer; any thread, never blocks.
     *
     * @return false when the queue was full: the entry is dropped, and counted
     */
    boolean offer(AccessEntry entry) {
        if (!queue.offer(entry)) {
            dropped.increment();
            return false;
        }
        if (sleeping && queue.size() >= wakeAt) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    /** @return entries waiting for the writer, an estimate */
    int queued() {
        return queue.size();
    }

    /** @return the writer's thread, for measurements */
    Thread thread() {
        return thread;
    }

    /** @return lines written to the file so far */
    long written() {
        return written;
    }

    /** @return lines taken from the queue but not written (the file could not be opened or written) */
    long lost() {
        return lost;
    }

    /** Entries dropped so far because the queue was full. */
    long dropped() {
        return dropped.sum();
    }

    /**
     * Writes what is queued (for up to {@link #DRAIN}), flushes and closes the file; waits for the
     * writer's thread a little longer than that.
     */
    void close() {
        stop();
        awaitStopped();
    }

    /** Tells the writer to write what is queued and stop; returns at once. */
    void stop() {
        stopping = true;
        LockSupport.unpark(thread);
    }

    /** Waits for the writer's thread, a little longer than {@link #DRAIN}. */
    void awaitStopped() {
        try {
            thread.join(DRAIN.plusSeconds(1).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("proxy_logging: the writer of {} did not stop within {} s; interrupting it", file,
                    DRAIN.plusSeconds(1).toSeconds());
            thread.interrupt();
        }
    }

    @Override
    public void run() {
        long park = MIN_PARK.toNanos();
        try {
            open(clock.getAsLong());
            while (!stopping) {
                int written = writeQueued();
                flush();
                housekeeping(clock.getAsLong());
                park = written > 0 ? MIN_PARK.toNanos() : Math.min(park * 2, MAX_PARK.toNanos());
                sleeping = true;
                if (!stopping && queue.size() < wakeAt) {
                    LockSupport.parkNanos(this, park);
                }
                sleeping = false;
            }
            drain();
        } catch (RuntimeException | Error e) {
            LOG.error("proxy_logging: the writer of {} failed; access lines are no longer written", file, e);
            throw e;
        } finally {
            closeChannel();
        }
    }

    /** At stop: what is queued, for up to {@link #DRAIN}. */
    private void drain() {
        long deadline = System.nanoTime() + DRAIN.toNanos();
        if (channel == null) {
            open(clock.getAsLong());
        }
        while (true) {
            writeQueued();
            if (queue.size() == 0 || System.nanoTime() - deadline > 0) {
                break;
            }
            // A producer has claimed a slot and not yet filled it.
            Thread.yield();
        }
        flush();
        lost += queue.size();
        report(clock.getAsLong(), true);
    }

    /** @return entries taken from the queue */
    private int writeQueued() {
        int taken = 0;
        for (AccessEntry entry; (entry = queue.relaxedPoll()) != null; taken++) {
            if (channel == null) {
                lost++;
            } else {
                append(entry);
            }
        }
        return taken;
    }

    private void append(AccessEntry entry) {
        line.setLength(0);
        entry.template.appendTo(line, entry);
        line.append('\n');
        int chars = line.length();
        if (BUFFER_BYTES - used < chars * 3) {
            flush();
            if (channel == null) {
                lost++;
                return;
            }
            if (BUFFER_BYTES < chars * 3) {
                // Longer than the buffer: written by itself.
                write(ByteBuffer.wrap(line.toString().getBytes(StandardCharsets.UTF_8)), 1);
                return;
            }
        }
        int start = used;
        for (int i = 0; i < chars; i++) {
            char c = line.charAt(i);
            if (c >= 0x80) {
                // Fields are quoted to ASCII; only a template's own text can hold other characters.
                byte[] encoded = line.toString().getBytes(StandardCharsets.UTF_8);
                System.arraycopy(encoded, 0, bytes, start, encoded.length);
                used = start + encoded.length;
                bufferedLines++;
                return;
            }
            bytes[used++] = (byte) c;
        }
        bufferedLines++;
    }

    /** Writes the buffer to the file. */
    private void flush() {
        if (used == 0) {
            return;
        }
        int lines = bufferedLines;
        bufferedLines = 0;
        write(ByteBuffer.wrap(bytes, 0, used), lines);
        used = 0;
    }

    private void write(ByteBuffer bytes, int lines) {
        if (channel == null) {
            lost += lines;
            return;
        }
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            written += lines;
        } catch (IOException e) {
            lost += lines;
            fail("cannot write", e, clock.getAsLong());
            closeChannel();
        }
    }

    private void housekeeping(long now) {
        if (channel == null) {
            if (now - retryAt >= 0) {
                open(now);
            }
        } else if (now - nextCheck >= 0) {
            nextCheck = now + checkEveryNanos;
            if (!sameFile()) {
                closeChannel();
                LOG.info("proxy_logging: {} was moved or deleted; writing a new one", file);
                open(now);
            }
        }
        report(now, false);
    }

    /** @return whether the path still names the file open for writing */
    private boolean sameFile() {
        try {
            Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            return key == null || key.equals(fileKey);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            // Cannot tell (a directory made unreadable meanwhile): keep writing what is open.
            return true;
        }
    }

    private void open(long now) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                Files.createDirectories(parent);
            }
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            fileKey = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            nextCheck = now + checkEveryNanos;
            if (failing) {
                failing = false;
                LOG.info("proxy_logging: writing the access log {} again", file);
            }
        } catch (IOException e) {
            closeChannel();
            fail("cannot open", e, now);
        }
    }

    /** One WARN per failure, not per retry. */
    private void fail(String what, IOException e, long now) {
        retryAt = now + RETRY.toNanos();
        if (!failing) {
            failing = true;
            LOG.warn("proxy_logging: {} the access log {}: {}; requests are served, their lines dropped, "
                    + "and opening it is retried every {} s", what, file, reason(e, file), RETRY.toSeconds());
        }
    }

    /**
     * The error without a stack trace: a file system error's reason or kind ({@code
     * AccessDeniedException}), and the file it concerns when that is not the log (its directory).
     */
    static String reason(IOException e, Path log) {
        if (e instanceof FileSystemException) {
            FileSystemException fse = (FileSystemException) e;
            String reason = fse.getReason() != null ? fse.getReason() : e.getClass().getSimpleName();
            return fse.getFile() == null || fse.getFile().equals(log.toString()) ? reason
                    : reason + ": " + fse.getFile();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private void report(long now, boolean last) {
        long droppedNow = dropped.sum();
        long newDropped = droppedNow - reportedDropped;
        long newLost = lost - reportedLost;
        if (newDropped + newLost == 0 || (!last && now - lastReport < REPORT_EVERY.toNanos())) {
            return;
        }
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(now - reportSince));
        lastReport = now;
        reportSince = now;
        reportedDropped = droppedNow;
        reportedLost = lost;
        LOG.warn("proxy_logging: {} access lines not written to {} in the last {} s: {} dropped because the queue of "
                + "{} lines was full, {} because the file could not be written", newDropped + newLost, file,
                seconds, newDropped, queue.capacity(), newLost);
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("proxy_logging: closing {}", file, e);
            }
            channel = null;
        }
    }
}
