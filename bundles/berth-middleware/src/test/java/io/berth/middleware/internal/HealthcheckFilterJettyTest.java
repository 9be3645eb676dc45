package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.berth.api.Berth;

/**
 * healthcheck in embedded Jetty, mounted as a pipeline mounts it: a context at the pipeline's
 * path, the app at {@code /*}. A tiny filter in front plays the listener that is draining.
 */
class HealthcheckFilterJettyTest {

    @TempDir
    static Path dir;

    private static Path disableFile;
    private static Server server;
    private static HttpClient client;
    private static String base;
    private static final AtomicInteger appCalls = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        disableFile = dir.resolve("disabled");
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);

        // The pipeline's way: context at its path, app at /*.
        ServletContextHandler v1 = context("/v1", "/*",
                new HealthcheckStage().create(Map.of("disable_path", disableFile.toString())));
        // An app mapped at / (servlet path carries the whole path) and a custom probe path.
        ServletContextHandler other = context("/other", "/",
                new HealthcheckStage().create(Map.of("path", "/probe/health")));
        server.setHandler(new ContextHandlerCollection(v1, other));
        server.start();

        base = "http://127.0.0.1:" + connector.getLocalPort();
        client = HttpClient.newHttpClient();
    }

    private static ServletContextHandler context(String contextPath, String appPattern, Filter healthcheck) {
        ServletContextHandler context = new ServletContextHandler(contextPath);
        // What the listener does while it leaves service; here on demand, by a request header.
        context.addFilter(new FilterHolder((req, res, chain) -> {
            if (((HttpServletRequest) req).getHeader("X-Test-Draining") != null) {
                req.setAttribute(Berth.DRAINING_ATTRIBUTE, Boolean.TRUE);
            }
            chain.doFilter(req, res);
        }), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addFilter(new FilterHolder(healthcheck), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                appCalls.incrementAndGet();
                resp.setContentType("text/plain");
                resp.getWriter().print("app");
            }
        }), appPattern);
        return context;
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
    }

    @BeforeEach
    @AfterEach
    void enable() throws IOException {
        Files.deleteIfExists(disableFile);
        appCalls.set(0);
    }

    @Test
    void answersOkWithoutReachingTheApp() throws Exception {
        HttpResponse<String> response = send("GET", "/v1/healthcheck");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("OK");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));
        assertThat(appCalls).hasValue(0);
    }

    @Test
    void answersAnyMethod() throws Exception {
        for (String method : new String[] {"POST", "PUT", "DELETE", "OPTIONS", "PATCH"}) {
            HttpResponse<String> response = send(method, "/v1/healthcheck");

            assertThat(response.statusCode()).as(method).isEqualTo(200);
            assertThat(response.body()).as(method).isEqualTo("OK");
        }
        assertThat(appCalls).hasValue(0);
    }

    @Test
    void headGetsTheHeadersWithoutTheBody() throws Exception {
        HttpResponse<String> response = send("HEAD", "/v1/healthcheck");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Length")).hasValue("2");
        assertThat(response.body()).isEmpty();
    }

    @Test
    void theQueryStringDoesNotMatter() throws Exception {
        assertThat(send("GET", "/v1/healthcheck?verbose=1").body()).isEqualTo("OK");
    }

    @Test
    void disabledByFileWhileTheFileExists() throws Exception {
        Files.createFile(disableFile);

        HttpResponse<String> disabled = send("GET", "/v1/healthcheck");
        assertThat(disabled.statusCode()).isEqualTo(503);
        assertThat(disabled.body()).isEqualTo("DISABLED BY FILE");
        assertThat(disabled.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/plain"));

        Files.delete(disableFile);
        assertThat(send("GET", "/v1/healthcheck").statusCode()).isEqualTo(200);
    }

    @Test
    void theDisableFileDoesNotTouchOtherRequests() throws Exception {
        Files.createFile(disableFile);

        HttpResponse<String> response = send("GET", "/v1/objects");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("app");
    }

    @Test
    void drainingWhileTheListenerLeavesService() throws Exception {
        HttpResponse<String> response = send("GET", "/v1/healthcheck", "X-Test-Draining", "yes");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("DRAINING");
        assertThat(appCalls).hasValue(0);
    }

    @Test
    void drainingWinsOverTheDisableFile() throws Exception {
        Files.createFile(disableFile);

        assertThat(send("GET", "/v1/healthcheck", "X-Test-Draining", "yes").body()).isEqualTo("DRAINING");
    }

    @Test
    void theLivenessPathStays200WhileDrainingOrDisabled() throws Exception {
        Files.createFile(disableFile);

        HttpResponse<String> draining = send("GET", "/v1/healthcheck/live", "X-Test-Draining", "yes");
        assertThat(draining.statusCode()).isEqualTo(200);
        assertThat(draining.body()).isEqualTo("OK");
        assertThat(send("GET", "/v1/healthcheck", "X-Test-Draining", "yes").statusCode()).isEqualTo(503);
        assertThat(appCalls).hasValue(0);
    }

    @Test
    void rejectsALivenessPathThatIsNotOneOfItsOwn() {
        assertThatThrownBy(() -> new HealthcheckStage().create(Map.of("live_path", "live")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("live_path: 'live' does not start with /");
        assertThatThrownBy(() -> new HealthcheckStage().create(Map.of("live_path", "/healthcheck")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("live_path: '/healthcheck' is the readiness path too; give it a path of its own");
    }

    @Test
    void otherPathsReachTheApp() throws Exception {
        for (String path : new String[] {"/v1/", "/v1/healthcheck/", "/v1/healthcheck/x", "/v1/healthcheckx",
                "/v1/x/healthcheck", "/v1/HEALTHCHECK"}) {
            HttpResponse<String> response = send("GET", path);

            assertThat(response.body()).as(path).isEqualTo("app");
        }
        assertThat(appCalls).hasValue(6);
    }

    @Test
    void thePathIsRelativeToWhereThePipelineIsMounted() throws Exception {
        assertThat(send("GET", "/healthcheck").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/other/healthcheck").body()).isEqualTo("app");
    }

    @Test
    void aConfiguredPathWithTheAppMappedAtSlash() throws Exception {
        assertThat(send("GET", "/other/probe/health").body()).isEqualTo("OK");
        assertThat(send("GET", "/other/probe").body()).isEqualTo("app");
        assertThat(send("GET", "/other/probe/health/x").body()).isEqualTo("app");
    }

    @Test
    void rejectsAPathNotStartingWithSlash() {
        assertThatThrownBy(() -> new HealthcheckStage().create(Map.of("path", "healthcheck")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("path: 'healthcheck' does not start with /");
    }

    @Test
    void rejectsARelativeDisablePath() {
        assertThatThrownBy(() -> new HealthcheckStage().create(Map.of("disable_path", "run/disabled")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("disable_path: 'run/disabled' is not an absolute path");
    }

    @Test
    void rejectsAnUnknownSetting() {
        assertThatThrownBy(() -> new HealthcheckStage().create(Map.of("disable_file", "/x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("disable_file: unknown setting; healthcheck takes disable_path, live_path, path");
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
