package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.berth.api.StageMeasures;
import io.berth.api.StageSettings;

/**
 * ratelimit in embedded Jetty against a clock the test moves. Each test has its own context (its
 * own buckets); every request comes from 127.0.0.1, so distinct clients are told by header.
 */
class RateLimitFilterJettyTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private static final AtomicLong clock = new AtomicLong();
    private static final AtomicInteger appCalls = new AtomicInteger();
    private static final List<ServletContextHandler> contexts = new ArrayList<>();
    private static Server server;
    private static HttpClient client;
    private static String base;
    private static RateLimitFilter measured;

    @BeforeAll
    static void start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        context("/ip", Map.of("max_rate", "1", "burst", "2"));
        context("/swift", Map.of("max_rate", "0.25", "burst", "1", "status", "498"));
        context("/header", Map.of("key", "X-Api-Key", "max_rate", "1", "burst", "1"));
        context("/full", Map.of("key", "X-Api-Key", "max_rate", "1", "burst", "1", "max_keys", "2"));
        context("/defaults", Map.of());
        context("/async", Map.of("burst", "1"));
        measured = context("/measured", Map.of("key", "X-Api-Key", "max_rate", "1", "burst", "1"));
        server.setHandler(new ContextHandlerCollection(contexts.toArray(new ServletContextHandler[0])));
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
        client = HttpClient.newHttpClient();
    }

    private static RateLimitFilter context(String path, Map<String, String> settings) {
        ServletContextHandler context = new ServletContextHandler(path);
        RateLimitFilter filter = new RateLimitFilter(
                StageSettings.of(RateLimitStage.Config.class, "ratelimit", settings), clock::get);
        FilterHolder ratelimit = new FilterHolder(filter);
        ratelimit.setAsyncSupported(true);
        context.addFilter(ratelimit, "/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder app = new ServletHolder(new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                appCalls.incrementAndGet();
                if (req.getContextPath().equals("/async")) {
                    AsyncContext async = req.startAsync();
                    CompletableFuture.runAsync(() -> {
                        try {
                            resp.getWriter().print("later");
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        } finally {
                            async.complete();
                        }
                    });
                    return;
                }
                resp.setContentType("text/plain");
                resp.getWriter().print("app");
            }
        });
        app.setAsyncSupported(true);
        context.addServlet(app, "/*");
        contexts.add(context);
        return filter;
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
    }

    @Test
    void pastTheBurst429WithRetryAfterAndTheAppIsNotReached() throws Exception {
        assertThat(send("GET", "/ip/x").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/ip/x").statusCode()).isEqualTo(200);
        int before = appCalls.get();

        HttpResponse<String> refused = send("GET", "/ip/x");

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(refused.body()).isEqualTo("Slow down");
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        assertThat(appCalls).hasValue(before);

        clock.addAndGet(SECOND);
        assertThat(send("GET", "/ip/x").statusCode()).isEqualTo(200);
        assertThat(send("POST", "/ip/y").statusCode()).as("per client, not per path or method").isEqualTo(429);
    }

    @Test
    void itsMeasuresAreTheClientsTrackedAndTheRequestsRefused() throws Exception {
        assertThat(measured.measures()).extracting(StageMeasures.Measure::name, StageMeasures.Measure::value)
                .containsExactly(tuple("buckets", 0.0), tuple("refusals", 0.0));
        for (String client : new String[] {"a", "b"}) {
            assertThat(send("GET", "/measured/x", "X-Api-Key", client).statusCode()).isEqualTo(200);
            assertThat(send("GET", "/measured/x", "X-Api-Key", client).statusCode()).isEqualTo(429);
        }
        assertThat(send("GET", "/measured/x", "X-Api-Key", "a").statusCode()).isEqualTo(429);

        assertThat(measured.measures()).extracting(StageMeasures.Measure::name, StageMeasures.Measure::kind,
                StageMeasures.Measure::value).containsExactly(
                        tuple("buckets", StageMeasures.Kind.GAUGE, 2.0),
                        tuple("refusals", StageMeasures.Kind.COUNTER, 3.0));
    }

    @Test
    void headGetsTheRefusalWithoutABody() throws Exception {
        send("HEAD", "/ip/head");
        send("HEAD", "/ip/head");
        HttpResponse<String> refused = send("HEAD", "/ip/head");

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.body()).isEmpty();
    }

    @Test
    void status498AndRetryAfterInWholeSecondsRoundedUp() throws Exception {
        assertThat(send("GET", "/swift/x").statusCode()).isEqualTo(200);

        HttpResponse<String> refused = send("GET", "/swift/x");
        assertThat(refused.statusCode()).isEqualTo(498);
        assertThat(refused.body()).isEqualTo("Slow down");
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("4");

        clock.addAndGet(SECOND * 3 / 2);
        assertThat(send("GET", "/swift/x").headers().firstValue("Retry-After")).as("2.5 s").hasValue("3");

        clock.addAndGet(SECOND * 5 / 2 - 1);
        assertThat(send("GET", "/swift/x").headers().firstValue("Retry-After")).as("1 ns").hasValue("1");

        clock.addAndGet(1);
        assertThat(send("GET", "/swift/x").statusCode()).isEqualTo(200);
    }

    @Test
    void aHeaderKeysTheClient() throws Exception {
        assertThat(send("GET", "/header/x", "X-Api-Key", "alice").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/header/x", "X-Api-Key", "alice").statusCode()).isEqualTo(429);
        assertThat(send("GET", "/header/x", "X-Api-Key", "bob").statusCode()).isEqualTo(200);
    }

    @Test
    void withoutTheHeaderTheClientIpIsTheKeyAndCannotBeNamedByTheHeader() throws Exception {
        assertThat(send("GET", "/header/x").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/header/x").statusCode()).isEqualTo(429);
        assertThat(send("GET", "/header/x", "X-Api-Key", "").statusCode()).as("empty is absent").isEqualTo(429);
        assertThat(send("GET", "/header/x", "X-Api-Key", "127.0.0.1").statusCode()).isEqualTo(200);
    }

    @Test
    void longHeaderValuesAreKeptApart() throws Exception {
        String prefix = "k".repeat(RateLimitFilter.MAX_KEY_CHARS);

        assertThat(send("GET", "/header/x", "X-Api-Key", prefix + "-one").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/header/x", "X-Api-Key", prefix + "-two").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/header/x", "X-Api-Key", prefix + "-one").statusCode()).isEqualTo(429);
    }

    @Test
    void pastMaxKeysNewClientsShareOneBucket() throws Exception {
        assertThat(send("GET", "/full/x", "X-Api-Key", "a").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/full/x", "X-Api-Key", "b").statusCode()).isEqualTo(200);

        assertThat(send("GET", "/full/x", "X-Api-Key", "c").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/full/x", "X-Api-Key", "d").statusCode()).as("shares c's bucket").isEqualTo(429);
        assertThat(send("GET", "/full/x").statusCode()).as("and so does the client IP").isEqualTo(429);
    }

    @Test
    void defaultsAreTenPerSecondWithBurstsOfTwenty() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(send("GET", "/defaults/x").statusCode()).as("request " + i).isEqualTo(200);
        }
        HttpResponse<String> refused = send("GET", "/defaults/x");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");

        clock.addAndGet(SECOND / 10);
        assertThat(send("GET", "/defaults/x").statusCode()).isEqualTo(200);
        assertThat(send("GET", "/defaults/x").statusCode()).isEqualTo(429);
    }

    @Test
    void anAdmittedRequestMayGoAsynchronous() throws Exception {
        HttpResponse<String> response = send("GET", "/async/x");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("later");
        assertThat(send("GET", "/async/x").statusCode()).isEqualTo(429);
    }

    @Test
    void rejectsBadRates() {
        assertInvalid(Map.of("max_rate", "0"), "max_rate: 0 is not a positive number");
        assertInvalid(Map.of("max_rate", "-1.5"), "max_rate: -1.5 is not a positive number");
        assertInvalid(Map.of("max_rate", "fast"), "max_rate: 'fast' is not a number");
        assertInvalid(Map.of("max_rate", "0.00001"),
                "max_rate: 0.00001 per second takes more than a week to refill a burst of 20");
    }

    @Test
    void rejectsBadBursts() {
        assertInvalid(Map.of("burst", "0"), "burst: 0 is less than 1");
        assertInvalid(Map.of("burst", "1.5"), "burst: '1.5' is not a whole number");
    }

    @Test
    void rejectsBadKeysStatusesAndLimits() {
        assertInvalid(Map.of("key", "X Api Key"), "key: 'X Api Key' is neither client_ip nor a header name");
        assertInvalid(Map.of("status", "503"), "status: 503 is not 429 or 498");
        assertInvalid(Map.of("max_keys", "0"), "max_keys: 0 is not a positive number");
        assertInvalid(Map.of("rate", "1"), "rate: unknown setting; ratelimit takes backend, burst, cache_prefix, key, max_keys, max_rate, status");
    }

    private static void assertInvalid(Map<String, String> settings, String message) {
        assertThatThrownBy(() -> new RateLimitStage().create(settings))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    private static HttpResponse<String> send(String method, String path, String... header) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (header.length == 2) {
            request.header(header[0], header[1]);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
