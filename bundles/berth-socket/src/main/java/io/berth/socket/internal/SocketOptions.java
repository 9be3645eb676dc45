package io.berth.socket.internal;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The options Swift's {@code get_socket} gives every accepted connection: TCP_NODELAY as
 * configured ({@code tcp_nodelay}), SO_KEEPALIVE, and TCP_KEEPIDLE ({@code keep_idle}) where the
 * JDK offers it.
 * <p>
 * Relies on a JDK module the OSGi framework does not export, checked against JDK 17 on Linux (the
 * JDK Karaf 4.4.10 runs on here): TCP_KEEPIDLE is {@code jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE},
 * read by reflection through the system class loader, since a bundle cannot import {@code jdk.net}.
 * Where it is missing, keep_idle is not applied and one warning says so. {@code SocketOptionsTest}
 * pins it.
 */
final class SocketOptions {

    /** Logs as the connector, as it did before this was a class of its own. */
    private static final Logger LOG = LoggerFactory.getLogger(BerthConnector.class);

    /** {@code jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE}, or null where the platform lacks it. */
    static final SocketOption<Integer> TCP_KEEPIDLE = keepIdleOption();

    private SocketOptions() {
    }

    /** Sets the listener's options on a connection it accepted; a socket that refuses them is served without. */
    static void apply(SocketChannel channel, ListenerSettings settings) {
        Socket socket = channel.socket();
        try {
            socket.setTcpNoDelay(settings.tcpNoDelay);
            socket.setKeepAlive(true);
            if (TCP_KEEPIDLE != null && channel.supportedOptions().contains(TCP_KEEPIDLE)) {
                channel.setOption(TCP_KEEPIDLE, settings.keepIdleSeconds);
            }
        } catch (IOException e) {
            // Usable without the options; a socket that refuses them is most likely closed by its peer.
            LOG.debug("Could not set socket options on {}", socket, e);
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
