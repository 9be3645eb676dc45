package io.berth.socket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a connector without a socket needs of Jetty 12 (see {@link HandOverConnector}), on a plain
 * Jetty server started first and given the connector afterwards, as Felix's
 * ConnectorFactoryTracker does.
 */
@Timeout(30)
class HandOverConnectorTest {

    private final Server server = new Server();
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private HandOverConnector connector;
    private int port;

    @BeforeEach
    void start() throws Exception {
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                Content.Sink.write(response, true, "handed over", callback);
                return true;
            }
        });
        server.start();
        port = TestServer.freePort();
        connector = new HandOverConnector(server, started::countDown, stopped::countDown, new HttpConnectionFactory()) {
        };
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        connector.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    @Test
    void itStartsWithoutBindingItsPortAndSaysSo() throws Exception {
        assertThat(started.getCount()).as("told it started").isZero();
        assertThat(connector.isOpen()).isTrue();
        assertThat(connector.getLocalPort()).isEqualTo(port);
        assertThat(connector.getTransport()).isNull();
        // The port is still free: the listener's own socket is what binds it.
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void aConnectionAcceptedElsewhereIsServedOnceHandedToItsSelectors() throws Exception {
        try (ServerSocketChannel listening = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                Socket client = new Socket(InetAddress.getLoopbackAddress(), listening.socket().getLocalPort())) {
            client.setSoTimeout(10_000);
            SocketChannel accepted = listening.accept();
            accepted.configureBlocking(false);
            connector.getSelectorManager().accept(accepted);

            client.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String response = TestServer.readAll(client.getInputStream());

            assertThat(response).startsWith("HTTP/1.1 200").endsWith("handed over");
        }
    }

    @Test
    void stoppingInterruptsItsWaitingAcceptorAndSaysSo() throws Exception {
        Awaitility.await("the acceptor thread waits in accept").atMost(10, TimeUnit.SECONDS)
                .until(() -> waitingAcceptors() == 1);

        connector.stop();

        Awaitility.await("the acceptor thread left accept").atMost(10, TimeUnit.SECONDS)
                .until(() -> waitingAcceptors() == 0);
        assertThat(stopped.getCount()).as("told it stopped").isZero();
        assertThat(connector.isOpen()).isFalse();
    }

    /** Threads (pooled: they outlive the connector) now inside {@link HandOverConnector#accept}. */
    private static long waitingAcceptors() {
        return Thread.getAllStackTraces().values().stream()
                .filter(stack -> Arrays.stream(stack).anyMatch(frame -> frame.getClassName().equals(HandOverConnector.class.getName())
                        && frame.getMethodName().equals("accept")))
                .count();
    }
}
