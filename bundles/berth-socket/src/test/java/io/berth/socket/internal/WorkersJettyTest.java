package io.berth.socket.internal;

import static io.berth.socket.internal.TestServer.freePort;
import static io.berth.socket.internal.TestServer.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Workers: sockets sharing a port, each with its acceptor and connector; respawn; max_clients. */
@Timeout(120)
class WorkersJettyTest {

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
    void workersShareThePortAndTheKernelSpreadsConnections() throws Exception {
        config.put("workers", 3);
        ListenerRuntime listener = jetty.listen("main", config);

        assertThat(listeningSockets()).isEqualTo(3);
        for (int i = 0; i < 100; i++) {
            assertThat(get("127.0.0.1", port, "/")).startsWith("HTTP/1.1 200");
        }
        // A request counts out just after its response is written: the client may be faster.
        await("no request in flight", () -> listener.inFlight() == 0);
        List<io.berth.api.Listener.Worker> status = listener.workerStatus();
        assertThat(status).extracting(io.berth.api.Listener.Worker::index).containsExactly(0, 1, 2);
        for (io.berth.api.Listener.Worker worker : status) {
            assertThat(worker.requests()).as("requests served by worker " + worker.index()).isPositive();
            assertThat(worker.inFlight()).isZero();
            assertThat(worker.errors()).isZero();
        }
        assertThat(status.stream().mapToLong(io.berth.api.Listener.Worker::requests).sum()).isEqualTo(100);
        assertThat(listener.requests()).isEqualTo(100);
        // get() opens a connection per request: every one was accepted, none refused.
        assertThat(listener.totals().accepted.sum()).as("connections accepted").isEqualTo(100);
        assertThat(listener.totals().refused.sum()).as("refused at max_clients").isZero();
        assertThat(listener.totals().reloads.get()).as("reloads").isZero();
    }

    @Test
    void aKilledWorkerIsRespawnedAndTrafficContinues() throws Exception {
        config.put("workers", 2);
        ListenerRuntime listener = jetty.listen("main", config);
        ListenerRuntime.Worker worker = listener.workers().get(0);
        Acceptor dead = worker.acceptor;

        worker.kill();

        await("worker 0 has a new socket", () -> worker.acceptor != dead);
        await("two sockets listen again", () -> listeningSockets() == 2);
        assertThat(listener.totals().respawns.get()).as("worker respawns").isEqualTo(1);
        for (int i = 0; i < 50; i++) {
            assertThat(get("127.0.0.1", port, "/")).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void respawningFasterThanOnceASecondIsThrottled() throws Exception {
        ListenerRuntime listener = jetty.listen("main", config);
        ListenerRuntime.Worker worker = listener.workers().get(0);

        Acceptor first = worker.acceptor;
        worker.kill();
        await("first respawn", () -> worker.acceptor != first);
        long firstRespawn = System.nanoTime();
        Acceptor second = worker.acceptor;
        worker.kill();
        await("second respawn", () -> worker.acceptor != second);

        assertThat(Duration.ofNanos(System.nanoTime() - firstRespawn)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(get("127.0.0.1", port, "/")).startsWith("HTTP/1.1 200");
    }

    @Test
    void atMaxClientsNewConnectionsWaitAndOneMoreRequestOnAnOpenConnectionIs503() throws Exception {
        config.put("max_clients", 2);
        ListenerRuntime listener = jetty.listen("main", config);
        try (Socket open = new Socket("127.0.0.1", port)) {
            open.setSoTimeout(10_000);
            assertThat(request(open, "/")).startsWith("HTTP/1.1 200");
            List<CompletableFuture<String>> slow = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                slow.add(CompletableFuture.supplyAsync(() -> call("/slow?ms=1500")));
            }
            await("two requests in flight", () -> listener.inFlight() == 2);

            long start = System.nanoTime();
            CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> call("/"));
            assertThat(request(open, "/")).startsWith("HTTP/1.1 503");
            assertThat(listener.errors()).isEqualTo(1);
            assertThat(listener.totals().refused.sum()).as("refused at max_clients").isEqualTo(1);
            assertThat(listener.totals().answeredInClass(5)).as("5xx").isEqualTo(1);

            assertThat(waiting.get(20, TimeUnit.SECONDS)).startsWith("HTTP/1.1 200");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(500));
            for (CompletableFuture<String> request : slow) {
                assertThat(request.get(20, TimeUnit.SECONDS)).startsWith("HTTP/1.1 200");
            }
        }
    }

    @Test
    void aBurstOfNewConnectionsPastMaxClientsWaitsInTheBacklogAndNoneIs503() throws Exception {
        config.put("max_clients", 8);
        ListenerRuntime listener = jetty.listen("main", config);
        List<Socket> sockets = new ArrayList<>();
        try {
            // Every connection is made before any sends its request: the acceptor must not take
            // more than max_clients of them on the strength of no request being in flight yet.
            for (int i = 0; i < 40; i++) {
                Socket socket = new Socket("127.0.0.1", port);
                socket.setSoTimeout(20_000);
                sockets.add(socket);
            }
            List<CompletableFuture<String>> answers = new ArrayList<>();
            for (Socket socket : sockets) {
                answers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return request(socket, "/slow?ms=200");
                    } catch (IOException e) {
                        return e.toString();
                    }
                }));
            }
            for (CompletableFuture<String> answer : answers) {
                assertThat(answer.get(30, TimeUnit.SECONDS)).startsWith("HTTP/1.1 200");
            }
            assertThat(listener.errors()).isZero();
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void connectionsThatSayNothingHoldNoPlaceForLong() throws Exception {
        config.put("max_clients", 2);
        config.put("client_timeout", "30");
        jetty.listen("main", config);
        try (Socket silent = new Socket("127.0.0.1", port); Socket trickling = new Socket("127.0.0.1", port)) {
            trickling.getOutputStream().write("GET / HT".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();

            // Both places were theirs for a moment; a well-behaved client is served long before client_timeout
            assertThat(get("127.0.0.1", port, "/")).startsWith("HTTP/1.1 200");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aRequestPastRequestTimeoutIsAnswered503AndOthersAreNot() throws Exception {
        config.put("request_timeout", "0.5");
        ListenerRuntime listener = jetty.listen("main", config);
        long start = System.nanoTime();

        String late = get("127.0.0.1", port, "/slow?ms=3000");

        assertThat(late).startsWith("HTTP/1.1 503").contains("Connection: close").endsWith("Request timed out");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(400), Duration.ofMillis(2500));
        assertThat(get("127.0.0.1", port, "/slow?ms=100")).startsWith("HTTP/1.1 200").endsWith("slept 100");
        // The app's own answer, when it comes, goes nowhere; the listener keeps serving.
        await("the timed-out request completes on the server", () -> listener.inFlight() == 0);
        // Counted as the client saw it: the 503, not the 200 the app sent too late
        assertThat(listener.totals().answeredInClass(5)).as("5xx").isEqualTo(1);
        assertThat(listener.totals().answeredInClass(2)).as("2xx").isEqualTo(1);
        assertThat(get("127.0.0.1", port, "/")).startsWith("HTTP/1.1 200");
    }

    /** One request on an open keep-alive connection; reads the response by its Content-Length. */
    private static String request(Socket socket, String path) throws IOException {
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        return TestServer.readResponse(socket);
    }

    private String call(String path) {
        try {
            return get("127.0.0.1", port, path);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private long listeningSockets() {
        try {
            Process ss = new ProcessBuilder("ss", "-Hltn", "sport = :" + port).redirectErrorStream(true).start();
            String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            ss.waitFor(10, TimeUnit.SECONDS);
            return out.lines().filter(line -> line.startsWith("LISTEN")).count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        Awaitility.await(what).atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10))
                .until(condition::getAsBoolean);
    }
}
