package io.berth.itests;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Berth distribution as an operator runs it: a copy of karaf-assembly's target/assembly with
 * ports of its own (main and admin listeners, Karaf's SSH and RMI), {@code bin/karaf server} in a
 * process of its own, SIGTERM to stop. Keep homes under {@code itests/target/process-test*}: CI
 * kills what is left there by that path.
 */
final class BerthNode {

    final String name;
    final Path home;
    final int httpPort;
    final int adminPort;
    final int sshPort;
    final int rmiRegistryPort;
    final int rmiServerPort;
    /** The TLS listener's port, once {@link #tls} gave the node one; 0 before. */
    private int tlsPort;
    private volatile Process karaf;

    private BerthNode(String name, Path home) throws IOException {
        this.name = name;
        this.home = home;
        this.httpPort = BerthTestSupport.freePortNumber();
        this.adminPort = BerthTestSupport.freePortNumber();
        this.sshPort = BerthTestSupport.freePortNumber();
        this.rmiRegistryPort = BerthTestSupport.freePortNumber();
        this.rmiServerPort = BerthTestSupport.freePortNumber();
    }

    /**
     * A fresh copy of the built distribution (system property {@code berth.assembly.dir}) at home,
     * never started (no data/, no keys), its ports moved to free ones. Listeners keep the shipped
     * addresses: {@link #loopbackOnly()} binds the main one to 127.0.0.1 too.
     */
    static BerthNode unpack(String name, Path home) throws IOException {
        return unpack(name, home, Paths.get(System.getProperty("berth.assembly.dir")));
    }

    /** As {@link #unpack(String, Path)}, from the unpacked distribution in {@code assembly}. */
    static BerthNode unpack(String name, Path home, Path assembly) throws IOException {
        BerthNode node = new BerthNode(name, home.toAbsolutePath());
        TestFiles.deleteTree(node.home);
        TestFiles.copyTree(assembly, node.home);
        TestFiles.deleteTree(node.home.resolve("data"));
        Files.deleteIfExists(node.etc("berth-client.key"));
        Files.deleteIfExists(node.etc("host.key"));
        Files.deleteIfExists(node.etc("host.key.pub"));
        TestFiles.replace(node.etc("berth.listener-main.cfg"), "bind_port = 8080", "bind_port = " + node.httpPort);
        TestFiles.replace(node.etc("berth.listener-admin.cfg"), "bind_port = 9180", "bind_port = " + node.adminPort);
        TestFiles.replace(node.etc("org.apache.karaf.shell.cfg"), "sshPort = 8101", "sshPort = " + node.sshPort);
        TestFiles.replace(node.etc("org.apache.karaf.management.cfg"), "rmiRegistryPort = 1099",
                "rmiRegistryPort = " + node.rmiRegistryPort);
        TestFiles.replace(node.etc("org.apache.karaf.management.cfg"), "rmiServerPort = 44444",
                "rmiServerPort = " + node.rmiServerPort);
        return node;
    }

    /** The main listener on 127.0.0.1 only (SSH, RMI and the admin listener are on loopback as shipped). */
    BerthNode loopbackOnly() throws IOException {
        return set("berth.listener-main.cfg", "bind_ip", "127.0.0.1");
    }

    Path etc(String file) {
        return home.resolve("etc").resolve(file);
    }

    /**
     * Sets {@code key = value} in a file of etc/: the line that sets it (commented out or not) is
     * replaced, else the line is added. Before start, or while running: Berth applies its files live.
     */
    BerthNode set(String file, String key, String value) throws IOException {
        Path path = etc(file);
        String text = Files.exists(path) ? Files.readString(path) : "";
        String line = key + " = " + value;
        Matcher setting = Pattern.compile("(?m)^#? ?" + Pattern.quote(key) + " = .*$").matcher(text);
        String changed = setting.find() ? text.substring(0, setting.start()) + line + text.substring(setting.end())
                : text + (text.isEmpty() || text.endsWith("\n") ? "" : "\n") + line + "\n";
        Files.writeString(path, changed);
        return this;
    }

    /** Writes etc/berth.listener-NAME.cfg whole: a new listener, or one replaced. */
    BerthNode listener(String listener, String... lines) throws IOException {
        Files.writeString(etc("berth.listener-" + listener + ".cfg"), String.join("\n", lines) + "\n");
        return this;
    }

    /**
     * Writes etc/berth.pipeline-NAME.cfg whole, e.g. {@code pipeline("main", "pipeline = catch_errors
     * healthcheck cache tempauth hello", "path = /", "listeners = main")}.
     */
    BerthNode pipeline(String pipeline, String... lines) throws IOException {
        Files.writeString(etc("berth.pipeline-" + pipeline + ".cfg"), String.join("\n", lines) + "\n");
        return this;
    }

    /**
     * Gives the node a TLS listener "tls" on a port of its own, serving the main pipeline too,
     * from copies of the PEM files in etc/tls/ (which {@link #tlsFile} names, for a renewal).
     *
     * @param settings more lines of the listener's file, e.g. {@code cert_check_interval = 1}
     * @return its port
     */
    int tls(Path certFile, Path keyFile, String... settings) throws IOException {
        Files.createDirectories(etc("tls"));
        Files.copy(certFile, tlsFile("cert.pem"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(keyFile, tlsFile("key.pem"), StandardCopyOption.REPLACE_EXISTING);
        tlsPort = BerthTestSupport.freePortNumber();
        List<String> lines = new ArrayList<>(List.of("bind_ip = 127.0.0.1", "bind_port = " + tlsPort,
                "cert_file = " + tlsFile("cert.pem"), "key_file = " + tlsFile("key.pem")));
        lines.addAll(List.of(settings));
        listener("tls", lines.toArray(new String[0]));
        set("berth.pipeline-main.cfg", "listeners", "main tls");
        return tlsPort;
    }

    /** etc/tls/cert.pem or etc/tls/key.pem: the files the TLS listener reads. */
    Path tlsFile(String name) {
        return etc("tls").resolve(name);
    }

    int tlsPort() {
        if (tlsPort == 0) {
            throw new IllegalStateException(name + " has no TLS listener");
        }
        return tlsPort;
    }

    /** Starts {@code bin/karaf server}; console output goes to console.out beside etc/. */
    void start() throws IOException {
        start(Map.of());
    }

    void start(Map<String, String> environment) throws IOException {
        if (karaf != null && karaf.isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        ProcessBuilder start = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("console.out").toFile()));
        start.environment().putAll(environment);
        karaf = start.start();
    }

    /** bin/karaf as started; null before. */
    Process process() {
        return karaf;
    }

    boolean isRunning() {
        Process running = karaf;
        return running != null && running.isAlive();
    }

    /** The JVM bin/karaf runs: signals go to it (bin/karaf's shell does not pass them on). */
    Optional<ProcessHandle> java() {
        Process running = karaf;
        if (running == null) {
            return Optional.empty();
        }
        return running.toHandle().descendants().filter(p -> p.info().command().orElse("").endsWith("java")).findFirst();
    }

    /** SIGTERM to the JVM, as systemd or an orchestrator stops a node. */
    void terminate() throws IOException, InterruptedException {
        ProcessHandle java = java().orElseThrow(() -> new IllegalStateException(name + " has no JVM running"));
        Processes.signal(java.pid(), "TERM");
    }

    /** Whether bin/karaf exited within the time. */
    boolean awaitExit(Duration patience) throws InterruptedException {
        Process running = karaf;
        return running == null || running.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** SIGTERM, then SIGKILL to whatever is left after the patience: for clean-up, safe to call in any state. */
    void stop(Duration patience) throws InterruptedException {
        Process running = karaf;
        if (running == null) {
            return;
        }
        try {
            if (running.isAlive()) {
                terminate();
            }
        } catch (IOException | IllegalStateException e) {
            // no JVM yet or any more: killed below
        }
        if (!awaitExit(patience)) {
            kill();
        }
    }

    /** SIGKILL to bin/karaf and every process it started. */
    void kill() throws InterruptedException {
        Process running = karaf;
        if (running == null) {
            return;
        }
        running.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        running.destroyForcibly();
        running.waitFor(30, TimeUnit.SECONDS);
    }

    /** One GET to this node's main listener on a connection of its own: the raw response, or the exception's text. */
    String get(String path, String... headers) {
        return get(httpPort, path, headers);
    }

    /** Whether GET /hello answers 200 on this node's main listener. */
    boolean serving() {
        return get("/hello").startsWith("HTTP/1.1 200");
    }

    String log() throws IOException {
        Path log = home.resolve("data/log/karaf.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /**
     * One GET to a loopback port (a node's, or HAProxy's) on a connection of its own, with request
     * headers such as {@code "X-Auth-Token: AUTH_tk..."}: the raw response, or the exception's text.
     */
    static String get(int port, String path, String... headers) {
        StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: localhost\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public String toString() {
        return name + " (" + home + ", http " + httpPort + ")";
    }
}
