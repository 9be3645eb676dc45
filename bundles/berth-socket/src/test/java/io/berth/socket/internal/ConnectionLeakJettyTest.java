package io.berth.socket.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static io.berth.socket.internal.TestServer.exchange;
import static io.berth.socket.internal.TestServer.freePort;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A connection that has closed leaves nothing reachable behind it: a node under a load balancer's
 * health checks opens a new connection every second or two for months. Counted the hard way:
 * every connection's endpoint held weakly, then full collections until only live ones remain.
 */
@Timeout(120)
class ConnectionLeakJettyTest {

    private static final int CONNECTIONS = 500;
    /**
     * Jetty's threads may still point at the last connection they served (a thread-local, a
     * selector's last update): a few, however many connections came before.
     */
    private static final int STILL_REFERENCED = 4;

    private TestServer jetty;

    @BeforeEach
    void startServer() throws Exception {
        jetty = new TestServer();
    }

    @AfterEach
    void stopServer() throws Exception {
        jetty.close();
    }

    @Test
    void closedConnectionsAreCollected() throws Exception {
        int port = freePort();
        ListenerRuntime listener = jetty.listen("leak", Map.of("bind_ip", "127.0.0.1", "bind_port", port));
        for (int i = 0; i < CONNECTIONS; i++) {
            // Keep-alive asked for, closed by the client after one response: the health check's way
            String response = exchange("127.0.0.1", port, "GET /" + i + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(response).startsWith("HTTP/1.1 200");
            if (i % 2 == 0) {
                keepAliveThenHangUp(port);
            }
        }
        assertThat(jetty.endPoints).hasSizeGreaterThanOrEqualTo(CONNECTIONS);
        Awaitility.await("every connection closed on the server").atMost(30, TimeUnit.SECONDS)
                .until(() -> listener.workerStatus().get(0).connections() == 0);

        Awaitility.await("closed connections collected").atMost(30, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS)
                .untilAsserted(() -> {
                    System.gc();
                    assertThat(alive()).as("endpoints still reachable of " + jetty.endPoints.size())
                            .isLessThanOrEqualTo(STILL_REFERENCED);
                });
    }

    /** A keep-alive request whose client closes the socket without a word once answered. */
    private static void keepAliveThenHangUp(int port) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /kept HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            byte[] head = new byte[12];
            assertThat(socket.getInputStream().readNBytes(head, 0, head.length)).isEqualTo(head.length);
            assertThat(new String(head)).isEqualTo("HTTP/1.1 200");
        }
    }

    private long alive() {
        return jetty.endPoints.stream().map(WeakReference::get).filter(endPoint -> endPoint != null).count();
    }
}
