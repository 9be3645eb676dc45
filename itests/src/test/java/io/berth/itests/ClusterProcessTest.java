package io.berth.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.FixMethodOrder;
import org.junit.Test;
import org.junit.runners.MethodSorters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three Berth nodes behind HAProxy, with memcached, as processes on loopback (issue 16): what a
 * client of the balancer sees while the nodes are restarted or their certificate renewed.
 *
 * <p>To add a test that needs the nodes configured otherwise (the cache stage: a token issued
 * through one node accepted by the others, a rate limit held across nodes, memcached restarted
 * under load): write each node's pipeline in {@link #startCluster} before {@code cluster.start()},
 * e.g. {@code cluster.node(i).pipeline("main", "pipeline = catch_errors healthcheck cache tempauth
 * ratelimit hello", "path = /", "listeners = main tls", "cache.memcache_servers = " +
 * cluster.memcached.address())}, or change a node's files while it runs (Berth applies them live;
 * await the change). Then: {@link BerthNode#get(String, String...)} asks one node directly, with
 * headers (a token from node 1 tried on node 2); {@link Load} drives paced load through
 * {@link BerthCluster#httpPort} with headers ({@link Load.Target#withHeaders}), and counts every
 * status ({@link Load#statuses()}: 200 against 429) and failure by phase afterwards;
 * {@link BerthCluster#memcachedStop()} and {@link BerthCluster#memcachedStart()} take memcached
 * away and bring it back on the same port; {@link BerthCluster#restart(int)} restarts a node.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class ClusterProcessTest {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterProcessTest.class);

    private static final int NODES = 3;
    /**
     * Above HAProxy's time to notice a node going: two failed checks a second apart, each of which
     * may take a while on a busy CI machine. As bench/cluster and DistributionProcessTest.
     */
    private static final int SHUTDOWN_DELAY_SECONDS = 4;
    private static final int CLIENT_THREADS = 8;
    /**
     * Per client thread: 800 requests/s in all, well under what the machine serves, so that a
     * restarting node boots in its usual time on 2 cores shared with two serving nodes, HAProxy
     * and this client.
     */
    private static final double REQUESTS_PER_SECOND_PER_THREAD = 100;
    /** Load not measured, first: the JIT of client, balancer path and nodes settles (a cold p99 is several times a warm one). */
    private static final Duration WARM_UP = Duration.ofSeconds(3);
    /** A measuring window of load with nothing happening: the baseline the other phases are compared with. */
    private static final Duration STEADY = Duration.ofSeconds(5);

    private static BerthCluster cluster;
    private static SelfSigned first;
    private static SelfSigned renewed;

    @BeforeClass
    public static void startCluster() throws Exception {
        // Under itests/target/process-test*: CI kills what a failed run leaves there.
        Path dir = Paths.get("target", "process-test-cluster").toAbsolutePath();
        cluster = BerthCluster.unpack(dir, NODES, SHUTDOWN_DELAY_SECONDS);
        Path certificates = Files.createDirectories(dir.resolve("certificates"));
        first = SelfSigned.generate(certificates.resolve("first"), "Berth first");
        renewed = SelfSigned.generate(certificates.resolve("renewed"), "Berth renewed");
        for (BerthNode node : cluster.nodes()) {
            node.tls(first.cert(), first.key(), "cert_check_interval = 1", "shutdown_delay = " + SHUTDOWN_DELAY_SECONDS);
        }
        long start = System.nanoTime();
        cluster.start();
        LOG.info("{} nodes, memcached and HAProxy up in {} s: {}", NODES, (System.nanoTime() - start) / 1_000_000_000,
                cluster.status());
    }

    @AfterClass
    public static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    public void a_aRollingRestartUnderLoadFailsNoRequestAndEveryNodeServesAgain() throws Exception {
        Load load = Load.start(Load.Target.http(cluster.httpPort, "/hello"), CLIENT_THREADS, REQUESTS_PER_SECOND_PER_THREAD);
        List<BerthCluster.Restart> restarts = new ArrayList<>();
        Map<String, Long> sessionsWhenBack = new HashMap<>();
        long steadyFrom;
        long restartsFrom;
        long restartsTo;
        Load.Stats total;
        try {
            measure(WARM_UP);
            steadyFrom = System.nanoTime();
            measure(STEADY);
            restartsFrom = System.nanoTime();
            for (int i = 0; i < NODES; i++) {
                restarts.add(cluster.restart(i));
                String name = cluster.node(i).name;
                sessionsWhenBack.put(name, sessions(name));
            }
            restartsTo = System.nanoTime();
            measure(Duration.ofSeconds(2));
        } finally {
            total = load.stop();
        }
        Load.Stats steady = load.stats(steadyFrom, restartsFrom);
        Load.Stats during = load.stats(restartsFrom, restartsTo);
        restarts.forEach(restart -> LOG.info("Rolling restart, {}", restart));
        LOG.info("Rolling restart through HAProxy, steady state: {}", steady);
        LOG.info("Rolling restart through HAProxy, during the {} restarts: {}", NODES, during);
        LOG.info("Rolling restart through HAProxy, whole run (warm-up included): {}", total);

        assertEquals("failed requests: " + load.failures() + ", statuses " + load.statuses(), 0, total.failed());
        assertTrue("load ran during the restarts: " + during, during.ok() > 0);
        Map<String, String> status = cluster.status();
        for (BerthNode node : cluster.nodes()) {
            assertTrue(node.name + " answers /hello", node.serving());
            assertEquals(node.name + " in HAProxy: " + status, "UP", status.get(node.name));
            assertTrue(node.name + " got requests through HAProxy after it came back",
                    sessions(node.name) > sessionsWhenBack.get(node.name));
        }
    }

    @Test
    public void b_aCertificateRenewedUnderLoadIsServedOnNewConnectionsAndFailsNoRequest() throws Exception {
        for (BerthNode node : cluster.nodes()) {
            assertEquals(node.name + " serves the first certificate", first.fingerprint(), SelfSigned.served(node.tlsPort())[0]);
        }
        Load load = Load.start(Load.Target.https(cluster.tlsPort, "/hello"), CLIENT_THREADS, REQUESTS_PER_SECOND_PER_THREAD / 2);
        long steadyFrom;
        long renewedAt;
        long servedAt;
        Load.Stats total;
        try {
            measure(WARM_UP);
            steadyFrom = System.nanoTime();
            measure(STEADY);
            renewedAt = System.nanoTime();
            // As certbot or cert-manager renew: new files renamed over the old ones, the key first.
            for (BerthNode node : cluster.nodes()) {
                TestFiles.replaceAtomically(node.tlsFile("key.pem"), Files.readAllBytes(renewed.key()));
                TestFiles.replaceAtomically(node.tlsFile("cert.pem"), Files.readAllBytes(renewed.cert()));
            }
            for (BerthNode node : cluster.nodes()) {
                BerthCluster.await(node.name + " presents the renewed certificate to openssl s_client", () -> {
                    try {
                        return renewed.fingerprint().equals(SelfSigned.served(node.tlsPort())[0]);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
            servedAt = System.nanoTime();
            // New connections of the load, after every node serves the new certificate.
            measure(Duration.ofSeconds(3));
        } finally {
            total = load.stop();
        }
        Load.Stats steady = load.stats(steadyFrom, renewedAt);
        Load.Stats during = load.stats(renewedAt, servedAt);
        Load.Stats after = load.stats(servedAt, System.nanoTime());
        LOG.info("Certificate renewal through HAProxy (TCP), before: {}", steady);
        LOG.info("Certificate renewal through HAProxy (TCP), files renamed until every node serves the new one ({} s): {}",
                String.format(Locale.ROOT, "%.1f", (servedAt - renewedAt) / 1e9), during);
        LOG.info("Certificate renewal through HAProxy (TCP), after: {}", after);
        LOG.info("Certificate renewal: certificates the load's connections got: {} (first {}, renewed {})",
                load.certificates(), first.fingerprint(), renewed.fingerprint());

        assertEquals("failed requests: " + load.failures(), 0, total.failed());
        String[] throughHaproxy = SelfSigned.served(cluster.tlsPort);
        assertEquals("through HAProxy", List.of(renewed.fingerprint(), renewed.subject()), List.of(throughHaproxy));
        Map<String, Long> seen = load.certificates();
        assertEquals("the load's new connections got the first certificate, then the renewed one, nothing else: " + seen,
                List.of(first.fingerprint(), renewed.fingerprint()).stream().sorted().toList(), List.copyOf(seen.keySet()));
        assertTrue("connections after the renewal: " + seen, seen.get(renewed.fingerprint()) > 0 && after.ok() > 0);
        for (BerthNode node : cluster.nodes()) {
            assertTrue(node.name + " logged the reload", node.log().contains("Berth listener tls: " + node.tlsFile("cert.pem")
                    + " changed: reloading with the new certificate"));
        }
    }

    @Test
    public void c_memcachedStopsAndStartsAgainOnItsPortForTheCacheStage() throws Exception {
        // What the cache stage's tests will do under load: here only that the harness can.
        assertTrue("memcached answers", cluster.memcached.answers());
        cluster.memcachedStop();
        assertFalse("memcached stopped: nothing answers on " + cluster.memcached.address(), cluster.memcached.answers());
        cluster.memcachedStart();
        assertTrue("memcached answers again on " + cluster.memcached.address(), cluster.memcached.answers());
    }

    /** HAProxy's count of sessions it sent to a node, all told. */
    private static long sessions(String node) {
        return Long.parseLong(cluster.haproxy.stat(BerthCluster.BACKEND).get(node).get("stot"));
    }

    /**
     * Lets the load run for a measuring window. Not a wait for something to happen: the window's
     * requests are the measurement.
     */
    private static void measure(Duration window) throws InterruptedException {
        Thread.sleep(window.toMillis());
    }
}
