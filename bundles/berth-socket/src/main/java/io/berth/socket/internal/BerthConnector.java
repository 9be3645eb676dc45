package io.berth.socket.internal;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketOption;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Jetty connector for one Berth listener: it serves on a channel Berth bound itself (so the
 * bind can be retried and reported as Swift does), and gives every accepted socket TCP_NODELAY,
 * SO_KEEPALIVE and TCP_KEEPIDLE as configured.
 */
final class BerthConnector extends ServerConnector {

    private static final Logger LOG = LoggerFactory.getLogger(BerthConnector.class);

    /** {@code jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE}, or null where the platform lacks it. */
    private static final SocketOption<Integer> TCP_KEEPIDLE = keepIdleOption();

    private final ListenerSettings settings;
    private final Runnable onStarted;
    private final Runnable onStopped;

    BerthConnector(Server server, ListenerSettings settings, ServerSocketChannel channel, Runnable onStarted,
            Runnable onStopped, ConnectionFactory... factories) throws IOException {
        super(server, factories);
        this.settings = settings;
        this.onStarted = onStarted;
        this.onStopped = onStopped;
        setName("berth-" + settings.name);
        setHost(settings.address.getHostAddress());
        setPort(settings.port);
        setAcceptQueueSize(settings.backlog);
        setReuseAddress(true);
        setReusePort(settings.reusePort);
        setAcceptedTcpNoDelay(settings.tcpNoDelay);
        setIdleTimeout(settings.clientTimeout.toMillis());
        open(channel);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        LOG.info("Berth listener {} started on {}", settings.name, settings.url());
        onStarted.run();
    }

    @Override
    protected void doStop() throws Exception {
        try {
            super.doStop();
        } finally {
            onStopped.run();
        }
    }

    @Override
    protected void configure(Socket socket) {
        super.configure(socket);
        try {
            socket.setKeepAlive(true);
            SocketChannel channel = socket.getChannel();
            if (TCP_KEEPIDLE != null && channel != null && channel.supportedOptions().contains(TCP_KEEPIDLE)) {
                channel.setOption(TCP_KEEPIDLE, settings.keepIdleSeconds);
            }
        } catch (IOException e) {
            // The connection is usable without keep-alive probes; a socket that cannot take the
            // option is most likely already closed by its peer.
            LOG.debug("Could not set keep-alive on {}", socket, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static SocketOption<Integer> keepIdleOption() {
        try {
            // jdk.net is not among the packages the OSGi framework exports: reach it through the
            // JDK's own class loader.
            Class<?> options = Class.forName("jdk.net.ExtendedSocketOptions", true, ClassLoader.getSystemClassLoader());
            return (SocketOption<Integer>) options.getField("TCP_KEEPIDLE").get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("TCP_KEEPIDLE is not available on this JDK: keep_idle cannot be applied ({})", e.toString());
            return null;
        }
    }
}
