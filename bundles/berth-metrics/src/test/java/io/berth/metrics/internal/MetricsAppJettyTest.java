package io.berth.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import jakarta.servlet.Servlet;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The metrics app in embedded Jetty, mounted at /admin with every path under it as the
 * whiteboard mounts a pipeline's app, built directly as DS would build it (no services: no listener
 * or pipeline series, the JVM's only).
 */
@Timeout(30)
class MetricsAppJettyTest {

    private Server server;
    private String base;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/admin");
        Servlet metrics = new MetricsApp().create(Map.of());
        context.addServlet(new ServletHolder(metrics), "/*");
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    private HttpResponse<String> send(String method, String path, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (accept != null) {
            request.header("Accept", accept);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aScrapeIsPrometheusTextWithTheJvmsMetrics() throws Exception {
        HttpResponse<String> response = send("GET", "/admin/metrics", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body()).contains("# TYPE jvm_memory_used_bytes gauge\n", "jvm_threads_current ");
        assertThat(response.headers().firstValue("Content-Length")).hasValue(
                Integer.toString(response.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
    }

    @Test
    void openMetricsWhenAsked() throws Exception {
        HttpResponse<String> response = send("GET", "/admin/metrics",
                "application/openmetrics-text; version=1.0.0; charset=utf-8,text/plain;q=0.5");

        assertThat(response.headers().firstValue("Content-Type")).hasValue(
                "application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(response.body()).endsWith("# EOF\n");
    }

    @Test
    void otherPathsAre404AndOtherMethods405() throws Exception {
        assertThat(send("GET", "/admin/other", null).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/admin/", null).statusCode()).isEqualTo(404);
        HttpResponse<String> post = send("POST", "/admin/metrics", null);
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        HttpResponse<String> head = send("HEAD", "/admin/metrics", null);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void settingsAreCheckedNamingTheKey() {
        MetricsApp app = new MetricsApp();
        assertThat(app.create(Map.of("path", "/scrape"))).isInstanceOf(MetricsServlet.class);
        assertThatThrownBy(() -> app.create(Map.of("port", "9")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("port: unknown setting; metrics takes only path");
        assertThatThrownBy(() -> app.create(Map.of("path", "metrics")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("path: must start with /, not 'metrics'");
    }
}
