package io.berth.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * Keeps a copy of what reaches {@code System.err}, where slf4j-simple, the unit tests' logging
 * binding, writes each line (it looks {@code System.err} up at every line): a test reads the log
 * lines the production code wrote. The copy is still printed.
 */
public final class StderrCapture implements AutoCloseable {

    private final PrintStream original = System.err;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    public StderrCapture() {
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
    public List<String> lines(String text) {
        return lines(line -> line.contains(text));
    }

    /** @return the lines written so far that match */
    public List<String> lines(Predicate<String> matching) {
        String all;
        synchronized (copy) {
            all = copy.toString(StandardCharsets.UTF_8);
        }
        return Arrays.stream(all.split("\n")).filter(matching).toList();
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
