package io.berth.middleware.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;

/**
 * A real memcached (Debian's, which {@code .ci/tools} installs) on a free loopback port, for
 * tests; stopped and started again on the same port to play a server that dies and returns.
 */
final class Memcached implements AutoCloseable {

    private final int port;
    private Process process;

    private Memcached(int port) {
        this.port = port;
    }

    static Memcached start() throws IOException {
        Memcached memcached = new Memcached(freePort());
        memcached.startAgain();
        return memcached;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The server as memcache_servers names it. */
    String server() {
        return "127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    void startAgain() throws IOException {
        String binary = Files.isExecutable(Path.of("/usr/bin/memcached")) ? "/usr/bin/memcached" : "memcached";
        List<String> command = new ArrayList<>(List.of(binary, "-l", "127.0.0.1", "-p", Integer.toString(port),
                "-U", "0", "-m", "16", "-c", "256"));
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("-u", "root")); // memcached refuses to run as root without it
        }
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IOException("cannot start memcached (.ci/tools installs Debian's memcached): " + e.getMessage(),
                    e);
        }
        Awaitility.await("memcached listening on " + port).atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20)).ignoreExceptions().until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("memcached exited with " + process.exitValue());
                    }
                    return "VERSION".equals(command("version").split(" ")[0]);
                });
    }

    void stop() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    /** Sends one line and reads one answer line: for looking at what a server holds. */
    String command(String line) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder answer = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0 && b != '\n') {
                if (b != '\r') {
                    answer.append((char) b);
                }
            }
            return answer.toString();
        }
    }

    /** The whole answer to a get, up to END: {@code VALUE key flags bytes} and the value, or just END. */
    String raw(String hashedKey) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(2000);
            socket.getOutputStream().write(("get " + hashedKey + "\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder answer = new StringBuilder();
            while (!answer.toString().endsWith("END\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                answer.append((char) b);
            }
            return answer.toString();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            stop();
        }
    }
}
