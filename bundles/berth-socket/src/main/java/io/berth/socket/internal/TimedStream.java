package io.berth.socket.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

import io.berth.api.Berth;

/**
 * uWSGI's harakiri for one request, as far as a JVM can go: when {@code request_timeout}
 * passes before the app has sent anything, the client gets {@code 503} and the connection
 * closes; what the app writes afterwards goes nowhere. (A thread cannot be killed safely: the
 * app's work runs on to its end, and the log says which request it was.)
 */
final class TimedStream extends HttpStream.Wrapper {

    private static final int OPEN = 0;
    private static final int APP_RESPONDING = 1;
    private static final int TIMED_OUT = 2;

    static final String BODY = "Request timed out";
    private static final byte[] BODY_BYTES = BODY.getBytes(StandardCharsets.UTF_8);

    private final AtomicInteger state = new AtomicInteger(OPEN);
    /** The request_timeout timer, cancelled when the request completes. */
    private volatile Scheduler.Task timeout;

    TimedStream(HttpStream wrapped) {
        super(wrapped);
    }

    @Override
    public void send(MetaData.Request request, MetaData.Response response, boolean last, ByteBuffer content,
            Callback callback) {
        if (state.get() == APP_RESPONDING || state.compareAndSet(OPEN, APP_RESPONDING)) {
            super.send(request, response, last, content, callback);
        } else {
            callback.failed(new IOException("request_timeout passed: the client was answered 503 already"));
        }
    }

    void cancelsOnCompletion(Scheduler.Task task) {
        timeout = task;
    }

    @Override
    public void succeeded() {
        cancelTimeout();
        super.succeeded();
    }

    @Override
    public void failed(Throwable failure) {
        cancelTimeout();
        super.failed(failure);
    }

    private void cancelTimeout() {
        Scheduler.Task task = timeout;
        if (task != null) {
            task.cancel();
        }
    }

    /**
     * Answers 503 unless the app has begun its response.
     *
     * @param transId the request's transaction id, or {@code null}
     * @return whether the 503 was sent
     */
    boolean expire(String transId) {
        if (!state.compareAndSet(OPEN, TIMED_OUT)) {
            return false;
        }
        HttpFields.Mutable headers = HttpFields.build();
        if (transId != null) {
            // The id the log line names, so the client can quote it.
            headers.put(Berth.X_TRANS_ID, transId).put(Berth.X_OPENSTACK_REQUEST_ID, transId);
        }
        headers
                .put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8")
                .put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString())
                .put(HttpHeader.CONTENT_LENGTH, Integer.toString(BODY_BYTES.length));
        MetaData.Response response = new MetaData.Response(HttpStatus.SERVICE_UNAVAILABLE_503, null,
                HttpVersion.HTTP_1_1, headers);
        super.send(null, response, true, ByteBuffer.wrap(BODY_BYTES), Callback.NOOP);
        return true;
    }
}
