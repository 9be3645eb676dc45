package io.berth.middleware.internal;

import java.io.IOException;
import java.util.Objects;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;

/**
 * A request body of unknown length (chunked) cut off at a limit: the read that would go past
 * it fails, and so does every read after, so the reader never gets more than the limit. At
 * most one byte beyond the limit is taken from the client, to know that the limit was crossed.
 * Reads come from one thread at a time (blocking, or the container's read-listener calls).
 */
final class LimitedInputStream extends ServletInputStream {

    /** What to do once, when the limit is crossed: answer the client if still possible. */
    interface OnExceeded {
        /** @return true when the client got the answer */
        boolean answer();
    }

    private final ServletInputStream body;
    private final long limit;
    private final String message;
    private final OnExceeded onExceeded;

    private long count;
    private volatile boolean exceeded;
    private volatile boolean answered;

    LimitedInputStream(ServletInputStream body, long limit, String message, OnExceeded onExceeded) {
        this.body = body;
        this.limit = limit;
        this.message = message;
        this.onExceeded = onExceeded;
    }

    @Override
    public int read() throws IOException {
        if (exceeded) {
            throw new BodyTooLarge(message);
        }
        int b = body.read();
        if (b >= 0 && ++count > limit) {
            throw exceed();
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        if (exceeded) {
            throw new BodyTooLarge(message);
        }
        if (length == 0) {
            return 0;
        }
        long remaining = limit - count;
        int n = body.read(buffer, offset, remaining >= length ? length : (int) remaining + 1);
        if (n > 0 && (count += n) > limit) {
            throw exceed();
        }
        return n;
    }

    private BodyTooLarge exceed() {
        exceeded = true;
        answered = onExceeded.answer();
        return new BodyTooLarge(message);
    }

    @Override
    public int available() throws IOException {
        return exceeded ? 0 : body.available();
    }

    @Override
    public boolean isFinished() {
        return body.isFinished();
    }

    @Override
    public boolean isReady() {
        // Once over the limit, ready: the reader's next read fails at once instead of waiting
        // for data that will never be asked for.
        return exceeded || body.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
        body.setReadListener(listener);
    }

    @Override
    public void close() throws IOException {
        body.close();
    }

    /** Bytes handed out so far (with the one that crossed the limit, if it was). */
    long count() {
        return count;
    }

    boolean exceeded() {
        return exceeded;
    }

    /** The limit was crossed and the client was answered: what the reader does next is moot. */
    boolean answered() {
        return answered;
    }

    /**
     * The reader's read failed because the body is over the limit. No stack trace: the cause is
     * the client, not the code, and it is the same every time.
     */
    static final class BodyTooLarge extends IOException {

        private static final long serialVersionUID = 1L;

        BodyTooLarge(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
