package io.berth.example.hello.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The hello app in embedded Jetty, built directly as DS would build it. */
@Timeout(30)
class HelloServletJettyTest {

    private Server server;
    private HelloServlet hello;
    private String base;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        hello = new HelloServlet();
        ServletHolder holder = new ServletHolder(hello);
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/hello");
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        hello.destroy();
        server.stop();
    }

    @Test
    void saysHello() throws Exception {
        HttpResponse<String> response = get("/hello");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("Hello from Berth");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain;charset=utf-8");
    }

    @Test
    void answersAfterTheDelayAskedFor() throws Exception {
        long start = System.nanoTime();

        HttpResponse<String> response = get("/hello?delay_ms=300");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("Hello from Berth");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void waitingRequestsHoldNoThread() throws Exception {
        // Jetty's default pool has 200 threads; 300 waiting requests would starve a blocking sleep.
        HttpClient many = HttpClient.newBuilder().build();
        CompletableFuture<?>[] replies = new CompletableFuture<?>[300];
        for (int i = 0; i < replies.length; i++) {
            replies[i] = many.sendAsync(HttpRequest.newBuilder(URI.create(base + "/hello?delay_ms=500")).build(),
                    HttpResponse.BodyHandlers.ofString())
                    .thenAccept(r -> assertThat(r.body()).isEqualTo("Hello from Berth"));
        }
        CompletableFuture.allOf(replies).get();
    }

    @Test
    void rejectsAMalformedDelayNamingTheParameter() throws Exception {
        for (String bad : new String[] {"abc", "-5", "1.5", "1e3"}) {
            HttpResponse<String> response = get("/hello?delay_ms=" + bad);

            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            assertThat(response.body()).as(bad).isEqualTo("delay_ms must be a whole number of milliseconds, 0 or more");
        }
    }

    @Test
    void capsTheDelayAt30Seconds() {
        assertThat(HelloServlet.delayOf(null)).isZero();
        assertThat(HelloServlet.delayOf("")).isZero();
        assertThat(HelloServlet.delayOf("29999")).isEqualTo(29_999);
        assertThat(HelloServlet.delayOf("30001")).isEqualTo(30_000);
        assertThat(HelloServlet.delayOf("99999999999999999999999")).isEqualTo(30_000);
        assertThatThrownBy(() -> HelloServlet.delayOf("-1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stoppingTheAppAnswersWaitingRequests() throws Exception {
        CompletableFuture<HttpResponse<String>> waiting = client.sendAsync(
                HttpRequest.newBuilder(URI.create(base + "/hello?delay_ms=30000")).build(),
                HttpResponse.BodyHandlers.ofString());
        Awaitility.await("the request waits").atMost(Duration.ofSeconds(10)).until(() -> hello.waiting() > 0);

        hello.destroy();

        HttpResponse<String> response = waiting.get();
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).isEqualTo("Service stopping");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
