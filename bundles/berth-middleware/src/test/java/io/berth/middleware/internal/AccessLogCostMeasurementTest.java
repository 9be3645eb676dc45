package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.Berth;

/**
 * Where an access line's CPU goes, per line, measured as thread CPU time (so others' load on the
 * machine matters little): on the request's thread, formatting the line there (what the logger
 * route does before SLF4J, pax-logging and log4j take their share, which this does not count) against
 * copying the values and offering them to the file's writer; and on the writer's thread, formatting
 * and writing. The request is a dynamic proxy (a few tens of ns per call more than Jetty's), the
 * same in both. On demand only; it measures, it asserts nothing about time:
 * <pre>
 * mvn -o -q test -pl bundles/berth-middleware -Dtest=AccessLogCostMeasurementTest -Dberth.measure=true
 * </pre>
 */
@Tag("measure")
@EnabledIfSystemProperty(named = "berth.measure", matches = "true")
class AccessLogCostMeasurementTest {

    private static final Logger LOG = LoggerFactory.getLogger(AccessLogCostMeasurementTest.class);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int WARMUP = 1_000_000;
    private static final int LINES = 3_000_000;
    private static final int BATCH = 10_000;

    @TempDir
    Path dir;

    private long sink;

    @Test
    void perLine() throws Exception {
        AccessLogTemplate template = AccessLogTemplate.parse(AccessLogTemplate.DEFAULT,
                new AccessLogTemplate.Options(false, 16, false, Set.of()));
        AccessRecord record = record();

        formatOnRequestThread(template, record, WARMUP);
        long formatNanos = formatOnRequestThread(template, record, LINES);

        Path file = dir.resolve("access.log");
        AccessLogWriter writer = new AccessLogWriter(file, 65_536);
        writer.start();
        try {
            offer(writer, template, record, WARMUP);
            long writerBefore = THREADS.getThreadCpuTime(writer.thread().getId());
            long offerNanos = offer(writer, template, record, LINES);
            await("the writer drained its queue").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1))
                    .until(() -> writer.queued() == 0);
            long writerNanos = THREADS.getThreadCpuTime(writer.thread().getId()) - writerBefore;
            assertThat(writer.dropped()).isZero();

            LOG.info("access line, request thread: format {} ns/line (logger route, before SLF4J); "
                    + "capture + offer {} ns/line (file route)", formatNanos / LINES, offerNanos / LINES);
            LOG.info("access line, writer thread (file route): {} ns/line formatting and writing ({} bytes/line)",
                    writerNanos / LINES, Files.size(file) / (WARMUP + LINES));
        } finally {
            writer.close();
        }
        LOG.info("(ignore: {})", sink);
    }

    private long formatOnRequestThread(AccessLogTemplate template, AccessRecord record, int lines) {
        long start = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < lines; i++) {
            sink += template.format(template.capture(record)).length();
        }
        return THREADS.getCurrentThreadCpuTime() - start;
    }

    /** In batches the writer keeps up with, so that none is dropped; waiting is not CPU time. */
    private static long offer(AccessLogWriter writer, AccessLogTemplate template, AccessRecord record, int lines) {
        long cpu = 0;
        for (int done = 0; done < lines; done += BATCH) {
            long start = THREADS.getCurrentThreadCpuTime();
            for (int i = 0; i < BATCH; i++) {
                writer.offer(template.capture(record));
            }
            cpu += THREADS.getCurrentThreadCpuTime() - start;
            await("the writer kept up").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1))
                    .until(() -> writer.queued() <= BATCH);
        }
        return cpu;
    }

    /** A request as Swift's default line reads it, ended with a 200; StatsdCostMeasurementTest's too. */
    static AccessRecord record() {
        Map<String, String> headers = Map.of("User-Agent", "curl/8.5.0", "X-Auth-Token", "AUTH_tk0123456789abcdef0123456789");
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(
                AccessLogCostMeasurementTest.class.getClassLoader(), new Class<?>[] {HttpServletRequest.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "getHeader" -> headers.get((String) args[0]);
                    case "getRemoteAddr" -> "192.0.2.7";
                    case "getMethod" -> "GET";
                    case "getRequestURI" -> "/v1/AUTH_test/photos/2025/cat.jpg";
                    case "getContextPath" -> "";
                    case "getQueryString" -> null;
                    case "getProtocol" -> "HTTP/1.1";
                    case "getAttribute" -> Berth.TRANS_ID_ATTRIBUTE.equals(args[0]) ? "tx0123456789abcdef01234-0068b4b6c5" : null;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(
                AccessLogCostMeasurementTest.class.getClassLoader(), new Class<?>[] {HttpServletResponse.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "getStatus" -> 200;
                    case "isCommitted" -> true;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        AccessRecord record = new AccessRecord(request, response, System.currentTimeMillis() * 1_000_000L, System.nanoTime());
        record.bytesSent = 15;
        record.end(record.startNanoTime + 250_000);
        return record;
    }
}
