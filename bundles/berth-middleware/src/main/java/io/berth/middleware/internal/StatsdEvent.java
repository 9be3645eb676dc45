package io.berth.middleware.internal;

/**
 * One request's StatsD lines, as a request thread hands them to the {@link StatsdSender}: the
 * values only; the sender's thread writes the lines.
 */
final class StatsdEvent {

    final StatsdClient client;
    final String type;
    final String method;
    final int status;
    final int firstByteStatus;
    final long durationNanos;
    final long firstByteNanos;
    final long bytes;

    /** Which lines were sampled: {@link StatsdClient#TIMING}, {@code XFER}, {@code FIRST_BYTE}, {@code ERRORS}. */
    final int lines;

    StatsdEvent(StatsdClient client, String type, String method, int status, int firstByteStatus, long durationNanos,
            long firstByteNanos, long bytes, int lines) {
        this.client = client;
        this.type = type;
        this.method = method;
        this.status = status;
        this.firstByteStatus = firstByteStatus;
        this.durationNanos = durationNanos;
        this.firstByteNanos = firstByteNanos;
        this.bytes = bytes;
        this.lines = lines;
    }
}
