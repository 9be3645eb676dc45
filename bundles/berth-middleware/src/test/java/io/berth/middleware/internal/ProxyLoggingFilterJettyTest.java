package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.awaitility.Awaitility;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.berth.api.Berth;
import io.berth.api.StageSettings;
import io.berth.testing.StderrCapture;

/**
 * proxy_logging behind catch_errors, in front of real servlets in embedded Jetty: the line each
 * kind of request leaves in {@code berth.access}. Fields are read by their place in Swift's
 * default line.
 */
@Timeout(20)
class ProxyLoggingFilterJettyTest {

    private static final int CLIENT_IP = 0;
    private static final int REMOTE_ADDR = 1;
    private static final int DATETIME = 2;
    private static final int METHOD = 3;
    private static final int PATH = 4;
    private static final int PROTOCOL = 5;
    private static final int STATUS = 6;
    private static final int REFERER = 7;
    private static final int USER_AGENT = 8;
    private static final int AUTH_TOKEN = 9;
    private static final int BYTES_RECVD = 10;
    private static final int BYTES_SENT = 11;
    private static final int CLIENT_ETAG = 12;
    private static final int TRANSACTION_ID = 13;
    private static final int HEADERS = 14;
    private static final int REQUEST_TIME = 15;
    private static final int SOURCE = 16;
    private static final int LOG_INFO = 17;
    private static final int START_TIME = 18;
    private static final int END_TIME = 19;

    private static final List<String> lines = new CopyOnWriteArrayList<>();
    private static final ExecutorService async = Executors.newCachedThreadPool();

    private static Server server;
    private static HttpClient client;
    private static String base;
    private static int port;
    private static StderrCapture stderr;

    private static volatile CountDownLatch uploadStarted;
    private static volatile CountDownLatch asyncDispatchReturned;
    private static volatile CountDownLatch asyncRelease;

    @BeforeAll
    static void start() throws Exception {
        stderr = new StderrCapture();
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);

        ServletContextHandler main = context("/", Map.of());
        ServletContextHandler trusting = context("/trusting", Map.of("log_x_forwarded_for", "true",
                "access_log_headers", "true", "access_log_headers_only", "X-Forwarded-For, x-auth-token",
                "reveal_sensitive_prefix", "4"));
        ServletContextHandler custom = context("/custom", Map.of("log_msg_template",
                "{method} {status_int} {{{bytes_sent}}} {end_time.iso8601} took {request_time}"));
        server.setHandler(new ContextHandlerCollection(main, trusting, custom));
        server.start();

        port = connector.getLocalPort();
        base = "http://127.0.0.1:" + port;
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        async.shutdownNow();
        stderr.close();
    }

    /** catch_errors, then proxy_logging as the stage makes it, then the test's servlets. */
    private static ServletContextHandler context(String path, Map<String, String> settings) {
        ServletContextHandler context = new ServletContextHandler(path);
        Filter proxyLogging = new ProxyLoggingFilter(
                StageSettings.of(ProxyLoggingStage.Config.class, "proxy_logging", settings), lines::add);
        FilterHolder asyncWatch = new FilterHolder((request, response, chain) -> {
            chain.doFilter(request, response);
            if (request.isAsyncStarted() && asyncDispatchReturned != null) {
                asyncDispatchReturned.countDown();
            }
        });
        asyncWatch.setAsyncSupported(true);
        context.addFilter(asyncWatch, "/*", EnumSet.of(DispatcherType.REQUEST));
        FilterHolder catchErrors = new FilterHolder(new CatchErrorsFilter(CatchErrorsFilterJettyTest.config("")));
        catchErrors.setAsyncSupported(true);
        context.addFilter(catchErrors, "/*", EnumSet.of(DispatcherType.REQUEST));
        FilterHolder logging = new FilterHolder(proxyLogging);
        logging.setAsyncSupported(true);
        context.addFilter(logging, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));

        servlet(context, "/ok", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain");
                resp.getWriter().print("fine");
            }
        });
        servlet(context, "/missing", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setStatus(404);
                resp.setContentType("text/plain");
                resp.getOutputStream().write("no such thing".getBytes(StandardCharsets.US_ASCII));
            }
        });
        servlet(context, "/boom", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().print("partial");
                throw new IllegalStateException("bug");
            }
        });
        servlet(context, "/utf8", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain;charset=utf-8");
                resp.getWriter().println("h\u00e9llo \u20ac");
            }
        });
        servlet(context, "/upload", new HttpServlet() {
            @Override
            protected void doPut(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setStatus(201);
                resp.getWriter().print("got " + readAll(req.getInputStream()));
            }
        });
        servlet(context, "/upload-swallowing", new HttpServlet() {
            @Override
            protected void doPut(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                try {
                    readAll(req.getInputStream());
                } catch (IOException e) {
                    resp.setStatus(400);
                    return;
                }
                resp.setStatus(204);
            }
        });
        servlet(context, "/download", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("application/octet-stream");
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 16 * 1024; i++) {
                    // Ends with Jetty's EofException once the client has gone: 1 GiB is never reached.
                    resp.getOutputStream().write(chunk);
                }
            }
        });
        servlet(context, "/async", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                AsyncContext context = req.startAsync();
                CountDownLatch release = asyncRelease;
                async.execute(() -> {
                    try {
                        release.await(10, TimeUnit.SECONDS);
                        HttpServletResponse response = (HttpServletResponse) context.getResponse();
                        response.setStatus(202);
                        response.getOutputStream().write("later".getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    } finally {
                        context.complete();
                    }
                });
            }
        });
        servlet(context, "/async-timeout", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                req.startAsync().setTimeout(50);
            }
        });
        servlet(context, "/async-throw", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                req.startAsync();
                throw new IllegalStateException("bug after startAsync");
            }
        });
        servlet(context, "/async-dispatch", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                AsyncContext context = req.startAsync();
                async.execute(() -> context.dispatch("/ok"));
            }
        });
        return context;
    }

    private static void servlet(ServletContextHandler context, String path, HttpServlet servlet) {
        ServletHolder holder = new ServletHolder(servlet);
        holder.setAsyncSupported(true);
        context.addServlet(holder, path);
    }

    private static long readAll(InputStream in) throws IOException {
        byte[] buffer = new byte[4096];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0;) {
            total += n;
            if (total >= 10 && uploadStarted != null) {
                uploadStarted.countDown();
            }
        }
        return total;
    }

    @Test
    void a200() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + "/ok?t=a200"))
                .header("User-Agent", "curl/8.5.0 (test)").header("Referer", "http://example.com/")
                .header("X-Auth-Token", "AUTH_tk0123456789abcdefghij").header("Etag", "\"abc\"").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);

        String[] f = fields("/ok%3Ft%3Da200");

        assertThat(f).hasSize(20);
        assertThat(f[CLIENT_IP]).isEqualTo("127.0.0.1");
        assertThat(f[REMOTE_ADDR]).isEqualTo("127.0.0.1");
        assertThat(f[DATETIME]).matches("\\d\\d/[A-Z][a-z]{2}/20\\d\\d/\\d\\d/\\d\\d/\\d\\d");
        assertThat(f[METHOD]).isEqualTo("GET");
        assertThat(f[PROTOCOL]).isEqualTo("HTTP/1.1");
        assertThat(f[STATUS]).isEqualTo("200");
        assertThat(f[REFERER]).isEqualTo("http://example.com/");
        assertThat(f[USER_AGENT]).isEqualTo("curl/8.5.0%20%28test%29");
        assertThat(f[AUTH_TOKEN]).isEqualTo("AUTH_tk012345678...");
        assertThat(f[BYTES_RECVD]).isEqualTo("-");
        assertThat(f[BYTES_SENT]).isEqualTo("4");
        assertThat(f[CLIENT_ETAG]).isEqualTo("%22abc%22");
        assertThat(f[TRANSACTION_ID]).isEqualTo(response.headers().firstValue(Berth.X_TRANS_ID).orElseThrow());
        assertThat(f[HEADERS]).isEqualTo("-");
        assertThat(f[REQUEST_TIME]).matches("\\d+\\.\\d{4}");
        assertThat(f[SOURCE]).isEqualTo("-");
        assertThat(f[LOG_INFO]).isEqualTo("-");
        assertThat(f[START_TIME]).matches("\\d{10}\\.\\d{9}");
        assertThat(f[END_TIME]).matches("\\d{10}\\.\\d{9}");
        double start = Double.parseDouble(f[START_TIME]);
        double end = Double.parseDouble(f[END_TIME]);
        assertThat(end).isGreaterThanOrEqualTo(start);
        assertThat(start).isCloseTo(System.currentTimeMillis() / 1000.0, org.assertj.core.data.Offset.offset(60.0));
        assertThat(end - start).isCloseTo(Double.parseDouble(f[REQUEST_TIME]), org.assertj.core.data.Offset.offset(0.0002));
    }

    @Test
    void a404FromTheApp() throws Exception {
        assertThat(get("/missing?t=404").statusCode()).isEqualTo(404);

        String[] f = fields("/missing%3Ft%3D404");

        assertThat(f[STATUS]).isEqualTo("404");
        assertThat(f[BYTES_SENT]).isEqualTo("13");
    }

    @Test
    void anExceptionIs500() throws Exception {
        HttpResponse<String> response = get("/boom?t=boom");
        assertThat(response.statusCode()).isEqualTo(500);

        String[] f = fields("/boom%3Ft%3Dboom");

        assertThat(f[STATUS]).isEqualTo("500");
        assertThat(f[BYTES_SENT]).as("the partial output was discarded").isEqualTo("-");
        assertThat(f[TRANSACTION_ID]).isEqualTo(response.headers().firstValue(Berth.X_TRANS_ID).orElseThrow());
    }

    @Test
    void countsTheBytesCharactersTake() throws Exception {
        assertThat(get("/utf8?t=utf8").body()).isEqualTo("h\u00e9llo \u20ac" + System.lineSeparator());

        assertThat(fields("/utf8%3Ft%3Dutf8")[BYTES_SENT])
                .isEqualTo(String.valueOf(10 + System.lineSeparator().length()));
    }

    @Test
    void countsTheBytesReceived() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + "/upload?t=put"))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[12345])).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.body()).isEqualTo("got 12345");

        String[] f = fields("/upload%3Ft%3Dput");

        assertThat(f[METHOD]).isEqualTo("PUT");
        assertThat(f[STATUS]).isEqualTo("201");
        assertThat(f[BYTES_RECVD]).isEqualTo("12345");
        assertThat(f[BYTES_SENT]).isEqualTo("9");
    }

    @Test
    void anAsyncRequestIsLoggedWhenItCompletes() throws Exception {
        asyncDispatchReturned = new CountDownLatch(1);
        asyncRelease = new CountDownLatch(1);
        var pending = client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/async?t=async")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(asyncDispatchReturned.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(lines).noneMatch(line -> line.contains("/async%3Ft%3Dasync"));

        asyncRelease.countDown();
        assertThat(pending.get(10, TimeUnit.SECONDS).body()).isEqualTo("later");
        String[] f = fields("/async%3Ft%3Dasync");

        assertThat(f[STATUS]).isEqualTo("202");
        assertThat(f[BYTES_SENT]).isEqualTo("5");
        assertThat(lines.stream().filter(line -> line.contains("/async%3Ft%3Dasync"))).hasSize(1);
    }

    @Test
    void anAsyncRequestThatTimesOutIs500() throws Exception {
        assertThat(get("/async-timeout?t=timeout").statusCode()).isEqualTo(500);

        assertThat(fields("/async-timeout%3Ft%3Dtimeout")[STATUS]).isEqualTo("500");
    }

    @Test
    void anExceptionAfterStartAsyncIs500() throws Exception {
        assertThat(get("/async-throw?t=athrow").statusCode()).isEqualTo(500);

        assertThat(fields("/async-throw%3Ft%3Dathrow")[STATUS]).isEqualTo("500");
        assertThat(lines.stream().filter(line -> line.contains("%3Ft%3Dathrow"))).hasSize(1);
    }

    @Test
    void anAsyncDispatchIsCountedAndLoggedOnce() throws Exception {
        assertThat(get("/async-dispatch?t=dispatch").body()).isEqualTo("fine");

        String[] f = fields("/async-dispatch%3Ft%3Ddispatch");
        assertThat(f[STATUS]).isEqualTo("200");
        assertThat(f[BYTES_SENT]).isEqualTo("4");
        assertThat(lines.stream().filter(line -> line.contains("%3Ft%3Ddispatch"))).hasSize(1);
    }

    @Test
    void aClientGoneMidUploadIs499HereAndInCatchErrorsLog() throws Exception {
        uploadStarted = new CountDownLatch(1);
        abandonUpload("/upload?t=gone");

        String[] f = fields("/upload%3Ft%3Dgone");

        assertThat(f[STATUS]).isEqualTo("499");
        assertThat(f[BYTES_RECVD]).isEqualTo("10");
        assertThat(f[BYTES_SENT]).isEqualTo("-");
        String transId = f[TRANSACTION_ID];
        assertThat(transId).startsWith("tx");
        Awaitility.await("catch_errors' line").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> !stderr.lines(transId).isEmpty());
        assertThat(stderr.lines(transId)).singleElement().satisfies(line -> assertThat(line)
                .contains(" INFO io.berth.middleware.internal.CatchErrorsFilter - Client disconnected: 499 (transaction "
                        + transId + ", PUT /upload, client 127.0.0.1)"));
    }

    @Test
    void aClientGoneMidDownloadIs499() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write("GET /download?t=download HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(socket.getInputStream().readNBytes(100_000)).hasSize(100_000);
        }

        String[] f = fields("/download%3Ft%3Ddownload");

        assertThat(f[STATUS]).isEqualTo("499");
        assertThat(Long.parseLong(f[BYTES_SENT])).isGreaterThanOrEqualTo(100_000L).isLessThan(1L << 30);
        String transId = f[TRANSACTION_ID];
        Awaitility.await("catch_errors' line").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> !stderr.lines(transId).isEmpty());
        assertThat(stderr.lines(transId)).singleElement().satisfies(line -> assertThat(line)
                .contains(" INFO io.berth.middleware.internal.CatchErrorsFilter - Client disconnected: 499"));
    }

    @Test
    void aClientGoneIs499EvenWhenTheAppCaughtTheFailure() throws Exception {
        uploadStarted = new CountDownLatch(1);
        abandonUpload("/upload-swallowing?t=swallowed");

        String[] f = fields("/upload-swallowing%3Ft%3Dswallowed");

        assertThat(f[STATUS]).isEqualTo("499");
        assertThat(f[BYTES_RECVD]).isEqualTo("10");
    }

    @Test
    void trustsForwardedForAndLogsHeadersWhenSetTo() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + "/trusting/ok?t=xff"))
                .header("X-Forwarded-For", "203.0.113.9, 10.0.0.1").header("X-Auth-Token", "secret-token")
                .header("Accept", "text/plain").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);

        String[] f = fields("/trusting/ok%3Ft%3Dxff");

        assertThat(f[CLIENT_IP]).isEqualTo("203.0.113.9");
        assertThat(f[REMOTE_ADDR]).isEqualTo("127.0.0.1");
        assertThat(f[AUTH_TOKEN]).isEqualTo("secr...");
        assertThat(f[HEADERS]).isIn("X-Forwarded-For:%20203.0.113.9%2C%2010.0.0.1%0AX-Auth-Token:%20secr...",
                "X-Auth-Token:%20secr...%0AX-Forwarded-For:%20203.0.113.9%2C%2010.0.0.1");
    }

    @Test
    void forwardedForIsNotBelievedByDefault() throws Exception {
        client.send(HttpRequest.newBuilder(URI.create(base + "/ok?t=noxff"))
                .header("X-Forwarded-For", "203.0.113.9").build(), HttpResponse.BodyHandlers.ofString());

        assertThat(fields("/ok%3Ft%3Dnoxff")[CLIENT_IP]).isEqualTo("127.0.0.1");
    }

    @Test
    void writesTheConfiguredTemplate() throws Exception {
        get("/custom/missing?t=custom");

        String line = awaitLine(l -> l.startsWith("GET 404 {13} "));
        assertThat(line).matches("GET 404 \\{13\\} 20\\d\\d-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d took \\d+\\.\\d{4}");
    }

    @Test
    void rejectsInvalidSettingsNamingTheKey() {
        ProxyLoggingStage stage = new ProxyLoggingStage();

        assertThatThrownBy(() -> stage.create(Map.of("log_msg_template", "{client_ip} {foo}")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("log_msg_template: unknown field {foo}; known: client_ip, remote_addr, ");
        assertThatThrownBy(() -> stage.create(Map.of("reveal_sensitive_prefix", "-1")))
                .hasMessage("reveal_sensitive_prefix: -1 is negative; 0 hides sensitive values entirely");
        assertThatThrownBy(() -> stage.create(Map.of("reveal_sensitive_prefix", "many")))
                .hasMessage("reveal_sensitive_prefix: 'many' is not a whole number");
        assertThatThrownBy(() -> stage.create(Map.of("log_x_forwarded_for", "maybe")))
                .hasMessage("log_x_forwarded_for: 'maybe' is not true or false");
        assertThatThrownBy(() -> stage.create(Map.of("log_headers", "true")))
                .hasMessage("log_headers: unknown setting; proxy_logging takes access_log_file, access_log_headers, "
                        + "access_log_headers_only, access_log_queue_size, access_log_route, log_msg_template, "
                        + "log_statsd_default_sample_rate, log_statsd_host, log_statsd_metric_prefix, log_statsd_port, "
                        + "log_statsd_sample_rate_factor, log_statsd_valid_http_methods, log_x_forwarded_for, "
                        + "reveal_sensitive_prefix");
        assertThatThrownBy(() -> stage.create(Map.of("access_log_route", "syslog")))
                .hasMessage("access_log_route: 'syslog' is not file or logger");
        assertThatThrownBy(() -> stage.create(Map.of("access_log_queue_size", "0")))
                .hasMessage("access_log_queue_size: 0 is not between 1 and 16777216");
    }

    @Test
    void theStageMakesAWorkingFilterFromNoSettings() {
        assertThat(new ProxyLoggingStage().create(Map.of())).isInstanceOf(ProxyLoggingFilter.class);
    }

    /** Sends a PUT that announces more than it sends, waits for the app to read, and hangs up. */
    private static void abandonUpload(String path) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("PUT " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[10]);
            out.flush();
            assertThat(uploadStarted.await(10, TimeUnit.SECONDS)).as("the app read the first bytes").isTrue();
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The fields of the one line whose path field is {@code path}. */
    private static String[] fields(String path) {
        return awaitLine(line -> {
            String[] f = line.split(" ");
            return f.length > PATH && f[PATH].equals(path);
        }).split(" ");
    }

    private static String awaitLine(java.util.function.Predicate<String> wanted) {
        return Awaitility.await("an access line").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                .until(() -> lines.stream().filter(wanted).findFirst().orElse(null), line -> line != null);
    }
}
