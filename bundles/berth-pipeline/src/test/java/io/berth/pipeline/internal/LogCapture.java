package io.berth.pipeline.internal;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Keeps a copy of what reaches {@code System.err}, where slf4j-simple, the tests' logging binding,
 * writes each line (it looks {@code System.err} up at every line). The copy is still printed.
 * (berth-middleware's tests have the same helper as StderrCapture: there is no shared test module.)
 */
final class LogCapture implements AutoCloseable {

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    LogCapture() {
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (copy) {
                    copy.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (copy) {
                    copy.write(b, off, len);
                }
                original.write(b, off, len);
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    /** @return the lines written so far that contain {@code text} */
    List<String> lines(String text) {
        String all;
        synchronized (copy) {
            all = copy.toString(StandardCharsets.UTF_8);
        }
        return Arrays.stream(all.split("\n")).filter(line -> line.contains(text)).collect(Collectors.toList());
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
