package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** cors in embedded Jetty, one context per way of configuring it. */
class CorsFilterJettyTest {

    private static final String APP = "https://app.example.com";
    private static final String EVIL = "https://evil.example.net";

    private static Server server;
    private static HttpClient client;
    private static String base;
    private static final AtomicInteger appCalls = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new ContextHandlerCollection(
                context("/list", Map.of("allow_origin", "https://App.Example.com, http://localhost:8080")),
                context("/star", Map.of("allow_origin", "*")),
                context("/cred", Map.of("allow_origin", "*", "allow_credentials", "true",
                        "allow_headers", "X-Auth-Token Content-Type", "expose_headers", "", "max_age", "0",
                        "allow_methods", "GET PUT"))));
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
        client = HttpClient.newHttpClient();
    }

    private static ServletContextHandler context(String path, Map<String, String> settings) {
        ServletContextHandler context = new ServletContextHandler(path);
        FilterHolder cors = new FilterHolder(new CorsStage().create(settings));
        cors.setAsyncSupported(true);
        context.addFilter(cors, "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                appCalls.incrementAndGet();
                resp.setContentType("text/plain");
                resp.getWriter().print("app " + req.getMethod());
            }
        }), "/*");
        ServletHolder async = new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                appCalls.incrementAndGet();
                AsyncContext async = req.startAsync();
                CompletableFuture.runAsync(() -> {
                    try {
                        resp.setContentType("text/plain");
                        resp.getWriter().print("later");
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    } finally {
                        async.complete();
                    }
                });
            }
        });
        async.setAsyncSupported(true);
        context.addServlet(async, "/async");
        return context;
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
    }

    @BeforeEach
    void reset() {
        appCalls.set(0);
    }

    @Test
    void withoutAnOriginNothingButVary() throws Exception {
        HttpResponse<String> response = send("GET", "/list/x", Map.of());

        assertThat(response.body()).isEqualTo("app GET");
        assertThat(corsHeaders(response.headers())).isEmpty();
        assertThat(vary(response)).isEqualTo("Origin");
    }

    @Test
    void anAllowedOriginGetsItsOriginBackAndTheExposedHeaders() throws Exception {
        HttpResponse<String> response = send("GET", "/list/x", Map.of("Origin", APP));

        assertThat(response.body()).isEqualTo("app GET");
        HttpHeaders headers = response.headers();
        assertThat(headers.firstValue("Access-Control-Allow-Origin")).hasValue(APP);
        assertThat(headers.firstValue("Access-Control-Expose-Headers"))
                .hasValue("Etag, X-Trans-Id, X-Openstack-Request-Id");
        assertThat(headers.firstValue("Access-Control-Allow-Credentials")).isEmpty();
        assertThat(vary(response)).isEqualTo("Origin");
        assertThat(send("GET", "/list/x", Map.of("Origin", "http://localhost:8080")).headers()
                .firstValue("Access-Control-Allow-Origin")).hasValue("http://localhost:8080");
    }

    @Test
    void aDisallowedOriginReachesTheAppButGetsNoCorsHeaders() throws Exception {
        for (String origin : new String[] {EVIL, "null", APP + ":443", APP + ".evil.example.net", "http://app.example.com"}) {
            HttpResponse<String> response = send("GET", "/list/x", Map.of("Origin", origin));

            assertThat(response.statusCode()).as(origin).isEqualTo(200);
            assertThat(response.body()).as(origin).isEqualTo("app GET");
            assertThat(corsHeaders(response.headers())).as(origin).isEmpty();
            assertThat(vary(response)).as(origin).isEqualTo("Origin");
        }
    }

    @Test
    void aPreflightIsAnsweredWithoutTheApp() throws Exception {
        HttpResponse<String> response = send("OPTIONS", "/list/x", Map.of("Origin", APP,
                "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-auth-token, content-type"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEmpty();
        HttpHeaders headers = response.headers();
        assertThat(headers.firstValue("Access-Control-Allow-Origin")).hasValue(APP);
        assertThat(headers.firstValue("Access-Control-Allow-Methods"))
                .hasValue("GET, HEAD, PUT, POST, DELETE, PATCH, OPTIONS");
        assertThat(headers.firstValue("Access-Control-Allow-Headers")).hasValue("x-auth-token, content-type");
        assertThat(headers.firstValue("Access-Control-Max-Age")).hasValue("600");
        assertThat(headers.firstValue("Access-Control-Expose-Headers")).isEmpty();
        assertThat(headers.firstValue("Allow")).hasValue("GET, HEAD, PUT, POST, DELETE, PATCH, OPTIONS");
        assertThat(vary(response)).isEqualTo("Origin, Access-Control-Request-Headers");
        assertThat(appCalls).hasValue(0);
    }

    @Test
    void aPreflightAskingForNoHeadersGetsNoAllowHeaders() throws Exception {
        HttpResponse<String> response = send("OPTIONS", "/list/x", Map.of("Origin", APP,
                "Access-Control-Request-Method", "DELETE"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Access-Control-Allow-Headers")).isEmpty();
    }

    @Test
    void aPreflightFromADisallowedOriginIs401WithoutCorsHeaders() throws Exception {
        HttpResponse<String> response = send("OPTIONS", "/list/x", Map.of("Origin", EVIL,
                "Access-Control-Request-Method", "GET"));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(corsHeaders(response.headers())).isEmpty();
        assertThat(appCalls).hasValue(0);
    }

    @Test
    void aPreflightForADisallowedMethodIs401WithoutCorsHeaders() throws Exception {
        for (String method : new String[] {"PROPFIND", "get", ""}) {
            HttpResponse<String> response = send("OPTIONS", "/list/x", Map.of("Origin", APP,
                    "Access-Control-Request-Method", method));

            assertThat(response.statusCode()).as(method).isEqualTo(401);
            assertThat(corsHeaders(response.headers())).as(method).isEmpty();
        }
        assertThat(appCalls).hasValue(0);
    }

    @Test
    void optionsThatIsNotAPreflightReachesTheApp() throws Exception {
        HttpResponse<String> plain = send("OPTIONS", "/list/x", Map.of());
        assertThat(plain.body()).isEqualTo("app OPTIONS");
        assertThat(corsHeaders(plain.headers())).isEmpty();

        // With an Origin but no Access-Control-Request-Method it is an actual CORS request.
        HttpResponse<String> actual = send("OPTIONS", "/list/x", Map.of("Origin", APP));
        assertThat(actual.body()).isEqualTo("app OPTIONS");
        assertThat(actual.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
        assertThat(appCalls).hasValue(2);
    }

    @Test
    void starAnswersStarToAnyOrigin() throws Exception {
        HttpResponse<String> actual = send("GET", "/star/x", Map.of("Origin", EVIL));
        assertThat(actual.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(vary(actual)).isEqualTo("Origin");

        HttpResponse<String> preflight = send("OPTIONS", "/star/x", Map.of("Origin", "null",
                "Access-Control-Request-Method", "POST"));
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    }

    @Test
    void credentialsEchoTheOriginEvenForStar() throws Exception {
        HttpResponse<String> actual = send("GET", "/cred/x", Map.of("Origin", APP));
        HttpHeaders headers = actual.headers();
        assertThat(headers.firstValue("Access-Control-Allow-Origin")).hasValue(APP);
        assertThat(headers.firstValue("Access-Control-Allow-Credentials")).hasValue("true");
        assertThat(headers.firstValue("Access-Control-Expose-Headers")).isEmpty();

        HttpResponse<String> preflight = send("OPTIONS", "/cred/x", Map.of("Origin", APP,
                "Access-Control-Request-Method", "PUT", "Access-Control-Request-Headers", "x-other"));
        headers = preflight.headers();
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(headers.firstValue("Access-Control-Allow-Origin")).hasValue(APP);
        assertThat(headers.firstValue("Access-Control-Allow-Credentials")).hasValue("true");
        assertThat(headers.firstValue("Access-Control-Allow-Methods")).hasValue("GET, PUT");
        assertThat(headers.firstValue("Access-Control-Allow-Headers")).hasValue("X-Auth-Token, Content-Type");
        assertThat(headers.firstValue("Access-Control-Max-Age")).hasValue("0");
        assertThat(vary(preflight)).isEqualTo("Origin");

        assertThat(send("OPTIONS", "/cred/x", Map.of("Origin", APP, "Access-Control-Request-Method", "POST"))
                .statusCode()).isEqualTo(401);
    }

    @Test
    void anAsynchronousResponseCarriesTheHeaders() throws Exception {
        HttpResponse<String> response = send("GET", "/list/async", Map.of("Origin", APP));

        assertThat(response.body()).isEqualTo("later");
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
    }

    @Test
    void rejectsMissingOrEmptyOrigins() {
        assertInvalid(Map.of(), "allow_origin: required; cors has no default for it");
        assertInvalid(Map.of("allow_origin", ""), "allow_origin: empty; name at least one origin, or *");
    }

    @Test
    void rejectsWhatIsNotAnOrigin() {
        assertInvalid(Map.of("allow_origin", "https://app.example.com/"),
                "allow_origin: 'https://app.example.com/' is not an origin (scheme://host[:port]) or *");
        assertInvalid(Map.of("allow_origin", "app.example.com"),
                "allow_origin: 'app.example.com' is not an origin (scheme://host[:port]) or *");
        assertInvalid(Map.of("allow_origin", "null"), "allow_origin: 'null' is not an origin (scheme://host[:port]) or *");
        assertInvalid(Map.of("allow_origin", "* https://app.example.com"),
                "allow_origin: * cannot be combined with other origins");
    }

    @Test
    void rejectsBadMethodsAndHeaders() {
        assertInvalid(Map.of("allow_origin", "*", "allow_methods", ""), "allow_methods: empty; name at least one method");
        assertInvalid(Map.of("allow_origin", "*", "allow_methods", "GET P(T"), "allow_methods: 'P(T' is not an HTTP method");
        assertInvalid(Map.of("allow_origin", "*", "allow_headers", "X-Ok X:Bad"), "allow_headers: 'X:Bad' is not a header name");
        assertInvalid(Map.of("allow_origin", "*", "expose_headers", "X/Bad"), "expose_headers: 'X/Bad' is not a header name");
    }

    @Test
    void rejectsBadNumbersAndFlags() {
        assertInvalid(Map.of("allow_origin", "*", "max_age", "-1"), "max_age: -1 is not zero or a positive number of seconds");
        assertInvalid(Map.of("allow_origin", "*", "max_age", "10m"), "max_age: '10m' is not a whole number");
        assertInvalid(Map.of("allow_origin", "*", "allow_credentials", "maybe"), "allow_credentials: 'maybe' is not true or false");
        assertInvalid(Map.of("allow_origin", "*", "origin", "x"), "origin: unknown setting; cors takes allow_credentials, "
                + "allow_headers, allow_methods, allow_origin, expose_headers, max_age");
    }

    private static void assertInvalid(Map<String, String> settings, String message) {
        assertThatThrownBy(() -> new CorsStage().create(settings))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    private static Map<String, Object> corsHeaders(HttpHeaders headers) {
        Map<String, Object> cors = new HashMap<>();
        headers.map().forEach((name, values) -> {
            if (name.toLowerCase().startsWith("access-control-")) {
                cors.put(name, values);
            }
        });
        return cors;
    }

    private static String vary(HttpResponse<?> response) {
        return String.join(", ", response.headers().allValues("Vary"));
    }

    private static HttpResponse<String> send(String method, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
