package io.berth.middleware.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * The response as {@code proxy_logging} hands it on: counts the body bytes written and notes a
 * write that fails (the client hung up or stopped reading). Streams are made on first use only,
 * each over the container's own, so that the container still decides the encoding and which of
 * stream and writer may be used.
 */
final class CountingResponse extends HttpServletResponseWrapper {

    private final AccessRecord record;
    private CountingOutputStream output;
    private CountingWriter writer;

    CountingResponse(HttpServletResponse response, AccessRecord record) {
        super(response);
        this.record = record;
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (output == null) {
            output = new CountingOutputStream(super.getOutputStream(), record);
        }
        return output;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (writer == null) {
            PrintWriter inner = super.getWriter();
            writer = new CountingWriter(inner, CharBytes.of(getCharacterEncoding()), record);
        }
        return writer;
    }

    @Override
    public void flushBuffer() throws IOException {
        record.answering();
        try {
            super.flushBuffer();
        } catch (IOException e) {
            record.clientIoFailed = true;
            throw e;
        }
    }

    @Override
    public void reset() {
        super.reset();
        // Not committed (or reset would have thrown): what was written never left the buffer.
        record.bytesSent = 0;
    }

    @Override
    public void resetBuffer() {
        super.resetBuffer();
        record.bytesSent = 0;
    }

    private static final class CountingOutputStream extends ServletOutputStream {

        private final ServletOutputStream out;
        private final AccessRecord record;

        CountingOutputStream(ServletOutputStream out, AccessRecord record) {
            this.out = out;
            this.record = record;
        }

        @Override
        public void write(int b) throws IOException {
            record.answering();
            try {
                out.write(b);
                record.bytesSent++;
            } catch (IOException e) {
                record.clientIoFailed = true;
                throw e;
            }
        }

        @Override
        public void write(byte[] b) throws IOException {
            write(b, 0, b.length);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            record.answering();
            try {
                out.write(b, off, len);
                record.bytesSent += len;
            } catch (IOException e) {
                record.clientIoFailed = true;
                throw e;
            }
        }

        @Override
        public void flush() throws IOException {
            record.answering();
            try {
                out.flush();
            } catch (IOException e) {
                record.clientIoFailed = true;
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            try {
                out.close();
            } catch (IOException e) {
                record.clientIoFailed = true;
                throw e;
            }
        }

        @Override
        public boolean isReady() {
            return out.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            out.setWriteListener(listener);
        }
    }

    /**
     * Hands every call straight to the container's writer, counting the characters as bytes in
     * the response's encoding. It overrides every public method so that none goes through
     * PrintWriter's own code, which locks. A PrintWriter reports a failed write only through
     * {@link #checkError()}; when the application asks and it is true, the client is taken as gone.
     */
    private static final class CountingWriter extends PrintWriter {

        private static final String LINE_SEPARATOR = System.lineSeparator();

        private final PrintWriter out;
        private final CharBytes bytes;
        private final AccessRecord record;

        CountingWriter(PrintWriter out, CharBytes bytes, AccessRecord record) {
            super(out, false);
            this.out = out;
            this.bytes = bytes;
            this.record = record;
        }

        @Override
        public void write(int c) {
            record.answering();
            out.write(c);
            record.bytesSent += bytes.count(c);
        }

        @Override
        public void write(char[] buf, int off, int len) {
            record.answering();
            out.write(buf, off, len);
            record.bytesSent += bytes.count(buf, off, len);
        }

        @Override
        public void write(char[] buf) {
            write(buf, 0, buf.length);
        }

        @Override
        public void write(String s, int off, int len) {
            record.answering();
            out.write(s, off, len);
            record.bytesSent += bytes.count(s, off, len);
        }

        @Override
        public void write(String s) {
            write(s, 0, s.length());
        }

        @Override
        public void print(boolean b) {
            write(String.valueOf(b));
        }

        @Override
        public void print(char c) {
            write(c);
        }

        @Override
        public void print(int i) {
            write(String.valueOf(i));
        }

        @Override
        public void print(long l) {
            write(String.valueOf(l));
        }

        @Override
        public void print(float f) {
            write(String.valueOf(f));
        }

        @Override
        public void print(double d) {
            write(String.valueOf(d));
        }

        @Override
        public void print(char[] s) {
            write(s);
        }

        @Override
        public void print(String s) {
            write(String.valueOf(s));
        }

        @Override
        public void print(Object obj) {
            write(String.valueOf(obj));
        }

        @Override
        public void println() {
            write(LINE_SEPARATOR);
        }

        @Override
        public void println(boolean x) {
            print(x);
            println();
        }

        @Override
        public void println(char x) {
            print(x);
            println();
        }

        @Override
        public void println(int x) {
            print(x);
            println();
        }

        @Override
        public void println(long x) {
            print(x);
            println();
        }

        @Override
        public void println(float x) {
            print(x);
            println();
        }

        @Override
        public void println(double x) {
            print(x);
            println();
        }

        @Override
        public void println(char[] x) {
            print(x);
            println();
        }

        @Override
        public void println(String x) {
            print(x);
            println();
        }

        @Override
        public void println(Object x) {
            print(x);
            println();
        }

        @Override
        public PrintWriter printf(String format, Object... args) {
            return format(format, args);
        }

        @Override
        public PrintWriter printf(Locale l, String format, Object... args) {
            return format(l, format, args);
        }

        @Override
        public PrintWriter format(String format, Object... args) {
            write(String.format(format, args));
            return this;
        }

        @Override
        public PrintWriter format(Locale l, String format, Object... args) {
            write(String.format(l, format, args));
            return this;
        }

        @Override
        public PrintWriter append(CharSequence csq) {
            write(String.valueOf(csq));
            return this;
        }

        @Override
        public PrintWriter append(CharSequence csq, int start, int end) {
            write((csq == null ? "null" : csq).subSequence(start, end).toString());
            return this;
        }

        @Override
        public PrintWriter append(char c) {
            write(c);
            return this;
        }

        @Override
        public void flush() {
            record.answering();
            out.flush();
        }

        @Override
        public void close() {
            out.close();
        }

        @Override
        public boolean checkError() {
            boolean error = out.checkError();
            if (error) {
                record.clientIoFailed = true;
            }
            return error;
        }
    }
}
