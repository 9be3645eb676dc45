package io.berth.socket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

import io.berth.api.Berth;
import io.berth.api.Listener.State;

import org.awaitility.Awaitility;

/**
 * A plain Jetty server standing in for Felix's, with listeners on it. Its handler answers
 * {@code /socket} with the accepted socket's options, {@code /slow?ms=N} after N ms without
 * holding a thread, {@code /status?code=N} with status N, and anything else with the client's
 * address.
 */
final class TestServer implements AutoCloseable {

    final Server server = new Server();
    /** Every connection that served a request, held weakly: what is still reachable after a GC leaked. */
    final Queue<WeakReference<EndPoint>> endPoints = new ConcurrentLinkedQueue<>();
    private final List<ListenerRuntime> listeners = new ArrayList<>();

    /** What Felix's ConnectorFactoryTracker does. */
    final ConnectorHost host = (factory, description) -> {
        Connector connector = factory.createConnector(server);
        server.addConnector(connector);
        start(connector);
        return () -> {
            stop(connector);
            server.removeConnector(connector);
        };
    };

    TestServer() throws Exception {
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                endPoints.add(new WeakReference<>(request.getConnectionMetaData().getConnection().getEndPoint()));
                String path = Request.getPathInContext(request);
                if (path.equals("/slow")) {
                    Fields query = Request.extractQueryParameters(request);
                    long ms = Long.parseLong(query.getValue("ms"));
                    server.getScheduler().schedule(() -> answer(response, "slept " + ms, callback), ms, TimeUnit.MILLISECONDS);
                    return true;
                }
                if (path.equals("/status")) {
                    int status = Integer.parseInt(Request.extractQueryParameters(request).getValue("code"));
                    response.setStatus(status);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                    Content.Sink.write(response, true, "status " + status, callback);
                    return true;
                }
                String body;
                if (path.startsWith("/echo/")) {
                    body = "path=" + request.getHttpURI().getPath();
                } else if (path.equals("/attributes")) {
                    body = "listener=" + request.getAttribute(Berth.LISTENER_ATTRIBUTE)
                            + " draining=" + request.getAttribute(Berth.DRAINING_ATTRIBUTE)
                            + " closeable=" + (request.getAttribute(Berth.CONNECTION_ATTRIBUTE) instanceof java.io.Closeable);
                } else if (path.equals("/socket")) {
                    SocketChannel channel = (SocketChannel) request.getConnectionMetaData().getConnection()
                            .getEndPoint().getTransport();
                    body = "keepalive=" + channel.getOption(StandardSocketOptions.SO_KEEPALIVE)
                            + " nodelay=" + channel.getOption(StandardSocketOptions.TCP_NODELAY)
                            + " keepidle=" + channel.getOption(keepIdle());
                } else {
                    body = "remote=" + Request.getRemoteAddr(request) + " secure=" + request.isSecure();
                }
                answer(response, body, callback);
                return true;
            }
        });
        server.start();
    }

    private static void answer(Response response, String body, Callback callback) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
        Content.Sink.write(response, true, body, callback);
    }

    ListenerRuntime listen(String name, Map<String, Object> config) throws Exception {
        ListenerRuntime listener = new ListenerRuntime(name, host);
        listener.apply(ListenerSettings.parse(name, config));
        listeners.add(listener);
        awaitServing(listener);
        return listener;
    }

    static void awaitServing(ListenerRuntime listener) {
        Awaitility.await("listener serving").atMost(30, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(listener.state()).as("reason: " + listener.reason()).isEqualTo(State.SERVING));
    }

    @Override
    public void close() throws Exception {
        for (ListenerRuntime listener : listeners) {
            listener.stop();
        }
        server.stop();
    }

    static String get(String host, int port, String path, String... headers) throws IOException {
        StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: x\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        return exchange(host, port, request.append("Connection: close\r\n\r\n").toString());
    }

    static String exchange(String host, int port, String request) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return readAll(socket.getInputStream());
        }
    }

    /** One response with a Content-Length body, leaving the connection open. */
    static String readResponse(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            head.append((char) c);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        in.transferTo(bytes);
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @SuppressWarnings("unchecked")
    static SocketOption<Integer> keepIdle() {
        try {
            return (SocketOption<Integer>) Class.forName("jdk.net.ExtendedSocketOptions").getField("TCP_KEEPIDLE").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void start(Connector connector) {
        try {
            connector.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void stop(Connector connector) {
        try {
            connector.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
