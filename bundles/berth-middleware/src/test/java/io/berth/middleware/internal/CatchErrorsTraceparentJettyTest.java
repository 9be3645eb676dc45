package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

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
 * catch_errors and W3C traceparent, in embedded Jetty: catch_errors, proxy_logging with
 * {@code {trace_id}} in its line, then an app that answers with the trace headers and the
 * attribute it saw.
 */
@Timeout(20)
class CatchErrorsTraceparentJettyTest {

    private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private static final List<String> lines = new CopyOnWriteArrayList<>();

    private static Jetty jetty;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        ServletContextHandler context = Jetty.context("/",
                new CatchErrorsFilter(CatchErrorsFilterJettyTest.config("")),
                new ProxyLoggingFilter(StageSettings.of(ProxyLoggingStage.Config.class, "proxy_logging",
                        Map.of("log_msg_template", "{transaction_id} {trace_id} {status_int}")), lines::add));
        Jetty.serve(context, "/*", new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain");
                resp.getWriter().print("traceparent=" + req.getHeader("traceparent")
                        + "\ntraceparents=" + Collections.list(req.getHeaders("Traceparent"))
                        + "\ntracestate=" + req.getHeader("tracestate")
                        + "\nattribute=" + req.getAttribute("io.berth.traceparent")
                        + "\nnames=" + Collections.list(req.getHeaderNames()).stream()
                                .filter(name -> name.toLowerCase().startsWith("trace")).toList());
            }
        });
        jetty = Jetty.start(context);
        client = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() throws Exception {
        jetty.close();
    }

    @Test
    void aValidTraceparentIsPassedOnUnchangedWithItsTracestate() throws Exception {
        HttpResponse<String> response = get("traceparent", VALID, "tracestate", "congo=t61rcWkgMzE");

        assertThat(response.body()).isEqualTo("traceparent=" + VALID + "\ntraceparents=[" + VALID + "]"
                + "\ntracestate=congo=t61rcWkgMzE\nattribute=" + VALID + "\nnames=[traceparent, tracestate]");
        assertThat(response.headers().firstValue("traceparent")).as("level 1 defines no response header").isEmpty();
        assertThat(lineOf(response)).isEqualTo(transId(response) + " 4bf92f3577b34da6a3ce929d0e0e4736 200");
    }

    @Test
    void anAbsentOneIsMadeAsTheTransactionIdIs() throws Exception {
        HttpResponse<String> first = get();
        HttpResponse<String> second = get();

        String made = seen(first, "traceparent");
        assertThat(made).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        assertThat(seen(first, "attribute")).isEqualTo(made);
        assertThat(seen(first, "traceparents")).isEqualTo("[" + made + "]");
        assertThat(seen(first, "names")).isEqualTo("[traceparent]");
        assertThat(seen(second, "traceparent")).isNotEqualTo(made);
        assertThat(lineOf(first)).isEqualTo(transId(first) + " " + made.substring(3, 35) + " 200");
    }

    @Test
    void invalidOnesAreReplacedAndTheirTracestateDropped() throws Exception {
        for (String invalid : List.of(VALID.toUpperCase(), "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", "ff" + VALID.substring(2),
                VALID + "-01", VALID.substring(0, 54), "hello")) {
            HttpResponse<String> response = get("traceparent", invalid, "tracestate", "congo=t61rcWkgMzE");

            String made = seen(response, "traceparent");
            assertThat(made).as(invalid).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
            assertThat(seen(response, "tracestate")).as(invalid).isEqualTo("null");
            assertThat(seen(response, "names")).as(invalid).isEqualTo("[traceparent]");
            assertThat(lineOf(response)).as(invalid).isEqualTo(transId(response) + " " + made.substring(3, 35) + " 200");
        }
    }

    @Test
    void twoTraceparentsAreOneTooManyAndReplaced() throws Exception {
        String other = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        HttpResponse<String> response = get("traceparent", VALID, "traceparent", other);

        String made = seen(response, "traceparent");
        assertThat(made).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01").isNotIn(VALID, other);
        assertThat(seen(response, "traceparents")).isEqualTo("[" + made + "]");
    }

    @Test
    void aNotSampledCallerStaysNotSampledAndAHigherVersionIsKept() throws Exception {
        String notSampled = VALID.substring(0, 53) + "00";
        String future = "01" + VALID.substring(2) + "-later";

        assertThat(seen(get("traceparent", notSampled), "traceparent")).isEqualTo(notSampled);
        assertThat(seen(get("traceparent", future), "traceparent")).isEqualTo(future);
    }

    private static HttpResponse<String> get(String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(jetty.base() + "/app"))
                .timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response;
    }

    private static String seen(HttpResponse<String> response, String what) {
        return response.body().lines().filter(line -> line.startsWith(what + "=")).findFirst().orElseThrow()
                .substring(what.length() + 1);
    }

    private static String transId(HttpResponse<String> response) {
        return response.headers().firstValue(Berth.X_TRANS_ID).orElseThrow();
    }

    /** The access line of this response's request, found by its transaction id. */
    private static String lineOf(HttpResponse<String> response) {
        Predicate<String> ours = line -> line.startsWith(transId(response) + " ");
        return Awaitility.await().atMost(Duration.ofSeconds(5)).until(
                () -> lines.stream().filter(ours).findFirst().orElse(null), line -> line != null);
    }
}
