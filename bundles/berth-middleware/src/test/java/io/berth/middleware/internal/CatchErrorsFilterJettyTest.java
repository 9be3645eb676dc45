package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.Map;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.berth.api.Berth;

/** catch_errors in front of real servlets in embedded Jetty, no OSGi framework. */
class CatchErrorsFilterJettyTest {

    private static final String SECRET = "db password is hunter2";

    private static Server server;
    private static HttpClient client;
    private static String base;

    /** The transaction id the app saw, to compare with the one the client got. */
    private static volatile String seenByApp;

    @BeforeAll
    static void start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler();
        context.addFilter(new FilterHolder(new CatchErrorsFilter(config("-west"))), "/*",
                EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                seenByApp = Berth.transactionId(req);
                resp.setContentType("text/plain");
                resp.getWriter().print("fine");
            }
        }), "/ok");
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setHeader("X-Half-Done", "yes");
                resp.getWriter().print("partial output that must not reach the client");
                throw new IllegalStateException(SECRET);
            }
        }), "/boom");
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                throw new IOException(SECRET);
            }
        }), "/io");
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                throw new NoClassDefFoundError(SECRET);
            }
        }), "/linkage");
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.setContentType("text/plain");
                resp.getOutputStream().write(new byte[64 * 1024]);
                resp.flushBuffer();
                throw new IllegalStateException(SECRET);
            }
        }), "/committed");
        server.setHandler(context);
        server.start();

        base = "http://127.0.0.1:" + connector.getLocalPort();
        client = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
    }

    @Test
    void everyResponseCarriesATransactionIdTheAppCanRead() throws Exception {
        HttpResponse<String> response = get("/ok", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("fine");
        String transId = response.headers().firstValue("X-Trans-Id").orElseThrow();
        assertThat(transId).matches("tx[0-9a-f]{21}-[0-9a-f]{10}-west");
        assertThat(response.headers().firstValue("X-Openstack-Request-Id")).hasValue(transId);
        assertThat(seenByApp).isEqualTo(transId);
    }

    @Test
    void theTransactionIdIsNearNow() throws Exception {
        String transId = get("/ok", null).headers().firstValue("X-Trans-Id").orElseThrow();

        long stamped = Long.parseLong(transId.substring(24, 34), 16);
        assertThat(stamped).isBetween(System.currentTimeMillis() / 1000 - 60, System.currentTimeMillis() / 1000 + 60);
    }

    @Test
    void appendsTheClientsExtraQuoted() throws Exception {
        HttpResponse<String> response = get("/ok", "job 7/" + "x".repeat(40));

        assertThat(response.headers().firstValue("X-Trans-Id").orElseThrow())
                .endsWith("-west-job%207/" + "x".repeat(26));
    }

    @Test
    void anExceptionBecomes500WithoutItsDetails() throws Exception {
        HttpResponse<String> response = get("/boom", null);

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).isEqualTo("An error occurred");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        assertThat(response.headers().firstValue("X-Trans-Id")).isPresent();
        assertThat(response.headers().firstValue("X-Half-Done")).isEmpty();
        assertThat(response.body()).doesNotContain("hunter2").doesNotContain("Exception");
    }

    @Test
    void checkedExceptionsAndLinkageErrorsToo() throws Exception {
        for (String path : new String[] {"/io", "/linkage"}) {
            HttpResponse<String> response = get(path, null);

            assertThat(response.statusCode()).as(path).isEqualTo(500);
            assertThat(response.body()).as(path).isEqualTo("An error occurred");
        }
    }

    @Test
    void anErrorAfterTheResponseWasCommittedCutsItShort() {
        // The 200 is on the wire; the only honest signal left is an incomplete body.
        assertThatThrownBy(() -> {
            HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(URI.create(base + "/committed")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.body().length == 64 * 1024) {
                throw new AssertionError("got the whole body");
            }
            throw new IOException("short body: " + response.body().length);
        }).isInstanceOf(IOException.class);
    }

    @Test
    void settingsAreCheckedWithTheKeyFirst() {
        CatchErrorsStage stage = new CatchErrorsStage();
        assertThat(stage.create(Map.of("trans_id_suffix", "x".repeat(64)))).isInstanceOf(CatchErrorsFilter.class);
        assertThatThrownBy(() -> stage.create(Map.of("trans_id_suffix", "x".repeat(65))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("trans_id_suffix: 65 characters; at most 64 are allowed");
        assertThatThrownBy(() -> stage.create(Map.of("trans_id_sufix", "-x")))
                .hasMessage("trans_id_sufix: unknown setting; catch_errors takes trans_id_suffix");
    }

    private static HttpResponse<String> get(String path, String extra) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        if (extra != null) {
            request.header("X-Trans-Id-Extra", extra);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static CatchErrorsFilter.Config config(String suffix) {
        return new CatchErrorsFilter.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return CatchErrorsFilter.Config.class;
            }

            @Override
            public String trans__id__suffix() {
                return suffix;
            }
        };
    }
}
