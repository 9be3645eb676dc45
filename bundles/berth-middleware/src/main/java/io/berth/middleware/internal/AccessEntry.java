package io.berth.middleware.internal;

/**
 * One request's access line, copied off the request when it ends so that the line can be formatted
 * on another thread after the container has recycled the request: the values the template reads
 * from the request (not yet quoted), the counts and the times. Immutable.
 */
final class AccessEntry {

    /** Formats this entry; pipelines writing the same file may have different templates. */
    final AccessLogTemplate template;

    /** The template's request values, in the order of its slots; null for none. */
    final String[] values;

    final long startEpochNanos;
    final long durationNanos;
    final long bytesReceived;
    final long bytesSent;
    final int status;
    final int wireStatus;

    AccessEntry(AccessLogTemplate template, String[] values, AccessRecord record) {
        this.template = template;
        this.values = values;
        this.startEpochNanos = record.startEpochNanos;
        this.durationNanos = record.durationNanos;
        this.bytesReceived = record.bytesReceived;
        this.bytesSent = record.bytesSent;
        this.status = record.status;
        this.wireStatus = record.wireStatus;
    }

    long endEpochNanos() {
        return startEpochNanos + durationNanos;
    }

    /** @return the access line, without a line separator */
    String format() {
        return template.format(this);
    }
}
