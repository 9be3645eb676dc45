package io.berth.middleware.internal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.berth.api.Berth;

/**
 * What {@code proxy_logging} knows of one request: counted as the request runs, read once when it
 * ends to write the access line. One thread at a time touches it: the request's thread, then the
 * thread the container completes an asynchronous request on, after a happens-before edge the
 * container provides. So it takes no lock and has no volatile field.
 */
final class AccessRecord {

    final HttpServletRequest request;
    final HttpServletResponse response;

    /** Wall clock at the start, nanoseconds since the epoch: {@code start_time}. */
    final long startEpochNanos;

    /** Monotonic clock at the start, for {@code request_time}. */
    final long startNanoTime;

    /** Bytes the stages after us read from the request body: {@code bytes_recvd}. */
    long bytesReceived;

    /** Bytes the stages after us wrote to the response body: {@code bytes_sent}. */
    long bytesSent;

    /**
     * Reading the request body or writing the response failed: the client hung up, or stopped
     * sending or reading until a timeout. Swift's {@code client_disconnect}: the line says 499.
     */
    boolean clientIoFailed;

    /** What escaped the stages after us (or the container reported for an asynchronous request). */
    Throwable failure;

    /** An {@code AsyncListener} will end the record: the request went asynchronous. */
    boolean listening;

    /** Set by {@link #end}; the line has been written (or is being written). */
    boolean ended;

    /** Set by proxy_logging when it sends StatsD: note when the app starts its answer. */
    boolean timesFirstByte;

    /** Monotonic clock when the app first wrote or flushed the response, 0 before (or not timed). */
    long firstByteNanos;

    /** The response's status then: the status Swift's {@code first-byte.timing} is named by. */
    int firstByteStatus;

    /** Whether the request's access line is wanted (the route was on when it started). */
    boolean lineWanted;

    /**
     * The line shows {@code {trace_id}}: a catch_errors after proxy_logging makes the request's
     * trace at once instead of when someone reads it (its wrapper is not the request the line reads).
     */
    boolean wantsTraceId;

    int status;
    int wireStatus;
    long durationNanos;

    AccessRecord(HttpServletRequest request, HttpServletResponse response, long startEpochNanos, long startNanoTime) {
        this.request = request;
        this.response = response;
        this.startEpochNanos = startEpochNanos;
        this.startNanoTime = startNanoTime;
    }

    /**
     * Settles what the line reports, as Swift does: 499 when the client went away (that takes
     * precedence), 500 when an exception escaped, the response's status otherwise.
     *
     * @param endNanoTime the monotonic clock now
     * @return false when the record was ended already
     */
    boolean end(long endNanoTime) {
        if (ended) {
            return false;
        }
        ended = true;
        durationNanos = Math.max(0, endNanoTime - startNanoTime);
        boolean committed = response.isCommitted();
        if (clientIoFailed || (failure != null && Berth.clientGone(failure))) {
            status = 499;
        } else if (failure != null) {
            status = 500;
        } else {
            status = response.getStatus();
        }
        if (failure != null && !committed) {
            // Nothing of what the application wrote reached the client: catch_errors or the
            // container answers instead.
            wireStatus = status;
            bytesSent = 0;
        } else {
            wireStatus = response.getStatus();
        }
        return true;
    }

    /** The app writes or flushes its answer: the first time, the time to first byte is taken. */
    void answering() {
        if (timesFirstByte && firstByteNanos == 0) {
            firstByteNanos = System.nanoTime();
            firstByteStatus = response.getStatus();
        }
    }

    long endEpochNanos() {
        return startEpochNanos + durationNanos;
    }
}
