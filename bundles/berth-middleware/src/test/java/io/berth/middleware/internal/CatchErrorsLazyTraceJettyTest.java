package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.awaitility.Awaitility;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.berth.api.Berth;
import io.berth.api.StageSettings;

/**
 * catch_errors makes a new trace only when something reads it, in embedded Jetty: a stage before
 * catch_errors sees the request attribute {@code io.berth.traceparent} after the request exactly
 * when the trace was made. And a proxy_logging placed before catch_errors still logs a trace id for
 * every request when its line shows {@code {trace_id}}, though nothing after it reads the trace.
 */
@Timeout(20)
class CatchErrorsLazyTraceJettyTest {

    /** What the outermost stage saw on its request once the stages after it returned. */
    private static final List<String> seenBefore = new CopyOnWriteArrayList<>();
    private static final List<String> lines = new CopyOnWriteArrayList<>();

    private static Jetty jetty;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        Filter outermost = (request, response, chain) -> {
            chain.doFilter(request, response);
            seenBefore.add(((HttpServletResponse) response).getHeader(Berth.X_TRANS_ID) + " "
                    + request.getAttribute(CatchErrorsFilter.TRACEPARENT_ATTRIBUTE));
        };
        ServletContextHandler quiet = Jetty.context("/quiet", outermost,
                new CatchErrorsFilter(CatchErrorsFilterJettyTest.config("")),
                new ProxyLoggingFilter(StageSettings.of(ProxyLoggingStage.Config.class, "proxy_logging",
                        Map.of("log_msg_template", "{transaction_id} {status_int}")), line -> { }));
        Jetty.serve(quiet, "/*", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().print(req.getParameter("read") != null ? req.getHeader("traceparent") : "not read");
            }
        });
        ServletContextHandler logFirst = Jetty.context("/logfirst",
                new ProxyLoggingFilter(StageSettings.of(ProxyLoggingStage.Config.class, "proxy_logging",
                        Map.of("log_msg_template", "{transaction_id} {trace_id}")), lines::add),
                new CatchErrorsFilter(CatchErrorsFilterJettyTest.config("")));
        Jetty.serve(logFirst, "/*", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.getWriter().print("not read");
            }
        });
        jetty = Jetty.start(quiet, logFirst);
        client = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() throws Exception {
        jetty.close();
    }

    @Test
    void aTraceNobodyReadsIsNeverMade() throws Exception {
        HttpResponse<String> response = get("/quiet/app");

        assertThat(response.body()).isEqualTo("not read");
        assertThat(seenBy(response)).isEqualTo("null");
    }

    @Test
    void aTraceTheAppReadsIsTheRequestAttributeFromThenOn() throws Exception {
        HttpResponse<String> response = get("/quiet/app?read");

        assertThat(response.body()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        assertThat(seenBy(response)).isEqualTo(response.body());
    }

    @Test
    void anAccessLogBeforeCatchErrorsLogsATraceIdForEveryRequest() throws Exception {
        HttpResponse<String> first = get("/logfirst/app");
        HttpResponse<String> second = get("/logfirst/app");

        String one = lineOf(first).substring(transId(first).length() + 1);
        String two = lineOf(second).substring(transId(second).length() + 1);
        assertThat(one).matches("[0-9a-f]{32}");
        assertThat(two).matches("[0-9a-f]{32}").isNotEqualTo(one);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(jetty.base() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response;
    }

    private static String transId(HttpResponse<String> response) {
        return response.headers().firstValue(Berth.X_TRANS_ID).orElseThrow();
    }

    /** What the stage before catch_errors saw as the attribute, for this response's request. */
    private static String seenBy(HttpResponse<String> response) {
        String prefix = transId(response) + " ";
        return Awaitility.await().atMost(Duration.ofSeconds(5)).until(
                () -> seenBefore.stream().filter(s -> s.startsWith(prefix)).findFirst().orElse(null),
                seen -> seen != null).substring(prefix.length());
    }

    private static String lineOf(HttpResponse<String> response) {
        String prefix = transId(response) + " ";
        return Awaitility.await().atMost(Duration.ofSeconds(5)).until(
                () -> lines.stream().filter(line -> line.startsWith(prefix)).findFirst().orElse(null),
                line -> line != null);
    }
}
