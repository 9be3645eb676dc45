package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.awaitility.Awaitility;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.berth.api.Berth;
import io.berth.testing.StderrCapture;

/**
 * proxy_logging as the stage makes it, with its access_log_route and access_log_file: pipelines
 * (contexts) of embedded Jetty writing one file through one thread, a file that cannot be
 * written, the logger route, and the file written to its end when the pipelines stop.
 */
@Timeout(30)
class ProxyLoggingFileJettyTest {

    @TempDir
    static Path dir;

    private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static StderrCapture stderr;
    private static ProxyLoggingStage stage;
    private static Path file;
    private static Path unwritable;
    private static Jetty jetty;

    @BeforeAll
    static void start() throws Exception {
        stderr = new StderrCapture();
        stage = new ProxyLoggingStage();
        file = dir.resolve("logs/berth-access.log");
        Path blocker = dir.resolve("blocker");
        Files.writeString(blocker, "a file, not a directory");
        unwritable = blocker.resolve("berth-access.log");
        jetty = Jetty.start(
                pipeline("/a", Map.of("access_log_file", file.toString())),
                pipeline("/b", Map.of("access_log_file", file.toString(), "log_msg_template", "{method} {path} b")),
                pipeline("/c", Map.of("access_log_file", unwritable.toString())),
                pipeline("/d", Map.of("access_log_route", "logger", "access_log_file", file.toString())));
    }

    @AfterAll
    static void stop() throws Exception {
        if (jetty != null) {
            jetty.close();
        }
        stage.deactivate();
        stderr.close();
    }

    /** catch_errors, proxy_logging from the stage, and a servlet answering "fine". */
    private static ServletContextHandler pipeline(String path, Map<String, String> settings) {
        ServletContextHandler context = Jetty.context(path, new CatchErrorsFilter(CatchErrorsFilterJettyTest.config("")),
                stage.create(settings));
        Jetty.serve(context, "/*", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain");
                resp.getWriter().print("fine");
            }
        });
        return context;
    }

    @Test
    void pipelinesWritingOneFileShareItsThreadAndEachKeepsItsTemplate() throws Exception {
        HttpResponse<String> a = get("/a/ok?t=shared");
        HttpResponse<String> b = get("/b/ok?t=shared");
        assertThat(a.body()).isEqualTo("fine");
        assertThat(b.body()).isEqualTo("fine");

        String lineA = awaitLine(file, " /a/ok%3Ft%3Dshared ");
        assertThat(lineA).matches("127\\.0\\.0\\.1 127\\.0\\.0\\.1 \\d\\d/[A-Z][a-z]{2}/20\\d\\d/\\d\\d/\\d\\d/\\d\\d "
                + "GET /a/ok%3Ft%3Dshared HTTP/1\\.1 200 - Java-http-client/[0-9.]+ - - 4 - "
                + a.headers().firstValue(Berth.X_TRANS_ID).orElseThrow()
                + " - \\d+\\.\\d{4} - - \\d{10}\\.\\d{9} \\d{10}\\.\\d{9}");
        assertThat(awaitLine(file, "/b/ok")).isEqualTo("GET /b/ok%3Ft%3Dshared b");
        assertThat(Thread.getAllStackTraces().keySet())
                .filteredOn(t -> t.getName().equals("berth-access-log " + file)).hasSize(1);
    }

    @Test
    void aFileThatCannotBeWrittenIsReportedAndRequestsAreServed() throws Exception {
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> response = get("/c/ok?t=unwritable");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("fine");
        }

        String warning = "WARN io.berth.middleware.internal.AccessLogWriter - proxy_logging: cannot open the access log "
                + unwritable + ": ";
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !stderr.lines(warning).isEmpty());
        assertThat(stderr.lines(warning)).hasSize(1);
        assertThat(Files.exists(unwritable)).isFalse();
    }

    @Test
    void theLoggerRouteLogsToBerthAccessAndNotToTheFile() throws Exception {
        HttpResponse<String> response = get("/d/ok?t=logger");
        assertThat(response.statusCode()).isEqualTo(200);
        String transId = response.headers().firstValue(Berth.X_TRANS_ID).orElseThrow();

        // slf4j-simple writes the logger's line on the request's thread, before the response completes.
        List<String> logged = stderr.lines(transId).stream().filter(line -> line.contains(" berth.access - ")).toList();
        assertThat(logged).singleElement().satisfies(line -> assertThat(line)
                .contains(" INFO berth.access - 127.0.0.1 127.0.0.1 ").contains(" GET /d/ok%3Ft%3Dlogger HTTP/1.1 200 "));
        get("/a/ok?t=after-logger");
        awaitLine(file, "/a/ok%3Ft%3Dafter-logger");
        assertThat(Files.readString(file)).doesNotContain(transId);
    }

    @Test
    void stoppingThePipelinesWritesEveryLineAndEndsTheThread() throws Exception {
        ProxyLoggingStage own = new ProxyLoggingStage();
        Path stopped = dir.resolve("stopped.log");
        ServletContextHandler context = Jetty.context("/", own.create(Map.of("access_log_file", stopped.toString())));
        Jetty.serve(context, "/*", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                resp.setStatus(204);
            }
        });
        try (Jetty server = Jetty.start(context)) {
            for (int i = 0; i < 200; i++) {
                assertThat(client.send(HttpRequest.newBuilder(URI.create(server.base() + "/n/" + i)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(204);
            }
        }

        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("berth-access-log " + stopped));
        List<String> lines = Files.readAllLines(stopped, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(200);
        assertThat(lines.get(199)).contains(" GET /n/199 HTTP/1.1 204 ");
        own.deactivate();
    }

    @Test
    void theFileIsInKarafsLogDirectoryUnlessSaidOtherwise() {
        assertThat(ProxyLoggingStage.file("", "/opt/berth/data/log")).isEqualTo(Paths.get("/opt/berth/data/log/berth-access.log"));
        assertThat(ProxyLoggingStage.file("api/access.log", "/opt/berth/data/log"))
                .isEqualTo(Paths.get("/opt/berth/data/log/api/access.log"));
        assertThat(ProxyLoggingStage.file("/var/log/berth/../berth/access.log", "/opt/berth/data/log"))
                .isEqualTo(Paths.get("/var/log/berth/access.log"));
        assertThat(ProxyLoggingStage.file("", null)).as("outside Karaf: the logger").isNull();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(jetty.base() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String awaitLine(Path log, String text) {
        return Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> !Files.exists(log) ? null
                        : Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> l.contains(text))
                                .findFirst().orElse(null), line -> line != null);
    }
}
