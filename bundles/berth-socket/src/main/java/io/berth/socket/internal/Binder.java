package io.berth.socket.internal;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;

/**
 * Binds a listener's socket the way Swift's {@code get_socket} does: SO_REUSEADDR always
 * (SO_REUSEPORT when asked), the configured backlog, and while the address is in use a new try
 * every 0.1 s until {@code bind_timeout} has passed.
 * <p>
 * Relies on the platform, checked against JDK 17 on Linux: with SO_REUSEPORT, sockets of the same
 * user bind one address and port and the kernel spreads new connections among them by a hash of
 * the connection (what makes workers, and a reload that binds beside the old sockets, possible);
 * {@code StandardSocketOptions.SO_REUSEPORT} is supported on Linux since JDK 9, not everywhere.
 * EADDRINUSE is told from other bind errors by its message ("Address already in use"), since the
 * JDK throws a plain {@link BindException} for all of them. {@code ListenerJettyTest} pins both.
 */
final class Binder {

    static final Duration RETRY_INTERVAL = Duration.ofMillis(100);

    private Binder() {
    }

    /** Why a bind did not happen in time; its message is the line Swift logs. */
    static final class BindTimeoutException extends IOException {

        private static final long serialVersionUID = 1L;

        BindTimeoutException(ListenerSettings settings, Duration window, BindException cause) {
            super("Could not bind to " + settings.hostPort() + " after trying for "
                    + ListenerSettings.format(window.toMillis() / 1000.0) + " seconds", cause);
        }
    }

    /**
     * @return a bound, blocking channel
     * @throws BindTimeoutException when the address stayed in use for the whole window
     * @throws IOException when binding failed for another reason (address not on this host, permission)
     * @throws InterruptedException when the listener was stopped while waiting
     */
    static ServerSocketChannel bind(ListenerSettings settings) throws IOException, InterruptedException {
        return bind(settings, settings.bindTimeout);
    }

    private static ServerSocketChannel bind(ListenerSettings settings, Duration window)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + window.toNanos();
        while (true) {
            ServerSocketChannel channel = open(settings);
            try {
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                if (settings.sharesPort()) {
                    channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                }
                channel.bind(settings.socketAddress(), settings.backlog);
                return channel;
            } catch (BindException e) {
                channel.close();
                if (!inUse(e)) {
                    throw e;
                }
                if (System.nanoTime() - deadline >= 0) {
                    throw new BindTimeoutException(settings, window, e);
                }
                Thread.sleep(RETRY_INTERVAL.toMillis());
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }
    }

    /**
     * A socket of the address's own family, as Swift's get_socket makes it: an IPv4 address
     * (0.0.0.0 included) serves IPv4 only, so a host whose firewall knows only IPv4 exposes
     * nothing on IPv6; {@code ::} serves both (IPV6_V6ONLY off, Java's default).
     * {@code ServerSocketChannel.open()} would make a dual-stack socket and turn 0.0.0.0 into ::.
     */
    private static ServerSocketChannel open(ListenerSettings settings) throws IOException {
        return ServerSocketChannel.open(settings.address instanceof Inet4Address
                ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
    }

    /** EADDRINUSE; any other bind error (EADDRNOTAVAIL, EACCES) will not go away by waiting. */
    private static boolean inUse(BindException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("in use");
    }
}
