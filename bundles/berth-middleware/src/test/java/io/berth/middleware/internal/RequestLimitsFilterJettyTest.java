package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.berth.testing.RawHttp;

/** request_limits in embedded Jetty, behind catch_errors as in a pipeline. */
class RequestLimitsFilterJettyTest {

    private static final String TOO_LARGE = "Request body exceeds max_body_size (1024 bytes)";

    private static Jetty jetty;

    /** What the app read before its read failed or the body ended: "COUNT ok" or "COUNT MESSAGE". */
    private static volatile CompletableFuture<String> seen;

    /** What came out of request_limits to the stages before it: "returned" or the exception's message. */
    private static volatile CompletableFuture<String> escaped;

    /** Requests that reached the app. */
    private static final AtomicInteger served = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        RequestLimitsStage stage = new RequestLimitsStage();
        ServletContextHandler limited = Jetty.context("/limited", new CatchErrorsStage().create(Map.of()),
                new Witness(), stage.create(Map.of("max_body_size", "1024", "max_header_count", "20",
                        "allowed_methods", "GET HEAD POST PUT")));
        Jetty.serve(limited, "/stream", new Stream());
        Jetty.serve(limited, "/reader", new Reader());
        Jetty.serve(limited, "/async", new Async());
        Jetty.serve(limited, "/catch", new Catch());
        Jetty.serve(limited, "/committed", new Committed());
        Jetty.serve(limited, "/ignore", new Ignore());

        ServletContextHandler defaults = Jetty.context("/defaults", stage.create(Map.of()));
        Jetty.serve(defaults, "/*", new Ignore());

        ServletContextHandler unlimited = Jetty.context("/unlimited", stage.create(Map.of(
                "max_body_size", "0", "max_header_count", "0")));
        Jetty.serve(unlimited, "/*", new Stream());

        jetty = Jetty.start(limited, defaults, unlimited);
    }

    @AfterAll
    static void stop() throws Exception {
        jetty.close();
    }

    @BeforeEach
    void expectAnotherRequest() {
        seen = new CompletableFuture<>();
        escaped = new CompletableFuture<>();
    }

    @Test
    void aDeclaredBodyUpToTheLimitPasses() throws Exception {
        RawHttp.Response response = send("POST /limited/stream", "Content-Length: 1024\r\n", new byte[1024]);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("read 1024");
    }

    @Test
    void aDeclaredBodyOverTheLimitGets413AtOnceUnread() throws Exception {
        int before = served.get();
        try (RawHttp http = new RawHttp(jetty.port)) {
            // Only the head is sent, asking to go on: the answer comes without the body.
            RawHttp.Response response = http.send("PUT /limited/stream HTTP/1.1\r\nHost: t\r\n"
                    + "Content-Length: 1025\r\nExpect: 100-continue\r\n\r\n").read();

            assertThat(response.status()).isEqualTo(413);
            assertThat(response.body()).isEqualTo(TOO_LARGE);
            assertThat(response.header("Content-Type")).hasValue("text/plain;charset=utf-8");
            assertThat(response.header("Connection")).hasValue("close");
            assertThat(response.header("X-Trans-Id")).isPresent();
            assertThat(http.closedByServer()).isTrue();
        }
        assertThat(served).as("the app never ran").hasValue(before);
    }

    @Test
    void aChunkedBodyUpToTheLimitPasses() throws Exception {
        try (RawHttp http = new RawHttp(jetty.port)) {
            RawHttp.Response response = http.send("POST /limited/stream HTTP/1.1\r\nHost: t\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n")
                    .chunk(new byte[500]).chunk(new byte[524]).lastChunk().read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("read 1024");
        }
    }

    @Test
    void aChunkedBodyCrossingTheLimitGets413AndTheAppNoMoreThanTheLimit() throws Exception {
        RawHttp.Response response = sendChunked("/limited/stream", 2048);

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.body()).isEqualTo(TOO_LARGE);
        assertThat(response.header("Connection")).hasValue("close");
        assertThat(response.header("X-Trans-Id")).as("catch_errors' id survives the reset").isPresent();
        assertThat(response.header("X-App")).as("the app's headers do not").isEmpty();
        assertThat(seen.get(5, TimeUnit.SECONDS)).isEqualTo("1024 " + TOO_LARGE);
        assertThat(escaped.get(5, TimeUnit.SECONDS)).as("the app's failed read is not an error").isEqualTo("returned");
    }

    @Test
    void throughTheReaderToo() throws Exception {
        RawHttp.Response response = sendChunked("/limited/reader", 4000);

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.body()).isEqualTo(TOO_LARGE);
        String[] outcome = seen.get(5, TimeUnit.SECONDS).split(" ", 2);
        assertThat(Long.parseLong(outcome[0])).isLessThanOrEqualTo(1024);
        assertThat(outcome[1]).isEqualTo(TOO_LARGE);
    }

    @Test
    void throughAReadListenerToo() throws Exception {
        RawHttp.Response response = sendChunked("/limited/async", 3000);

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.body()).isEqualTo(TOO_LARGE);
        assertThat(seen.get(5, TimeUnit.SECONDS)).isEqualTo("1024 " + TOO_LARGE);
    }

    @Test
    void aReadListenerUnderTheLimitReadsAll() throws Exception {
        try (RawHttp http = new RawHttp(jetty.port)) {
            RawHttp.Response response = http.send("POST /limited/async HTTP/1.1\r\nHost: t\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").chunk(new byte[700]).chunk(new byte[300]).lastChunk().read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("read 1000");
        }
    }

    @Test
    void theAppCannotAnswerInstead() throws Exception {
        RawHttp.Response response = sendChunked("/limited/catch", 2048);

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.body()).isEqualTo(TOO_LARGE);
        assertThat(escaped.get(5, TimeUnit.SECONDS)).isEqualTo("returned");
    }

    @Test
    void onceTheAppCommittedItsAnswerIsCutShort() throws Exception {
        try (RawHttp http = new RawHttp(jetty.port)) {
            http.send("POST /limited/committed HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .chunk(new byte[2048]);

            assertThatThrownBy(http::read).isInstanceOf(IOException.class);
        }
        assertThat(seen.get(5, TimeUnit.SECONDS)).isEqualTo("1024 " + TOO_LARGE);
        assertThat(escaped.get(5, TimeUnit.SECONDS)).as("the failure goes on, to cut the answer short")
                .isEqualTo(TOO_LARGE);
    }

    @Test
    void moreHeaderFieldsThanTheLimitGet431() throws Exception {
        StringBuilder nineteen = new StringBuilder();
        for (int i = 0; i < 19; i++) {
            nineteen.append("X-H").append(i).append(": v\r\n");
        }
        assertThat(send("GET /limited/ignore", nineteen.toString(), null).status()).as("Host and 19").isEqualTo(200);

        RawHttp.Response response = send("GET /limited/ignore", nineteen + "X-One-More: v\r\n", null);
        assertThat(response.status()).isEqualTo(431);
        assertThat(response.body()).isEqualTo("Request has more header fields than max_header_count (20)");
        assertThat(response.header("Connection")).as("no body left unread").isEmpty();

        assertThat(send("GET /limited/ignore", "X-Same: v\r\n".repeat(20), null).status())
                .as("each line counts").isEqualTo(431);
        assertThat(send("POST /limited/ignore", nineteen + "Content-Length: 3\r\n", "abc".getBytes())
                .header("Connection")).as("a body left unread").hasValue("close");
    }

    @Test
    void aMethodNotAllowedGets405WithAllow() throws Exception {
        for (String method : new String[] {"DELETE", "PATCH", "OPTIONS", "BREW"}) {
            RawHttp.Response response = send(method + " /limited/ignore", "", null);

            assertThat(response.status()).as(method).isEqualTo(405);
            assertThat(response.body()).as(method).isEqualTo("Method not allowed by allowed_methods");
            assertThat(response.header("Allow")).as(method).hasValue("GET, HEAD, POST, PUT");
            assertThat(response.header("X-Trans-Id")).as(method).isPresent();
        }
    }

    @Test
    void byDefaultTheStandardMethodsPassAndOthersDoNot() throws Exception {
        for (String method : new String[] {"GET", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH"}) {
            assertThat(send(method + " /defaults/x", "", null).body()).as(method).isEqualTo("served " + method);
        }
        for (String method : new String[] {"COPY", "PROPFIND", "BREW"}) {
            RawHttp.Response response = send(method + " /defaults/x", "", null);

            assertThat(response.status()).as(method).isEqualTo(405);
            assertThat(response.header("Allow")).hasValue("GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH");
        }
    }

    @Test
    void byDefaultSwiftsLimits() throws Exception {
        String headers = "X-H: v\r\n".repeat(124);
        assertThat(send("GET /defaults/x", headers + "X-Last: v\r\n", null).status()).as("126").isEqualTo(200);
        assertThat(send("GET /defaults/x", headers + "X-Last: v\r\nX-Over: v\r\n", null).status()).as("127")
                .isEqualTo(431);

        RawHttp.Response response = send("PUT /defaults/x", "Content-Length: 5368709123\r\n", null);
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.body()).isEqualTo("Request body exceeds max_body_size (5368709122 bytes)");
        assertThat(send("PUT /defaults/x", "Content-Length: 5368709122\r\n", null).body()).isEqualTo("served PUT");
    }

    @Test
    void zeroMeansNoLimit() throws Exception {
        try (RawHttp http = new RawHttp(jetty.port)) {
            RawHttp.Response response = http.send("POST /unlimited/x HTTP/1.1\r\nHost: t\r\n" + "X-H: v\r\n".repeat(300)
                    + "Transfer-Encoding: chunked\r\n\r\n").chunk(new byte[40_000]).chunk(new byte[40_000])
                    .lastChunk().read();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("read 80000");
        }
    }

    @Test
    void rejectsNegativeLimitsNamingTheKey() {
        assertThatThrownBy(() -> new RequestLimitsStage().create(Map.of("max_body_size", "-1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max_body_size: -1 is negative; give a size in bytes, or 0 for no limit");
        assertThatThrownBy(() -> new RequestLimitsStage().create(Map.of("max_header_count", "-5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max_header_count: -5 is negative; give a number of header fields, or 0 for no limit");
    }

    @Test
    void rejectsWhatIsNotANumber() {
        assertThatThrownBy(() -> new RequestLimitsStage().create(Map.of("max_body_size", "5G")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max_body_size: '5G' is not a whole number");
        assertThatThrownBy(() -> new RequestLimitsStage().create(Map.of("max_header_count", "3000000000")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max_header_count: '3000000000' is not a whole number");
    }

    @Test
    void rejectsUnknownMethods() {
        String known = "known (upper case): CONNECT COPY DELETE GET HEAD LOCK MKCOL MOVE OPTIONS PATCH POST PROPFIND "
                + "PROPPATCH PUT TRACE UNLOCK";
        assertThatThrownBy(() -> new RequestLimitsStage().create(Map.of("allowed_methods", "GET, get")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("allowed_methods: 'get' is not a known method; " + known);
        assertThatThrownBy(() -> new RequestLimitsStage().create(Map.of("allowed_methods", "GET BREW")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("allowed_methods: 'BREW' is not a known method; " + known);
        assertThatThrownBy(() -> new RequestLimitsStage().create(Map.of("allowed_methods", " ")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("allowed_methods: empty; name the methods to serve");
    }

    @Test
    void rejectsAnUnknownSetting() {
        assertThatThrownBy(() -> new RequestLimitsStage().create(Map.of("max_file_size", "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max_file_size: unknown setting; request_limits takes allowed_methods, max_body_size, "
                        + "max_header_count");
    }

    private static RawHttp.Response send(String requestLine, String headers, byte[] body) throws IOException {
        try (RawHttp http = new RawHttp(jetty.port)) {
            http.send(requestLine + " HTTP/1.1\r\nHost: t\r\n" + headers + "\r\n");
            if (body != null) {
                http.send(body);
            }
            return http.read();
        }
    }

    /**
     * Sends a chunk over the limit without ending the body, less than the server reads from the
     * socket at once, so that its closing the connection cannot reset the answer away.
     */
    private static RawHttp.Response sendChunked(String path, int size) throws IOException {
        // In one write: the server may answer and close as soon as the first chunk is in.
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("POST " + path + " HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(new byte[size]);
        request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        try (RawHttp http = new RawHttp(jetty.port)) {
            return http.send(request.toByteArray()).read();
        }
    }

    private static long drain(InputStream in) throws IOException {
        long count = 0;
        byte[] buffer = new byte[256];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                count += n;
            }
        } catch (IOException e) {
            seen.complete(count + " " + e.getMessage());
            throw e;
        }
        seen.complete(count + " ok");
        return count;
    }

    /** Reads the body as a stream, 256 bytes at a time. */
    static final class Stream extends HttpServlet {

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            served.incrementAndGet();
            resp.setHeader("X-App", "was here");
            long count = drain(req.getInputStream());
            resp.getWriter().print("read " + count);
        }
    }

    static final class Reader extends HttpServlet {

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            long count = 0;
            BufferedReader reader = req.getReader();
            try {
                for (int c = reader.read(); c >= 0; c = reader.read()) {
                    count++;
                }
            } catch (IOException e) {
                seen.complete(count + " " + e.getMessage());
                throw e;
            }
            resp.getWriter().print("read " + count);
        }
    }

    /** Reads the body with a ReadListener, as the container calls it, from the AsyncContext's request. */
    static final class Async extends HttpServlet {

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            AsyncContext async = req.startAsync();
            ServletInputStream in = async.getRequest().getInputStream();
            in.setReadListener(new ReadListener() {
                private final byte[] buffer = new byte[256];
                private long count;

                @Override
                public void onDataAvailable() throws IOException {
                    while (in.isReady()) {
                        int n = in.read(buffer);
                        if (n < 0) {
                            return;
                        }
                        count += n;
                    }
                }

                @Override
                public void onAllDataRead() throws IOException {
                    seen.complete(count + " ok");
                    resp.getWriter().print("read " + count);
                    async.complete();
                }

                @Override
                public void onError(Throwable t) {
                    seen.complete(count + " " + t.getMessage());
                    async.complete();
                }
            });
        }
    }

    /** Catches its failed read and tries to answer with its own error. */
    static final class Catch extends HttpServlet {

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            try {
                drain(req.getInputStream());
            } catch (IOException e) {
                resp.sendError(400, "the app's own answer");
            }
        }
    }

    /** Commits its answer before it reads: too late for a 413. */
    static final class Committed extends HttpServlet {

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.getOutputStream().write("started".getBytes());
            resp.flushBuffer();
            drain(req.getInputStream());
        }
    }

    /** Sits just before request_limits and tells what came out of it. */
    static final class Witness implements Filter {

        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            try {
                chain.doFilter(request, response);
                escaped.complete("returned");
            } catch (IOException | ServletException | RuntimeException e) {
                escaped.complete(e.getMessage());
                throw e;
            }
        }
    }

    static final class Ignore extends HttpServlet {

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            served.incrementAndGet();
            resp.setContentType("text/plain");
            resp.getWriter().print("served " + req.getMethod());
        }
    }
}
