package io.berth.middleware.internal;

import java.io.BufferedReader;
import java.io.IOException;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The request as {@code proxy_logging} hands it on: counts the body bytes read (Swift's
 * InputProxy), notes a read that fails (the client hung up or stalled), and hears of the request
 * going asynchronous so that its line waits for the end. Streams are made on first use only.
 */
final class CountingRequest extends HttpServletRequestWrapper {

    private final AccessRecord record;
    private final ProxyLoggingFilter filter;
    private CountingInputStream input;
    private CountingReader reader;
    private CountingAsyncContext async;

    CountingRequest(HttpServletRequest request, AccessRecord record, ProxyLoggingFilter filter) {
        super(request);
        this.record = record;
        this.filter = filter;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        if (input == null) {
            input = new CountingInputStream(super.getInputStream(), record);
        }
        return input;
    }

    @Override
    public BufferedReader getReader() throws IOException {
        if (reader == null) {
            BufferedReader inner = super.getReader();
            reader = new CountingReader(inner, CharBytes.of(getCharacterEncoding()), record);
        }
        return reader;
    }

    /**
     * The container's context holds the unwrapped request and response; so that what the
     * application reads and writes through {@code getRequest()} and {@code getResponse()} is
     * counted too, it gets them wrapped for counting, and nothing else changes.
     */
    @Override
    public AsyncContext startAsync() {
        AsyncContext context = super.startAsync();
        filter.listen(context, record);
        async = new CountingAsyncContext(context, record, filter);
        return async;
    }

    /** The application chose what the context holds: ours, if it passes on what it was given. */
    @Override
    public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
        AsyncContext context = super.startAsync(request, response);
        filter.listen(context, record);
        async = null;
        return context;
    }

    @Override
    public AsyncContext getAsyncContext() {
        AsyncContext context = super.getAsyncContext();
        CountingAsyncContext counting = async;
        return counting != null && counting.context == context ? counting : context;
    }

    private static final class CountingInputStream extends ServletInputStream {

        private final ServletInputStream in;
        private final AccessRecord record;

        CountingInputStream(ServletInputStream in, AccessRecord record) {
            this.in = in;
            this.record = record;
        }

        @Override
        public int read() throws IOException {
            try {
                int b = in.read();
                if (b >= 0) {
                    record.bytesReceived++;
                }
                return b;
            } catch (IOException e) {
                record.clientIoFailed = true;
                throw e;
            }
        }

        @Override
        public int read(byte[] b) throws IOException {
            return read(b, 0, b.length);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int n = in.read(b, off, len);
                if (n > 0) {
                    record.bytesReceived += n;
                }
                return n;
            } catch (IOException e) {
                record.clientIoFailed = true;
                throw e;
            }
        }

        @Override
        public int readLine(byte[] b, int off, int len) throws IOException {
            try {
                int n = in.readLine(b, off, len);
                if (n > 0) {
                    record.bytesReceived += n;
                }
                return n;
            } catch (IOException e) {
                record.clientIoFailed = true;
                throw e;
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                long skipped = in.skip(n);
                if (skipped > 0) {
                    record.bytesReceived += skipped;
                }
                return skipped;
            } catch (IOException e) {
                record.clientIoFailed = true;
                throw e;
            }
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }

    /**
     * Characters read are counted as bytes in the request's encoding; a line's end counts as one
     * byte, as {@code readLine} does not say whether it was {@code \n} or {@code \r\n}.
     */
    private static final class CountingReader extends BufferedReader {

        private final BufferedReader in;
        private final CharBytes bytes;
        private final AccessRecord record;

        CountingReader(BufferedReader in, CharBytes bytes, AccessRecord record) {
            super(in, 1);
            this.in = in;
            this.bytes = bytes;
            this.record = record;
        }

        @Override
        public int read() throws IOException {
            try {
                int c = in.read();
                if (c >= 0) {
                    record.bytesReceived += bytes.count(c);
                }
                return c;
            } catch (IOException e) {
                record.clientIoFailed = true;
                throw e;
            }
        }

        @Override
        public int read(char[] cbuf, int off, int len) throws IOException {
            try {
                int n = in.read(cbuf, off, len);
                if (n > 0) {
                    record.bytesReceived += bytes.count(cbuf, off, n);
                }
                return n;
            } catch (IOException e) {
                record.clientIoFailed = true;
                throw e;
            }
        }

        @Override
        public String readLine() throws IOException {
            try {
                String line = in.readLine();
                if (line != null) {
                    record.bytesReceived += bytes.count(line, 0, line.length()) + 1;
                }
                return line;
            } catch (IOException e) {
                record.clientIoFailed = true;
                throw e;
            }
        }

        @Override
        public long skip(long n) throws IOException {
            try {
                long skipped = in.skip(n);
                if (skipped > 0) {
                    record.bytesReceived += skipped;
                }
                return skipped;
            } catch (IOException e) {
                record.clientIoFailed = true;
                throw e;
            }
        }

        @Override
        public boolean ready() throws IOException {
            return in.ready();
        }

        @Override
        public boolean markSupported() {
            return in.markSupported();
        }

        @Override
        public void mark(int readAheadLimit) throws IOException {
            in.mark(readAheadLimit);
        }

        @Override
        public void reset() throws IOException {
            in.reset();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static final class CountingAsyncContext implements AsyncContext {

        final AsyncContext context;
        private final ServletRequest request;
        private final ServletResponse response;

        CountingAsyncContext(AsyncContext context, AccessRecord record, ProxyLoggingFilter filter) {
            this.context = context;
            ServletRequest original = context.getRequest();
            ServletResponse originalResponse = context.getResponse();
            this.request = original instanceof HttpServletRequest
                    ? new CountingRequest((HttpServletRequest) original, record, filter) : original;
            this.response = originalResponse instanceof HttpServletResponse
                    ? new CountingResponse((HttpServletResponse) originalResponse, record) : originalResponse;
        }

        @Override
        public ServletRequest getRequest() {
            return request;
        }

        @Override
        public ServletResponse getResponse() {
            return response;
        }

        @Override
        public boolean hasOriginalRequestAndResponse() {
            return context.hasOriginalRequestAndResponse();
        }

        @Override
        public void dispatch() {
            context.dispatch();
        }

        @Override
        public void dispatch(String path) {
            context.dispatch(path);
        }

        @Override
        public void dispatch(ServletContext servletContext, String path) {
            context.dispatch(servletContext, path);
        }

        @Override
        public void complete() {
            context.complete();
        }

        @Override
        public void start(Runnable run) {
            context.start(run);
        }

        @Override
        public void addListener(AsyncListener listener) {
            context.addListener(listener);
        }

        @Override
        public void addListener(AsyncListener listener, ServletRequest servletRequest,
                ServletResponse servletResponse) {
            context.addListener(listener, servletRequest, servletResponse);
        }

        @Override
        public <T extends AsyncListener> T createListener(Class<T> clazz) throws ServletException {
            return context.createListener(clazz);
        }

        @Override
        public void setTimeout(long timeout) {
            context.setTimeout(timeout);
        }

        @Override
        public long getTimeout() {
            return context.getTimeout();
        }
    }
}
