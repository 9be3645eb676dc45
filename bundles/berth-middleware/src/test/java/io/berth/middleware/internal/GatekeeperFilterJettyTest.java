package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.berth.testing.RawHttp;

/** gatekeeper in embedded Jetty: what the app sees of a request, what the client sees of a response. */
class GatekeeperFilterJettyTest {

    private static final String INTERNAL_REQUEST_HEADERS = "X-Backend-Foo: secret-1\r\n"
            + "x-backend-foo: secret-2\r\n"
            + "X-BACKEND-INT: 42\r\n"
            + "X-Backend-Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
            + "X-Object-Sysmeta-Color: red\r\n"
            + "x-account-sysmeta-quota: 1\r\n"
            + "X-Object-Transient-Sysmeta-Crypto: key\r\n";

    private static final String CLIENT_HEADERS = "X-Fine: yes\r\n"
            + "X-Object-Meta-Color: blue\r\n"
            + "X-Secret-Token: t0k3n\r\n";

    private static Jetty jetty;

    @BeforeAll
    static void start() throws Exception {
        GatekeeperStage stage = new GatekeeperStage();

        ServletContextHandler defaults = Jetty.context("/gk", stage.create(Map.of()));
        Jetty.serve(defaults, "/headers", new Echo());
        Jetty.serve(defaults, "/async", new AsyncEcho());
        Jetty.serve(defaults, "/trailers", new Trailers());

        ServletContextHandler custom = Jetty.context("/custom", stage.create(Map.of(
                "remove_request_headers", "X-Secret-*, x-object-meta-*",
                "remove_response_headers", "")));
        Jetty.serve(custom, "/headers", new Echo());

        ServletContextHandler none = Jetty.context("/none", stage.create(Map.of(
                "remove_request_headers", "", "remove_response_headers", "")));
        Jetty.serve(none, "/headers", new Echo());

        jetty = Jetty.start(defaults, custom, none);
    }

    @AfterAll
    static void stop() throws Exception {
        jetty.close();
    }

    @Test
    void theAppNeverSeesInternalRequestHeaders() throws Exception {
        RawHttp.Response response = get("/gk/headers");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("""
                X-Backend-Foo=null
                x-backend-foo*=[]
                X-Object-Sysmeta-Color=null
                X-Backend-Int#=-1
                X-Backend-Date@=-1
                X-Fine=yes
                X-Object-Meta-Color=blue
                names=[host, x-fine, x-object-meta-color, x-secret-token]
                """);
    }

    @Test
    void internalResponseHeadersNeverReachTheClient() throws Exception {
        RawHttp.Response response = get("/gk/headers");

        assertThat(response.headerNames()).contains("x-fine", "x-object-meta-color")
                .noneMatch(name -> name.startsWith("x-backend-") || name.contains("-sysmeta-"));
        assertThat(response.header("X-Fine")).hasValue("yes");
    }

    @Test
    void throughTheAsyncContextToo() throws Exception {
        RawHttp.Response response = get("/gk/async");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("X-Backend-Foo=null\nnames=[host, x-fine, x-object-meta-color, "
                + "x-secret-token]\n");
        assertThat(response.headerNames()).contains("x-fine").noneMatch(name -> name.startsWith("x-backend-"));
    }

    @Test
    void andFromTrailers() throws Exception {
        RawHttp.Response response = get("/gk/trailers");

        assertThat(response.body()).isEqualTo("body");
        assertThat(response.trailerNames()).containsExactly("x-checksum");
    }

    @Test
    void theListsAreSettings() throws Exception {
        RawHttp.Response response = get("/custom/headers");

        assertThat(response.body()).isEqualTo("""
                X-Backend-Foo=secret-1
                x-backend-foo*=[secret-1, secret-2]
                X-Object-Sysmeta-Color=red
                X-Backend-Int#=42
                X-Backend-Date@=784111777000
                X-Fine=yes
                X-Object-Meta-Color=null
                names=[host, x-account-sysmeta-quota, x-backend-date, x-backend-foo, x-backend-int, x-fine, \
                x-object-sysmeta-color, x-object-transient-sysmeta-crypto]
                """);
        assertThat(response.headerNames()).contains("x-backend-a", "x-backend-b", "x-object-sysmeta-c",
                "x-container-sysmeta-d", "x-backend-e", "x-account-sysmeta-f", "x-fine");
    }

    @Test
    void emptyListsRemoveNothing() throws Exception {
        RawHttp.Response response = get("/none/headers");

        assertThat(response.body()).contains("X-Backend-Foo=secret-1", "X-Object-Meta-Color=blue",
                "x-secret-token");
        assertThat(response.headerNames()).contains("x-backend-a", "x-account-sysmeta-f");
    }

    @Test
    void rejectsABadPatternNamingTheKey() {
        assertThatThrownBy(() -> new GatekeeperStage().create(Map.of("remove_request_headers", "X-Backend-* X(1)")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("remove_request_headers: 'X(1)' is not a header name pattern; use letters, digits and "
                        + "!#$%&'+-.^_`|~, with * for any run of characters");
        assertThatThrownBy(() -> new GatekeeperStage().create(Map.of("remove_response_headers", "*")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("remove_response_headers: '*' would remove every header");
    }

    @Test
    void rejectsAnUnknownSetting() {
        assertThatThrownBy(() -> new GatekeeperStage().create(Map.of("inbound_remove_prefixes", "X-")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("inbound_remove_prefixes: unknown setting; gatekeeper takes remove_request_headers, "
                        + "remove_response_headers");
    }

    private static RawHttp.Response get(String path) throws IOException {
        try (RawHttp http = new RawHttp(jetty.port)) {
            return http.send("GET " + path + " HTTP/1.1\r\nHost: t\r\n" + INTERNAL_REQUEST_HEADERS + CLIENT_HEADERS + "\r\n")
                    .read();
        }
    }

    /** The request headers as the app sees them, one per line; sets one internal header per method. */
    static final class Echo extends HttpServlet {

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setHeader("X-Backend-A", "a");
            resp.addHeader("x-backend-b", "b");
            resp.setIntHeader("X-Object-Sysmeta-C", 3);
            resp.addIntHeader("X-Container-Sysmeta-D", 4);
            resp.setDateHeader("X-Backend-E", 0);
            resp.addDateHeader("X-Account-Sysmeta-F", 0);
            resp.setHeader("X-Fine", "yes");
            resp.setHeader("X-Object-Meta-Color", "blue");
            resp.setContentType("text/plain");
            resp.getWriter().print("X-Backend-Foo=" + req.getHeader("X-Backend-Foo") + "\n"
                    + "x-backend-foo*=" + Collections.list(req.getHeaders("x-backend-foo")) + "\n"
                    + "X-Object-Sysmeta-Color=" + req.getHeader("X-Object-Sysmeta-Color") + "\n"
                    + "X-Backend-Int#=" + req.getIntHeader("X-Backend-Int") + "\n"
                    + "X-Backend-Date@=" + req.getDateHeader("X-Backend-Date") + "\n"
                    + "X-Fine=" + req.getHeader("X-Fine") + "\n"
                    + "X-Object-Meta-Color=" + req.getHeader("X-Object-Meta-Color") + "\n"
                    + "names=" + names(req) + "\n");
        }
    }

    /** Answers from another thread through the AsyncContext's own request and response. */
    static final class AsyncEcho extends HttpServlet {

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
            AsyncContext async = req.startAsync();
            async.start(() -> {
                try {
                    HttpServletRequest request = (HttpServletRequest) async.getRequest();
                    HttpServletResponse response = (HttpServletResponse) async.getResponse();
                    response.setHeader("X-Backend-A", "a");
                    response.setHeader("X-Fine", "yes");
                    response.getWriter().print("X-Backend-Foo=" + request.getHeader("X-Backend-Foo") + "\n"
                            + "names=" + names(request) + "\n");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                } finally {
                    async.complete();
                }
            });
        }
    }

    static final class Trailers extends HttpServlet {

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setTrailerFields(() -> Map.of("X-Checksum", "abc", "X-Backend-Timing", "12ms"));
            resp.getWriter().print("body");
        }
    }

    private static List<String> names(HttpServletRequest req) {
        List<String> names = new ArrayList<>();
        for (String name : Collections.list(req.getHeaderNames())) {
            names.add(name.toLowerCase(Locale.ROOT));
        }
        Collections.sort(names);
        return names;
    }
}
