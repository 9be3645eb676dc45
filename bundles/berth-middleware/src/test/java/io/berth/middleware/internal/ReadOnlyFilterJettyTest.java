package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Map;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.berth.testing.RawHttp;

/** read_only in embedded Jetty, behind catch_errors as in a pipeline. */
class ReadOnlyFilterJettyTest {

    private static Jetty jetty;

    @BeforeAll
    static void start() throws Exception {
        ReadOnlyStage stage = new ReadOnlyStage();
        ServletContextHandler readOnly = Jetty.context("/ro", new CatchErrorsStage().create(Map.of()),
                stage.create(Map.of("read_only", "true")));
        ServletContextHandler deletes = Jetty.context("/ro-deletes",
                stage.create(Map.of("read_only", "yes", "allow_deletes", "true")));
        ServletContextHandler writable = Jetty.context("/rw", stage.create(Map.of("read_only", "false")));
        ServletContextHandler defaults = Jetty.context("/default", stage.create(Map.of()));
        for (ServletContextHandler context : new ServletContextHandler[] {readOnly, deletes, writable, defaults}) {
            Jetty.serve(context, "/*", new AnyMethod());
        }
        jetty = Jetty.start(readOnly, deletes, writable, defaults);
    }

    @AfterAll
    static void stop() throws Exception {
        jetty.close();
    }

    @Test
    void readsPass() throws Exception {
        for (String method : new String[] {"GET", "OPTIONS", "TRACE"}) {
            RawHttp.Response response = exchange(method, "/ro/obj", null);

            assertThat(response.status()).as(method).isEqualTo(200);
            assertThat(response.body()).as(method).isEqualTo("served " + method);
        }
        try (RawHttp http = new RawHttp(jetty.port)) {
            http.send("HEAD /ro/obj HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(http.readHead().status()).isEqualTo(200);
        }
    }

    @Test
    void writesGet405WithTheReadMethodsAllowed() throws Exception {
        for (String method : new String[] {"PUT", "POST", "DELETE", "PATCH", "COPY", "MKCOL"}) {
            RawHttp.Response response = exchange(method, "/ro/obj", null);

            assertThat(response.status()).as(method).isEqualTo(405);
            assertThat(response.body()).as(method).isEqualTo("Writes are disabled by read_only");
            assertThat(response.header("Allow")).as(method).hasValue("GET, HEAD, OPTIONS, TRACE");
            assertThat(response.header("Content-Type")).as(method).hasValue("text/plain;charset=utf-8");
            assertThat(response.header("X-Trans-Id")).as("set by catch_errors before it").isPresent();
        }
    }

    @Test
    void aRefusedBodyClosesTheConnection() throws Exception {
        try (RawHttp http = new RawHttp(jetty.port)) {
            RawHttp.Response response = http.send("PUT /ro/obj HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello")
                    .read();

            assertThat(response.status()).isEqualTo(405);
            assertThat(response.header("Connection")).hasValue("close");
            assertThat(http.closedByServer()).isTrue();
        }
        try (RawHttp http = new RawHttp(jetty.port)) {
            RawHttp.Response response = http.send("POST /ro/obj HTTP/1.1\r\nHost: t\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n").chunk(new byte[10]).read();

            assertThat(response.status()).isEqualTo(405);
            assertThat(response.header("Connection")).hasValue("close");
        }
    }

    @Test
    void aRefusalWithoutBodyKeepsTheConnection() throws Exception {
        try (RawHttp http = new RawHttp(jetty.port)) {
            RawHttp.Response refused = http.send("DELETE /ro/obj HTTP/1.1\r\nHost: t\r\n\r\n").read();
            RawHttp.Response next = http.send("GET /ro/obj HTTP/1.1\r\nHost: t\r\n\r\n").read();

            assertThat(refused.status()).isEqualTo(405);
            assertThat(refused.header("Connection")).isEmpty();
            assertThat(next.status()).isEqualTo(200);
        }
    }

    @Test
    void allowDeletesLetsDeletesThrough() throws Exception {
        assertThat(exchange("DELETE", "/ro-deletes/obj", null).body()).isEqualTo("served DELETE");

        RawHttp.Response put = exchange("PUT", "/ro-deletes/obj", "x");
        assertThat(put.status()).isEqualTo(405);
        assertThat(put.header("Allow")).hasValue("GET, HEAD, OPTIONS, TRACE, DELETE");
    }

    @Test
    void readOnlyFalseOrUnsetPassesEverything() throws Exception {
        for (String path : new String[] {"/rw/obj", "/default/obj"}) {
            for (String method : new String[] {"PUT", "POST", "DELETE", "PATCH", "COPY"}) {
                RawHttp.Response response = exchange(method, path, "data");

                assertThat(response.status()).as(method + " " + path).isEqualTo(200);
                assertThat(response.body()).as(method + " " + path).isEqualTo("served " + method);
            }
        }
    }

    @Test
    void rejectsABadBooleanNamingTheKey() {
        assertThatThrownBy(() -> new ReadOnlyStage().create(Map.of("read_only", "maybe")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("read_only: 'maybe' is not true or false");
        assertThatThrownBy(() -> new ReadOnlyStage().create(Map.of("allow_deletes", "2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("allow_deletes: '2' is not true or false");
    }

    @Test
    void rejectsAnUnknownSetting() {
        assertThatThrownBy(() -> new ReadOnlyStage().create(Map.of("readonly", "true")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("readonly: unknown setting; read_only takes allow_deletes, read_only");
    }

    private static RawHttp.Response exchange(String method, String path, String body) throws IOException {
        try (RawHttp http = new RawHttp(jetty.port)) {
            String length = body == null ? "" : "Content-Length: " + body.length() + "\r\n";
            return http.send(method + " " + path + " HTTP/1.1\r\nHost: t\r\n" + length + "\r\n"
                    + (body == null ? "" : body)).read();
        }
    }

    /** Serves any method, reading the body as a real app would. */
    static final class AnyMethod extends HttpServlet {

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            req.getInputStream().readAllBytes();
            resp.setContentType("text/plain");
            resp.getWriter().print("served " + req.getMethod());
        }
    }
}
