package io.berth.socket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.berth.api.InvalidSettingException;

/** The options an accepted connection gets, read back from a real loopback socket. */
@Timeout(30)
class SocketOptionsTest {

    private ServerSocketChannel server;
    private SocketChannel client;
    private SocketChannel accepted;

    @BeforeEach
    void connect() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client = SocketChannel.open(server.getLocalAddress());
        accepted = server.accept();
    }

    @AfterEach
    void close() throws IOException {
        accepted.close();
        client.close();
        server.close();
    }

    @Test
    void tcpKeepIdleIsReachedOnThisJdk() {
        // JDK 17 on Linux, as Berth runs: if this fails, keep_idle is silently not applied.
        assertThat(SocketOptions.TCP_KEEPIDLE).isNotNull();
        assertThat(SocketOptions.TCP_KEEPIDLE.name()).isEqualTo("TCP_KEEPIDLE");
    }

    @Test
    void theConfiguredOptionsAreSet() throws Exception {
        SocketOptions.apply(accepted, settings(Map.of("tcp_nodelay", "false", "keep_idle", "77")));

        assertThat(accepted.getOption(StandardSocketOptions.TCP_NODELAY)).isFalse();
        assertThat(accepted.getOption(StandardSocketOptions.SO_KEEPALIVE)).isTrue();
        assertThat(accepted.getOption(SocketOptions.TCP_KEEPIDLE)).isEqualTo(77);
    }

    @Test
    void theDefaultsAreSwiftsNoDelayAndTenMinutesOfIdleness() throws Exception {
        SocketOptions.apply(accepted, settings(Map.of()));

        assertThat(accepted.getOption(StandardSocketOptions.TCP_NODELAY)).isTrue();
        assertThat(accepted.getOption(StandardSocketOptions.SO_KEEPALIVE)).isTrue();
        assertThat(accepted.getOption(SocketOptions.TCP_KEEPIDLE)).isEqualTo(600);
    }

    @Test
    void aClosedConnectionIsLeftAsItIs() throws Exception {
        accepted.close();

        // Its peer may hang up before the options are set: the connection is served (or lost) without them.
        SocketOptions.apply(accepted, settings(Map.of()));

        assertThat(accepted.isOpen()).isFalse();
    }

    private static ListenerSettings settings(Map<String, Object> extra) throws InvalidSettingException {
        Map<String, Object> config = new java.util.HashMap<>(Map.of("bind_ip", "127.0.0.1", "bind_port", 8080));
        config.putAll(extra);
        return ListenerSettings.parse("main", config);
    }
}
