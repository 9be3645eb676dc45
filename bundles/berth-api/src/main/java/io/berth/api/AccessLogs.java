package io.berth.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The access log files Berth writes ({@code proxy_logging}'s {@code access_log_file}), with what
 * became of their lines: registered as a service by the bundle that writes them, read by metrics
 * and the shell. Lines are handed to a writer thread through a bounded queue, never waited for: a
 * full queue drops them.
 *
 * @since 1.5
 */
@ProviderType
public interface AccessLogs {

    /**
     * One file's counts, since its writer started (when the first pipeline writing it did).
     *
     * @param path the file's absolute path
     * @param linesWritten lines written to the file
     * @param linesDropped lines dropped because the queue was full
     * @param linesLost lines taken from the queue but not written: the file could not be opened or written
     * @param queued lines waiting in the queue now (an estimate)
     * @param capacity lines the queue holds at most ({@code access_log_queue_size})
     */
    record File(String path, long linesWritten, long linesDropped, long linesLost, int queued, int capacity) {
    }

    /** @return every file being written now, in no particular order */
    List<File> files();
}
