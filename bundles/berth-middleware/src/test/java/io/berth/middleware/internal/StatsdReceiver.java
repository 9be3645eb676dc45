package io.berth.middleware.internal;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A StatsD server as far as the tests need one: a UDP socket on loopback keeping each datagram as a line. */
final class StatsdReceiver implements AutoCloseable {

    private final DatagramSocket socket;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread thread;

    StatsdReceiver() throws SocketException {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        thread = new Thread(this::receive, "statsd-receiver");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    private void receive() {
        byte[] buffer = new byte[65536];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (IOException closed) {
                return;
            }
            lines.add(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
        }
    }

    /**
     * @return the lines received until none came for {@code quiet}, taken away
     */
    List<String> take(Duration quiet) throws InterruptedException {
        List<String> taken = new ArrayList<>();
        for (String line; (line = lines.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null;) {
            taken.add(line);
        }
        return taken;
    }

    /** @return {@code count} lines, waiting up to {@code timeout} for them, then any that follow within 300 ms */
    List<String> take(int count, Duration timeout) throws InterruptedException {
        List<String> taken = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (taken.size() < count) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                break;
            }
            taken.add(line);
        }
        taken.addAll(take(Duration.ofMillis(300)));
        return taken;
    }

    @Override
    public void close() {
        socket.close();
    }
}
