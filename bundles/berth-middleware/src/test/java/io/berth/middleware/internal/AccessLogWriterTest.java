package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.berth.api.Berth;
import io.berth.testing.StderrCapture;

/** The access log file written by its own thread: lines, concurrency, a full queue, rotation, failure, stop. */
@Timeout(60)
class AccessLogWriterTest {

    private static final AccessLogTemplate.Options PLAIN = new AccessLogTemplate.Options(false, 16, false, Set.of());

    /** Long enough that lines straddle the writer's 64 KB buffer. */
    private static final AccessLogTemplate PADDED = AccessLogTemplate.parse(
            "{method} {path} {status_int} " + "x".repeat(300), PLAIN);

    private static StderrCapture stderr;

    @TempDir
    Path dir;

    private final List<AccessLogWriter> writers = new ArrayList<>();

    @BeforeAll
    static void captureStderr() {
        stderr = new StderrCapture();
    }

    @AfterAll
    static void releaseStderr() {
        stderr.close();
    }

    @AfterEach
    void stopWriters() {
        writers.forEach(AccessLogWriter::close);
    }

    @Test
    void writesSwiftsLineToTheFile() throws Exception {
        Path file = dir.resolve("berth-access.log");
        AccessLogWriter writer = started(new AccessLogWriter(file, 16));
        HttpServletRequest request = request("PUT", "/v1/a/c/o", Map.of("User-Agent", "curl/8.5.0",
                "Referer", "http://example.com/page", "X-Auth-Token", "AUTH_tk0123456789abcdef0123456789",
                "Etag", "d41d8cd98f00b204e9800998ecf8427e"), "txabc-0068b4b6c5");
        AccessRecord record = new AccessRecord(request, response(200), 1_754_053_509_123_456_789L, 1_000_000_000L);
        record.bytesReceived = 5;
        record.bytesSent = 1234;
        record.end(record.startNanoTime + 1_500_049_999L);

        assertThat(writer.offer(AccessLogTemplate.parse(AccessLogTemplate.DEFAULT, PLAIN).capture(record))).isTrue();

        awaitContent(file, "192.0.2.7 192.0.2.7 01/Aug/2025/13/05/10 PUT /v1/a/c/o HTTP/1.1 200 http://example.com/page "
                + "curl/8.5.0 AUTH_tk012345678... 5 1234 d41d8cd98f00b204e9800998ecf8427e txabc-0068b4b6c5 "
                + "- 1.5000 - - 1754053509.123456789 1754053510.623506788\n");
    }

    @Test
    void aTemplatesOwnTextIsWrittenInUtf8() throws Exception {
        Path file = dir.resolve("utf8.log");
        AccessLogWriter writer = started(new AccessLogWriter(file, 16));

        writer.offer(AccessLogTemplate.parse("\u00e9t\u00e9 \u20ac {path} \uD83D\uDE00", PLAIN).capture(record("/caf\u00e9")));

        awaitContent(file, "\u00e9t\u00e9 \u20ac /caf%C3%A9 \uD83D\uDE00\n");
    }

    @Test
    void linesWrittenAndLostAreCountedForMetrics() throws Exception {
        Path file = dir.resolve("counted.log");
        AccessLogWriter writer = started(new AccessLogWriter(file, 16));
        for (int i = 0; i < 3; i++) {
            writer.offer(PADDED.capture(record("/counted/" + i)));
        }
        await().until(() -> lines(file).size() == 3);
        await().until(() -> writer.written() == 3);

        assertThat(writer.written()).as("lines written").isEqualTo(3);
        assertThat(writer.lost()).as("lines lost").isZero();
        assertThat(writer.dropped()).as("lines dropped").isZero();
        assertThat(writer.queued()).as("lines queued").isZero();
    }

    @Test
    void manyThreadsWriteWholeLines() throws Exception {
        Path file = dir.resolve("concurrent.log");
        int threads = 8;
        int each = 20_000;
        AccessLogWriter writer = started(new AccessLogWriter(file, threads * each));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> accepted = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            accepted.add(pool.submit(() -> {
                go.await();
                int n = 0;
                for (int i = 0; i < each; i++) {
                    n += writer.offer(PADDED.capture(record("/t" + thread + "/" + i))) ? 1 : 0;
                }
                return n;
            }));
        }
        go.countDown();
        for (Future<Integer> f : accepted) {
            assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(each);
        }
        pool.shutdown();
        writer.close();

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(threads * each);
        assertThat(lines).allMatch(line -> line.matches("GET /t\\d/\\d+ 200 x{300}"), "whole lines");
        Set<String> paths = new HashSet<>();
        lines.forEach(line -> paths.add(line.split(" ")[1]));
        assertThat(paths).hasSize(threads * each).contains("/t0/0", "/t7/19999");
        // Each thread's lines are in the order it offered them.
        for (int t = 0; t < threads; t++) {
            String prefix = "GET /t" + t + "/";
            List<Integer> order = lines.stream().filter(line -> line.startsWith(prefix))
                    .map(line -> Integer.parseInt(line.split(" ")[1].substring(prefix.length() - 4))).toList();
            assertThat(order).isSorted();
        }
    }

    @Test
    void aFullQueueDropsAndCountsWithoutBlockingAndTheWriterReportsIt() throws Exception {
        Path file = dir.resolve("full.log");
        AtomicLong clock = new AtomicLong();
        LongAdder clockReads = new LongAdder();
        AccessLogWriter writer = new AccessLogWriter(file, 4, Duration.ofSeconds(1), () -> {
            clockReads.increment();
            return clock.get();
        });
        writers.add(writer);

        List<Boolean> offered = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            // The writer is not started: nothing takes from the queue.
            offered.add(writer.offer(PADDED.capture(record("/full/" + i))));
        }
        assertThat(offered).containsExactly(true, true, true, true, false, false, false, false, false, false);
        assertThat(writer.dropped()).isEqualTo(6);

        writer.start();
        await().until(() -> lines(file).size() == 4);
        assertThat(lines(file)).extracting(line -> line.split(" ")[1]).containsExactly("/full/0", "/full/1", "/full/2", "/full/3");
        await().until(() -> reports(file).size() == 1);
        assertThat(reports(file).get(0)).contains(" WARN io.berth.middleware.internal.AccessLogWriter - proxy_logging: "
                + "6 access lines not written to " + file + " in the last ")
                .endsWith(" s: 6 dropped because the queue of 4 lines was full, 0 because the file could not be written");

        // More drops within the minute: counted, reported only once the minute is over.
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            pool.execute(() -> {
                for (int i = 0; i < 20_000; i++) {
                    writer.offer(PADDED.capture(record("/more")));
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        long dropped = writer.dropped();
        assertThat(dropped).isGreaterThan(6);
        long reads = clockReads.sum();
        await().until(() -> clockReads.sum() > reads + 5);
        assertThat(reports(file)).hasSize(1);

        clock.addAndGet(Duration.ofSeconds(61).toNanos());
        await().until(() -> reports(file).size() == 2);
        assertThat(reports(file).get(1)).contains(": " + (dropped - 6) + " dropped because the queue of 4 lines was full");
    }

    @Test
    void aMovedFileIsReopenedAndATruncatedOneWrittenAtItsEnd() throws Exception {
        Path file = dir.resolve("rotated.log");
        Path rotated = dir.resolve("rotated.log.1");
        AccessLogWriter writer = started(new AccessLogWriter(file, 64, Duration.ofMillis(20), System::nanoTime));

        writer.offer(PADDED.capture(record("/before")));
        await().until(() -> lines(file).size() == 1);
        Files.move(file, rotated);
        await().until(() -> Files.exists(file));
        writer.offer(PADDED.capture(record("/after")));
        await().until(() -> lines(file).size() == 1);

        assertThat(paths(rotated)).containsExactly("/before");
        assertThat(paths(file)).containsExactly("/after");

        // copytruncate: the next line starts the file again, with no gap of zeros before it.
        Files.write(file, new byte[0]);
        writer.offer(PADDED.capture(record("/truncated")));
        await().until(() -> lines(file).size() == 1);
        assertThat(Files.readString(file)).startsWith("GET /truncated 200 ");

        Files.delete(file);
        await().until(() -> Files.exists(file));
        writer.offer(PADDED.capture(record("/deleted")));
        await().until(() -> lines(file).size() == 1);
        assertThat(paths(file)).containsExactly("/deleted");
    }

    @Test
    void anUnwritablePathIsReportedOnceAndRetried() throws Exception {
        Path blocker = dir.resolve("not-a-directory");
        Files.writeString(blocker, "a file where the log's directory should be");
        Path file = blocker.resolve("access.log");
        AtomicLong clock = new AtomicLong();
        AccessLogWriter writer = started(new AccessLogWriter(file, 64, Duration.ofSeconds(1), clock::get));

        await().until(() -> warnings(file).size() == 1);
        assertThat(warnings(file).get(0)).contains("proxy_logging: cannot open the access log " + file + ": ")
                .contains("opening it is retried every 5 s");
        assertThat(writer.offer(PADDED.capture(record("/lost")))).isTrue();

        // The next retry fails the same way: no second warning.
        clock.addAndGet(Duration.ofSeconds(6).toNanos());
        writer.offer(PADDED.capture(record("/lost-too")));
        await().until(() -> reports(file).size() == 1);
        assertThat(warnings(file)).hasSize(1);
        assertThat(stderr.lines("\tat ")).as("no stack trace").isEmpty();

        Files.delete(blocker);
        clock.addAndGet(Duration.ofSeconds(6).toNanos());
        await().until(() -> Files.exists(file));
        writer.offer(PADDED.capture(record("/written")));
        await().until(() -> lines(file).size() == 1);
        assertThat(paths(file)).containsExactly("/written");
        assertThat(stderr.lines("proxy_logging: writing the access log " + file + " again")).hasSize(1);
    }

    @Test
    void closeWritesWhatIsQueued() throws Exception {
        Path file = dir.resolve("drained.log");
        AccessLogWriter writer = new AccessLogWriter(file, 65_536);
        for (int i = 0; i < 50_000; i++) {
            assertThat(writer.offer(PADDED.capture(record("/q/" + i)))).isTrue();
        }
        writer.start();
        writer.close();

        List<String> lines = lines(file);
        assertThat(lines).hasSize(50_000);
        assertThat(lines.get(49_999)).startsWith("GET /q/49999 200 ");
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("berth-access-log " + file));
    }

    @Test
    void errorsAreDescribedWithoutTheirStackTrace() {
        Path log = Path.of("/var/log/berth/access.log");
        assertThat(AccessLogWriter.reason(new java.nio.file.AccessDeniedException(log.toString()), log))
                .isEqualTo("AccessDeniedException");
        assertThat(AccessLogWriter.reason(new java.nio.file.FileSystemException("/var/log/berth", null, "Not a directory"), log))
                .isEqualTo("Not a directory: /var/log/berth");
        assertThat(AccessLogWriter.reason(new IOException("No space left on device"), log)).isEqualTo("No space left on device");
    }

    private AccessLogWriter started(AccessLogWriter writer) {
        writers.add(writer);
        writer.start();
        return writer;
    }

    private static ConditionFactory await() {
        return Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(10));
    }

    private static void awaitContent(Path file, String content) {
        await().until(() -> Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).equals(content));
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }

    private static List<String> paths(Path file) throws IOException {
        return lines(file).stream().map(line -> line.split(" ")[1]).toList();
    }

    private static List<String> reports(Path file) {
        return stderr.lines("access lines not written to " + file + " ");
    }

    private static List<String> warnings(Path file) {
        return stderr.lines("proxy_logging: cannot open the access log " + file + ":");
    }

    private static AccessRecord record(String path) {
        AccessRecord record = new AccessRecord(request("GET", path, Map.of(), null), response(200),
                System.currentTimeMillis() * 1_000_000L, System.nanoTime());
        record.end(record.startNanoTime + 1_000);
        return record;
    }

    private static HttpServletRequest request(String method, String uri, Map<String, String> headers, String transId) {
        return (HttpServletRequest) Proxy.newProxyInstance(AccessLogWriterTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> {
                    switch (m.getName()) {
                        case "getHeader":
                            return headers.get((String) args[0]);
                        case "getRemoteAddr":
                            return "192.0.2.7";
                        case "getMethod":
                            return method;
                        case "getRequestURI":
                            return uri;
                        case "getQueryString":
                            return null;
                        case "getProtocol":
                            return "HTTP/1.1";
                        case "getAttribute":
                            return Berth.TRANS_ID_ATTRIBUTE.equals(args[0]) ? transId : null;
                        default:
                            throw new UnsupportedOperationException(m.getName());
                    }
                });
    }

    private static HttpServletResponse response(int status) {
        return (HttpServletResponse) Proxy.newProxyInstance(AccessLogWriterTest.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, m, args) -> {
                    switch (m.getName()) {
                        case "getStatus":
                            return status;
                        case "isCommitted":
                            return true;
                        default:
                            throw new UnsupportedOperationException(m.getName());
                    }
                });
    }
}
