package io.berth.itests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.testing.Memcached;

/**
 * Berth as issue 16 deploys it, on loopback: several nodes (each a distribution in a process of
 * its own), one memcached, and HAProxy in front that checks {@code GET /healthcheck} every second
 * ({@code fall 2 rise 2}) and never retries a request ({@code retries 0}, no redispatch): every
 * request a node drops reaches the client.
 *
 * <p>Two steps, so that a test can shape the nodes first: {@link #unpack} copies and configures
 * the nodes (each node's files can then be changed through {@link #node}: pipelines, listeners,
 * the memcached address {@link Memcached#server()}), {@link #start} starts memcached, the nodes
 * in parallel, then HAProxy, and returns once HAProxy sees every node UP. {@link #close} stops all
 * of it, whatever state it is in.
 */
final class BerthCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BerthCluster.class);

    /** HAProxy's backend of the nodes' main listeners. */
    static final String BACKEND = "berth";
    /** HAProxy's TCP backend of the nodes' TLS listeners (with {@link BerthNode#tls}). */
    static final String TLS_BACKEND = "berth-tls";
    /** A node's boot on a busy 2-core machine, with margin. */
    static final Duration PATIENCE = Duration.ofSeconds(120);

    final Path dir;
    final Memcached memcached;
    final HAProxy haproxy;
    /** HAProxy's HTTP frontend: the address clients use. */
    final int httpPort;
    /** HAProxy's TCP frontend to the TLS listeners, when the nodes have them. */
    final int tlsPort;
    private final List<BerthNode> nodes;

    private BerthCluster(Path dir, List<BerthNode> nodes, Memcached memcached) throws IOException {
        this.dir = dir;
        this.nodes = nodes;
        this.memcached = memcached;
        this.haproxy = new HAProxy(dir);
        this.httpPort = BerthTestSupport.freePortNumber();
        this.tlsPort = BerthTestSupport.freePortNumber();
    }

    /**
     * Fresh copies of the distribution in dir/node1..N (dir is emptied first), listening on
     * loopback only, each main listener keeping {@code shutdown_delay} seconds after SIGTERM: set it
     * above HAProxy's time to notice a node going (2 s here), or a rolling restart drops requests.
     * Keep dir under {@code itests/target/process-test*}, which CI's clean-up knows.
     */
    static BerthCluster unpack(Path dir, int size, int shutdownDelaySeconds) throws IOException {
        Path root = dir.toAbsolutePath();
        TestFiles.deleteTree(root);
        Files.createDirectories(root);
        List<BerthNode> nodes = new ArrayList<>();
        for (int i = 1; i <= size; i++) {
            nodes.add(BerthNode.unpack("node" + i, root.resolve("node" + i)).loopbackOnly()
                    .set("berth.listener-main.cfg", "shutdown_delay", Integer.toString(shutdownDelaySeconds)));
        }
        return new BerthCluster(root, List.copyOf(nodes), new Memcached(BerthTestSupport.freePortNumber(), root));
    }

    /** Node i, from 0. */
    BerthNode node(int i) {
        return nodes.get(i);
    }

    List<BerthNode> nodes() {
        return nodes;
    }

    int size() {
        return nodes.size();
    }

    /** memcached, every node (in parallel), then HAProxy; returns when HAProxy sees every node UP. */
    void start() throws IOException, InterruptedException {
        memcachedStart();
        for (BerthNode node : nodes) {
            node.start();
        }
        for (BerthNode node : nodes) {
            awaitServing(node);
        }
        haproxy.start(haproxyConfiguration());
        for (int i = 0; i < nodes.size(); i++) {
            awaitUp(i);
        }
    }

    /**
     * A node's restart as an orchestrator does it: SIGTERM, wait for the process to exit, start it
     * again, wait until it answers and HAProxy has it UP again.
     */
    Restart restart(int i) throws IOException, InterruptedException {
        BerthNode node = node(i);
        long signalled = System.nanoTime();
        node.terminate();
        if (!node.awaitExit(PATIENCE)) {
            throw new IllegalStateException(node.name + " did not exit within " + PATIENCE + " of SIGTERM");
        }
        long exited = System.nanoTime();
        node.start();
        awaitServing(node);
        long serving = System.nanoTime();
        awaitUp(i);
        long up = System.nanoTime();
        return new Restart(node.name, seconds(exited - signalled), seconds(serving - exited), seconds(up - serving));
    }

    /** How long a restart's steps took, in seconds. */
    record Restart(String node, double stopping, double starting, double rejoining) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: SIGTERM to exit %.1f s, start to first 200 %.1f s, to UP in HAProxy %.1f s",
                    node, stopping, starting, rejoining);
        }
    }

    /** Waits until the node answers GET /hello itself; fails at once if its process exits. */
    private static void awaitServing(BerthNode node) {
        await(node.name + " answers GET /hello (see " + node.home.resolve("data/log/karaf.log") + ")", () -> {
            if (!node.isRunning()) {
                throw new IllegalStateException(node.name + " exited: see " + node.home.resolve("console.out"));
            }
            return node.serving();
        });
    }

    /** Waits until HAProxy has node i UP in the HTTP backend (and the TLS one, if any). */
    void awaitUp(int i) {
        String name = node(i).name;
        await("HAProxy has " + name + " UP", () -> "UP".equals(haproxy.servers(BACKEND).get(name))
                && (!tls() || "UP".equals(haproxy.servers(TLS_BACKEND).get(name))));
    }

    /** Stops memcached; the nodes' cache stages then find it gone. */
    void memcachedStop() throws InterruptedException {
        memcached.stop();
    }

    /** Starts memcached again on the same port, and waits until it answers. */
    void memcachedStart() throws IOException {
        memcached.run();
        await("memcached answers on " + memcached.server() + " (see " + dir.resolve("memcached.log") + ")",
                () -> {
                    if (!memcached.isRunning()) {
                        throw new IllegalStateException("memcached exited: see " + dir.resolve("memcached.log"));
                    }
                    return memcached.answers();
                });
    }

    private boolean tls() {
        return Files.exists(node(0).etc("berth.listener-tls.cfg"));
    }

    private String haproxyConfiguration() {
        List<String> lines = new ArrayList<>(List.of(
                "global",
                "  maxconn 4096",
                "  " + haproxy.statsSocketLine(),
                "defaults",
                "  mode http",
                "  timeout connect 2s",
                "  timeout client 30s",
                "  timeout server 30s",
                // A balancer that does not hide a node's mistakes: no retry, no second server.
                "  retries 0",
                "  no option redispatch",
                "frontend http",
                "  bind 127.0.0.1:" + httpPort,
                "  default_backend " + BACKEND,
                "backend " + BACKEND,
                "  option httpchk GET /healthcheck",
                "  default-server inter 1s fall 2 rise 2"));
        for (BerthNode node : nodes) {
            lines.add("  server " + node.name + " 127.0.0.1:" + node.httpPort + " check");
        }
        if (tls()) {
            // TLS passes through: clients see each node's own certificate. The check is the main
            // listener's health check, so a draining node leaves both backends at once.
            lines.addAll(List.of(
                    "listen " + TLS_BACKEND,
                    "  mode tcp",
                    "  bind 127.0.0.1:" + tlsPort,
                    "  option httpchk GET /healthcheck",
                    "  default-server inter 1s fall 2 rise 2"));
            for (BerthNode node : nodes) {
                lines.add("  server " + node.name + " 127.0.0.1:" + node.tlsPort() + " check port " + node.httpPort);
            }
        }
        return String.join("\n", lines) + "\n";
    }

    /** Stops HAProxy, every node (SIGTERM to all, SIGKILL to what is left after 30 s) and memcached. */
    @Override
    public void close() throws InterruptedException {
        try {
            haproxy.stop();
        } catch (RuntimeException e) {
            LOG.warn("Stopping HAProxy: {}", e.toString());
        }
        for (BerthNode node : nodes) {
            try {
                if (node.isRunning()) {
                    node.terminate();
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("SIGTERM to {}: {}", node.name, e.toString());
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (BerthNode node : nodes) {
            if (!node.awaitExit(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                LOG.warn("{} still running 30 s after SIGTERM: killed", node.name);
                node.kill();
            }
        }
        memcached.stop();
    }

    static void await(String what, BooleanSupplier condition) {
        Awaitility.await(what).atMost(PATIENCE).pollInterval(100, TimeUnit.MILLISECONDS).until(condition::getAsBoolean);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** Each node's status in HAProxy's HTTP backend, for a log line or an assertion message. */
    Map<String, String> status() {
        return haproxy.servers(BACKEND);
    }
}
