package io.berth.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

/**
 * A real memcached (Debian's, which {@code .ci/tools} installs) on a loopback port, TCP only, for
 * tests; it can be stopped and started again on the same port to play a server that dies and
 * returns. Given a directory, its pid file and output go there, so that a clean-up that looks for
 * processes by their directory finds it.
 */
public final class Memcached implements AutoCloseable {

    private final int port;
    /** Null: no pid file, output discarded. */
    private final Path dir;
    private Process process;

    /**
     * @param port where it listens, on 127.0.0.1
     * @param dir where its pid file ({@code memcached.pid}) and output ({@code memcached.log}) go, or null
     */
    public Memcached(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    /** @return a memcached on a free port, answering */
    public static Memcached start() throws IOException {
        Memcached memcached = new Memcached(freePort(), null);
        memcached.run();
        return memcached;
    }

    /** @return a loopback port free now */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Starts it (again), and returns once it answers {@code version}. */
    public void run() throws IOException {
        if (isRunning()) {
            throw new IllegalStateException("memcached is running on " + port);
        }
        String binary = Files.isExecutable(Path.of("/usr/bin/memcached")) ? "/usr/bin/memcached" : "memcached";
        List<String> command = new ArrayList<>(List.of(binary, "-l", "127.0.0.1", "-p", Integer.toString(port),
                "-U", "0", "-m", "64", "-c", "256"));
        if (dir != null) {
            command.addAll(List.of("-P", dir.resolve("memcached.pid").toString()));
        }
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("-u", "root")); // memcached refuses to run as root without it
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir == null ? ProcessBuilder.Redirect.DISCARD
                        : ProcessBuilder.Redirect.appendTo(dir.resolve("memcached.log").toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IOException("cannot start memcached (.ci/tools installs Debian's memcached): " + e.getMessage(), e);
        }
        Awaitility.await("memcached answering on " + port).atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20)).until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("memcached exited with " + process.exitValue());
                    }
                    return answers();
                });
    }

    /** Stops it (SIGTERM, then SIGKILL after 10 s) and waits for it to exit. */
    public void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Whether it answers {@code version}: what a client sees, not only that the process lives. */
    public boolean answers() {
        try {
            return command("version").startsWith("VERSION ");
        } catch (IOException e) {
            return false;
        }
    }

    /** The server as Swift's {@code memcache_servers} and Berth's cache stage name it. */
    public String server() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Sends one line and reads one answer line: for looking at what a server holds. */
    public String command(String line) throws IOException {
        try (Socket socket = connect()) {
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
    public String raw(String key) throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(("get " + key + "\r\n").getBytes(StandardCharsets.US_ASCII));
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

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            socket.setSoTimeout(2000);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
