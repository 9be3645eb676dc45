package io.berth.middleware.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log files the {@code proxy_logging} stages of all pipelines write: one writer (and
 * one thread) per file, started when the first filter writing it is initialised and stopped when
 * the last is destroyed, or when the stage type goes away.
 */
final class AccessLogFiles {

    private static final Logger LOG = LoggerFactory.getLogger(AccessLogFiles.class);

    private final Map<Path, Shared> writers = new HashMap<>();
    private boolean closed;

    private static final class Shared {
        final AccessLogWriter writer;
        int users;

        Shared(AccessLogWriter writer) {
            this.writer = writer;
        }
    }

    /**
     * @param file an absolute, normalised path
     * @param capacity the queue's size when the file is not written yet
     * @return the file's writer, running, until {@link #release}
     * @throws IllegalStateException after {@link #closeAll}
     */
    synchronized AccessLogWriter acquire(Path file, int capacity) {
        if (closed) {
            throw new IllegalStateException("proxy_logging is stopping");
        }
        Shared shared = writers.get(file);
        if (shared == null) {
            AccessLogWriter writer = new AccessLogWriter(file, capacity);
            writer.start();
            shared = new Shared(writer);
            writers.put(file, shared);
        } else if (shared.writer.capacity() != capacity) {
            LOG.info("proxy_logging: {} is written through a queue of {} lines already; access_log_queue_size = {} "
                    + "takes effect once no pipeline writes the file", file, shared.writer.capacity(), capacity);
        }
        shared.users++;
        return shared.writer;
    }

    /** One user of the file is done with it: the last one stops its writer (a bounded wait). */
    void release(AccessLogWriter writer) {
        synchronized (this) {
            Shared shared = writers.get(writer.file());
            if (shared == null || shared.writer != writer || --shared.users > 0) {
                return;
            }
            writers.remove(writer.file());
        }
        writer.close();
    }

    /** Stops every writer, each after writing what is queued (a bounded wait). */
    void closeAll() {
        List<AccessLogWriter> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            writers.values().forEach(shared -> all.add(shared.writer));
            writers.clear();
        }
        all.forEach(AccessLogWriter::stop);
        all.forEach(AccessLogWriter::awaitStopped);
    }

    synchronized int open() {
        return writers.size();
    }

    /** @return each file written now, with its writer's counts */
    List<io.berth.api.AccessLogs.File> status() {
        List<AccessLogWriter> all = new ArrayList<>();
        synchronized (this) {
            writers.values().forEach(shared -> all.add(shared.writer));
        }
        List<io.berth.api.AccessLogs.File> files = new ArrayList<>();
        for (AccessLogWriter writer : all) {
            files.add(new io.berth.api.AccessLogs.File(writer.file().toString(), writer.written(), writer.dropped(),
                    writer.lost(), writer.queued(), writer.capacity()));
        }
        return files;
    }

    /**
     * @param file an absolute, normalised path
     * @param capacity the queue's size, when the file is not written yet
     * @return a filter's route to the file: it holds the file's writer from the filter's
     *     initialisation to its destruction
     */
    ProxyLoggingFilter.Route route(Path file, int capacity) {
        return new FileRoute(file, capacity);
    }

    private final class FileRoute implements ProxyLoggingFilter.Route {

        private final Path file;
        private final int capacity;
        private volatile AccessLogWriter writer;
        /** init() calls not yet matched by destroy(); guarded by this route. */
        private int opened;

        FileRoute(Path file, int capacity) {
            this.file = file;
            this.capacity = capacity;
        }

        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public void log(AccessEntry entry) {
            AccessLogWriter current = writer;
            if (current != null) {
                current.offer(entry);
            }
        }

        @Override
        public synchronized void open() {
            writer = acquire(file, capacity);
            opened++;
        }

        @Override
        public synchronized void close() {
            if (opened == 0) {
                return;
            }
            AccessLogWriter current = writer;
            if (--opened == 0) {
                writer = null;
            }
            release(current);
        }
    }
}
