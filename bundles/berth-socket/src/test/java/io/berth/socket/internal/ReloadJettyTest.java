package io.berth.socket.internal;

import static io.berth.socket.internal.TestServer.freePort;
import static io.berth.socket.internal.TestServer.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.berth.api.Lifecycle;
import io.berth.api.Listener.State;

/** Reloads and stops of a listener under load: nothing a client sends may fail. */
@Timeout(120)
class ReloadJettyTest {

    private TestServer jetty;
    private int port;
    private Map<String, Object> config;

    @BeforeEach
    void start() throws Exception {
        jetty = new TestServer();
        port = freePort();
        config = new HashMap<>(Map.of("bind_ip", "127.0.0.1", "bind_port", port));
    }

    @AfterEach
    void stop() throws Exception {
        jetty.close();
    }

    @Test
    void twentyReloadsUnderLoadFailNoRequest() throws Exception {
        ListenerRuntime listener = jetty.listen("main", config);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        HttpClient keepAlive = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (int i = 0; i < 4; i++) {
            // Two clients on pooled keep-alive connections, two with a new connection per request.
            boolean pooled = i % 2 == 0;
            clients.add(CompletableFuture.runAsync(() -> {
                while (running.get()) {
                    try {
                        String status = pooled ? pooled(keepAlive) : fresh();
                        if (status.startsWith("HTTP/1.1 200") || status.equals("200")) {
                            ok.incrementAndGet();
                        } else {
                            failures.add(status);
                        }
                    } catch (IOException | InterruptedException e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }

        for (int reload = 0; reload < 20; reload++) {
            // Paced by traffic: each reload happens after the clients got 20 more answers.
            awaitMore(ok, 20);
            config.put("client_timeout", 30 + reload % 2);
            listener.apply(ListenerSettings.parse("main", config));
        }
        awaitMore(ok, 100);
        running.set(false);
        CompletableFuture.allOf(clients.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);

        assertThat(failures).as("failed requests").isEmpty();
        assertThat(ok.get()).as("requests served").isGreaterThan(200);
        assertThat(listener.state()).isEqualTo(State.SERVING);
        assertThat(listener.totals().reloads.get()).as("reloads counted").isEqualTo(20);
    }

    @Test
    void aSlowRequestStartedBeforeAReloadCompletes() throws Exception {
        ListenerRuntime listener = jetty.listen("main", config);
        CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> call("/slow?ms=2000"));
        awaitInFlight(listener, 1);

        config.put("client_timeout", 31);
        listener.apply(ListenerSettings.parse("main", config));

        assertThat(get("127.0.0.1", port, "/")).startsWith("HTTP/1.1 200");
        assertThat(slow.get(20, TimeUnit.SECONDS)).startsWith("HTTP/1.1 200").endsWith("slept 2000");
    }

    @Test
    void aReloadToAnotherPortBindsItBeforeTheOldPortCloses() throws Exception {
        ListenerRuntime listener = jetty.listen("main", config);
        CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> call("/slow?ms=1000"));
        awaitInFlight(listener, 1);
        int moved = freePort();

        config.put("bind_port", moved);
        listener.apply(ListenerSettings.parse("main", config));

        awaitAnswer(moved);
        assertThat(slow.get(20, TimeUnit.SECONDS)).endsWith("slept 1000");
        awaitRefused(port);
    }

    @Test
    void stoppingLetsRequestsInFlightFinishAndRefusesNewOnes() throws Exception {
        ListenerRuntime listener = jetty.listen("main", config);
        CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> call("/slow?ms=1500"));
        awaitInFlight(listener, 1);

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
            try {
                listener.stop();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        awaitRefused(port);
        assertThat(listener.state()).isEqualTo(State.DRAINING);
        assertThat(slow.get(20, TimeUnit.SECONDS)).startsWith("HTTP/1.1 200").endsWith("slept 1500");
        stopping.get(20, TimeUnit.SECONDS);
        assertThat(listener.state()).isEqualTo(State.STOPPED);
    }

    @Test
    void theDrainDeadlineCutsALongerRequest() throws Exception {
        config.put("graceful_shutdown_timeout", "0.5");
        ListenerRuntime listener = jetty.listen("main", config);
        CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> call("/slow?ms=10000"));
        awaitInFlight(listener, 1);
        long start = System.nanoTime();

        listener.stop();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(400), Duration.ofSeconds(5));
        assertThat(slow.get(20, TimeUnit.SECONDS)).doesNotStartWith("HTTP/1.1 200");
    }

    @Test
    void keepAliveConnectionsBetweenRequestsAreClosedByTheDrain() throws Exception {
        ListenerRuntime listener = jetty.listen("main", config);
        try (Socket idle = new Socket("127.0.0.1", port)) {
            idle.setSoTimeout(10_000);
            idle.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            byte[] buffer = new byte[4096];
            assertThat(new String(buffer, 0, idle.getInputStream().read(buffer))).startsWith("HTTP/1.1 200");

            config.put("client_timeout", 31);
            listener.apply(ListenerSettings.parse("main", config));

            // The server closes the idle connection (end of stream), well before client_timeout.
            long start = System.nanoTime();
            assertThat(idle.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
        assertThat(get("127.0.0.1", port, "/")).startsWith("HTTP/1.1 200");
    }

    @Test
    void whileJettyRestartsNewConnectionsWaitInsteadOfBeingRefused() throws Exception {
        List<org.eclipse.jetty.server.Connector> stopped = new ArrayList<>();
        ListenerRuntime listener = jetty.listen("main", config);
        // What Felix does when its configuration changes: every connector stops, then comes back.
        for (org.eclipse.jetty.server.Connector connector : jetty.server.getConnectors()) {
            connector.stop();
            stopped.add(connector);
        }

        CompletableFuture<String> during = CompletableFuture.supplyAsync(() -> call("/"));
        assertThatThrownBy(() -> during.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        for (org.eclipse.jetty.server.Connector connector : stopped) {
            connector.start();
        }

        assertThat(during.get(20, TimeUnit.SECONDS)).startsWith("HTTP/1.1 200");
        assertThat(listener.state()).isEqualTo(State.SERVING);
    }

    @Test
    void lifecycleEventsArriveInTheOrderThingsHappen() throws Exception {
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        ListenerRuntime listener = new ListenerRuntime("events", jetty.host, (topic, properties) -> {
            assertThat(properties).containsEntry(Lifecycle.LISTENER, "events")
                    .containsEntry(Lifecycle.URL, "http://127.0.0.1:" + port + "/");
            events.add(topic.substring(Lifecycle.TOPIC_PREFIX.length()) + "#" + properties.get(Lifecycle.GENERATION));
        });
        listener.apply(ListenerSettings.parse("events", config));
        TestServer.awaitServing(listener);

        listener.reload();
        awaitEvent(events, "draining#1");
        assertThat(get("127.0.0.1", port, "/")).startsWith("HTTP/1.1 200");
        listener.stop();
        awaitEvent(events, "stopped#2");

        assertThat(events).containsExactly("before-spawn#1", "started#1", "reloading#2", "before-spawn#2", "started#2",
                "draining#1", "draining#2", "stopped#2");
    }

    private static void awaitEvent(List<String> events, String event) {
        until("event " + event, () -> events.contains(event));
    }

    private static void awaitMore(AtomicInteger counter, int more) {
        int target = counter.get() + more;
        until("clients keep being served", () -> counter.get() >= target);
    }

    private String fresh() throws IOException {
        return get("127.0.0.1", port, "/");
    }

    private String pooled(HttpClient client) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return Integer.toString(response.statusCode());
    }

    private String call(String path) {
        try {
            return get("127.0.0.1", port, path);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static void awaitInFlight(ListenerRuntime listener, long count) {
        until("requests in flight", () -> listener.inFlight() >= count);
    }

    private static void awaitAnswer(int port) {
        until("port " + port + " answers", () -> {
            try {
                return get("127.0.0.1", port, "/").startsWith("HTTP/1.1 200");
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static void awaitRefused(int port) {
        until("port " + port + " refuses connections", () -> {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return false;
            } catch (ConnectException e) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static void until(String what, java.util.concurrent.Callable<Boolean> condition) {
        Awaitility.await(what).atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10)).until(condition);
    }
}
