package io.berth.socket.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.HashMap;
import java.util.Map;

import io.berth.api.InvalidSettingException;

/** Generations, workers and acceptors for unit tests of the parts of a listener, without Jetty. */
final class TestGenerations {

    private TestGenerations() {
    }

    /** A listener "main" on 127.0.0.1:{@code port}, with these keys on top. */
    static ListenerSettings settings(int port, Object... keysAndValues) {
        Map<String, Object> config = new HashMap<>(Map.of("bind_ip", "127.0.0.1", "bind_port", port));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            config.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        try {
            return ListenerSettings.parse("main", config);
        } catch (InvalidSettingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** An acceptor over a socket bound to a free loopback port; not started. */
    static Acceptor boundAcceptor(String name) {
        try {
            ServerSocketChannel channel = ServerSocketChannel.open()
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return new Acceptor(name, channel, () -> true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A generation of {@code workers} workers (at least one), each with a bound acceptor; nothing started. */
    static Generation generation(ListenerSettings settings, int number) {
        Generation generation = new Generation(settings, number);
        for (int i = 0; i < settings.sockets(); i++) {
            generation.workers.add(new ListenerRuntime.Worker(generation, i, boundAcceptor("main-" + i), new ListenerTotals(),
                    worker -> { }, line -> { }));
        }
        return generation;
    }
}
