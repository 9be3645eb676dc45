package io.berth.itests;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * memcached on a loopback port, TCP only, that can be stopped and started again on the same
 * port (a restart under load). Its command line names the test's directory ({@code -P}), so
 * CI's clean-up of {@code itests/target/process-test*} finds it too.
 */
final class Memcached {

    final int port;
    private final Path dir;
    private Process memcached;

    Memcached(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    void start() throws IOException {
        if (isRunning()) {
            throw new IllegalStateException("memcached is running");
        }
        List<String> command = new ArrayList<>(List.of("memcached", "-l", "127.0.0.1", "-p", Integer.toString(port), "-U", "0",
                "-m", "64", "-P", dir.resolve("memcached.pid").toString()));
        if (System.getProperty("user.name").equals("root")) {
            // memcached refuses root unless told which user to be (CI's containers run as root).
            command.addAll(List.of("-u", "root"));
        }
        memcached = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("memcached.log").toFile()))
                .start();
    }

    void stop() throws InterruptedException {
        Processes.stop(memcached, 10_000);
    }

    boolean isRunning() {
        return memcached != null && memcached.isAlive();
    }

    /** Whether it answers {@code version}: what a client sees, not only that the process lives. */
    boolean answers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
            socket.setSoTimeout(2_000);
            socket.getOutputStream().write("version\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] answer = new byte[64];
            int read = socket.getInputStream().read(answer);
            return read > 0 && new String(answer, 0, read, StandardCharsets.US_ASCII).startsWith("VERSION ");
        } catch (IOException e) {
            return false;
        }
    }

    /** The server's address as Swift's memcache_servers and Berth's cache stage take it. */
    String address() {
        return "127.0.0.1:" + port;
    }
}
