package io.berth.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

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
 * <p>Every node's main pipeline has a cache stage on the shared memcached and tempauth after it,
 * and a pipeline {@code limited} at {@code /limited} limits each account (header
 * {@code X-Account}) to 100 requests a second across the nodes ({@code ratelimit.backend =
 * memcache}). The methods run in name order: a token issued at start must still work after
 * {@code a_}'s rolling restart.
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

    /**
     * The rate ratelimit allows each account across the cluster, and its burst: half a second's
     * worth, so that the test's clients, paused for less than that on a busy machine, leave no
     * token unused (tokens a full bucket cannot hold are lost, by design, and the count would
     * then measure the machine).
     */
    private static final int RATE = 100;
    private static final int BURST = 50;

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static BerthCluster cluster;
    private static SelfSigned first;
    private static SelfSigned renewed;
    /** Issued through HAProxy once the cluster is up, before any restart. */
    private static String tokenFromTheStart;

    @BeforeClass
    public static void startCluster() throws Exception {
        // Under itests/target/process-test*: CI kills what a failed run leaves there.
        Path dir = Paths.get("target", "process-test-cluster").toAbsolutePath();
        cluster = BerthCluster.unpack(dir, NODES, SHUTDOWN_DELAY_SECONDS);
        Path certificates = Files.createDirectories(dir.resolve("certificates"));
        first = SelfSigned.generate(certificates.resolve("first"), "Berth first");
        renewed = SelfSigned.generate(certificates.resolve("renewed"), "Berth renewed");
        String memcached = "cache.memcache_servers = " + cluster.memcached.server();
        for (BerthNode node : cluster.nodes()) {
            // Short error suppression: memcached back after a restart is used again within seconds.
            node.pipeline("main", "pipeline = catch_errors gatekeeper healthcheck proxy_logging cache tempauth hello",
                    "path = /", "listeners = main", memcached, "cache.error_suppression_interval = 2",
                    "tempauth.user_test_tester = testing .admin");
            node.pipeline("limited", "pipeline = catch_errors cache ratelimit hello", "path = /limited",
                    "listeners = main", memcached, "ratelimit.backend = memcache", "ratelimit.key = X-Account",
                    "ratelimit.max_rate = " + RATE, "ratelimit.burst = " + BURST);
            node.tls(first.cert(), first.key(), "cert_check_interval = 1", "shutdown_delay = " + SHUTDOWN_DELAY_SECONDS);
        }
        long start = System.nanoTime();
        cluster.start();
        tokenFromTheStart = login(cluster.httpPort);
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
    public void c_aTokenIssuedThroughOneNodeWorksOnEveryNodeAndOutlivesTheirRestarts() throws Exception {
        String token = login(cluster.node(1).httpPort);
        for (BerthNode node : cluster.nodes()) {
            assertEquals(node.name + " accepts a token another node issued", 200, status(node.httpPort, token));
            assertEquals(node.name + " accepts the token issued at start, before a_ restarted every node", 200,
                    status(node.httpPort, tokenFromTheStart));
            assertEquals(node.name + " refuses a token no node issued", 401,
                    status(node.httpPort, "AUTH_tk" + "0".repeat(32)));
        }
        assertEquals("a user asking again on another node gets the same token", token, login(cluster.node(2).httpPort));
    }

    @Test
    public void d_aRateLimitPerAccountHoldsAcrossTheThreeNodesWithinTenPercent() throws Exception {
        String account = "account-" + System.nanoTime();
        Map<String, Load> loads = new LinkedHashMap<>();
        long from = System.nanoTime();
        // Each node directly, three threads each as fast as answers come: far more than the limit.
        for (BerthNode node : cluster.nodes()) {
            loads.put(node.name, Load.start(Load.Target.http(node.httpPort, "/limited/x")
                    .withHeaders("X-Account: " + account), 3, 0));
        }
        measure(Duration.ofSeconds(5));
        Map<String, Long> admitted = new LinkedHashMap<>();
        long refused = 0;
        List<String> unexpected = new ArrayList<>();
        for (Map.Entry<String, Load> each : loads.entrySet()) {
            Load load = each.getValue();
            Load.Stats stats = load.stop();
            Map<Integer, Long> statuses = new HashMap<>(load.statuses());
            long noAnswer = stats.requests() - statuses.values().stream().mapToLong(Long::longValue).sum();
            long ok = statuses.getOrDefault(200, 0L);
            long limited = statuses.getOrDefault(429, 0L);
            if (ok > 0) {
                admitted.put(each.getKey(), ok);
            }
            refused += limited;
            statuses.remove(200);
            statuses.remove(429);
            if (!statuses.isEmpty() || noAnswer != 0) {
                unexpected.add(each.getKey() + ": statuses " + statuses + ", " + noAnswer + " without an answer "
                        + load.failures());
            }
        }
        double seconds = (System.nanoTime() - from) / 1e9;
        long total = admitted.values().stream().mapToLong(Long::longValue).sum();
        double expected = BURST + RATE * seconds;
        LOG.info("Rate limit across {} nodes: {} admitted ({} by node), {} refused in {} s; {} expected ({} + {}/s), {}",
                NODES, total, admitted, refused, String.format(Locale.ROOT, "%.2f", seconds),
                Math.round(expected), BURST, RATE,
                String.format(Locale.ROOT, "%+.1f%%", 100 * (total - expected) / expected));

        assertEquals("answers other than 200 and 429: " + unexpected, List.of(), unexpected);
        assertTrue("attempts far above the limit: " + refused + " refused", refused > 2 * expected);
        assertEquals("every node admitted some: " + admitted, NODES, admitted.size());
        assertTrue("admitted " + total + " of " + Math.round(expected) + " expected, within 10%",
                Math.abs(total - expected) <= 0.1 * expected);
    }

    @Test
    public void e_memcachedStoppedAndStartedUnderLoadGivesNo500AndTokensWorkAgain() throws Exception {
        Load load = Load.start(Load.Target.http(cluster.httpPort, "/hello"), CLIENT_THREADS / 2,
                REQUESTS_PER_SECOND_PER_THREAD);
        Map<Integer, LongAdder> authStatuses = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        // A Swift client's behaviour: use the token, log in again on 401.
        Thread client = new Thread(() -> {
            String token = null;
            while (running.get()) {
                try {
                    int status;
                    if (token == null) {
                        HttpResponse<Void> login = HTTP.send(loginRequest(cluster.httpPort),
                                HttpResponse.BodyHandlers.discarding());
                        status = login.statusCode();
                        token = login.headers().firstValue("X-Auth-Token").orElse(null);
                    } else {
                        status = status(cluster.httpPort, token);
                        if (status == 401) {
                            token = null;
                        }
                    }
                    authStatuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                    Thread.sleep(20);
                } catch (Exception e) {
                    authStatuses.computeIfAbsent(-1, s -> new LongAdder()).increment();
                }
            }
        }, "token-client");
        client.start();
        Load.Stats total;
        try {
            measure(WARM_UP);
            cluster.memcachedStop();
            measure(Duration.ofSeconds(3));
            cluster.memcachedStart();
            // error_suppression_interval = 2: the nodes try memcached again within seconds.
            BerthCluster.await("a token is issued and accepted by every node again", () -> {
                try {
                    String token = login(cluster.httpPort);
                    for (BerthNode node : cluster.nodes()) {
                        if (status(node.httpPort, token) != 200) {
                            return false;
                        }
                    }
                    return true;
                } catch (Exception | AssertionError e) {
                    return false;
                }
            });
            measure(Duration.ofSeconds(1));
        } finally {
            running.set(false);
            client.join();
            total = load.stop();
        }
        LOG.info("memcached stopped and started under load: /hello {}; token client's answers {}", total, authStatuses);

        assertEquals("failed /hello requests: " + load.failures(), 0, total.failed());
        for (int status : authStatuses.keySet()) {
            // 401 (token unknown: log in again) and 503 (tempauth cannot store a new token) while memcached is away.
            assertTrue("the token client got " + authStatuses, status == 200 || status == 401 || status == 503);
        }
        assertTrue("tokens worked before and after: " + authStatuses, authStatuses.get(200).sum() > 0);
    }

    /** Logs in as test:tester on a port (a node's, or HAProxy's); the token. */
    private static String login(int port) throws Exception {
        HttpResponse<String> response = HTTP.send(loginRequest(port), HttpResponse.BodyHandlers.ofString());
        assertEquals("login on " + port + ": " + response.body(), 200, response.statusCode());
        return response.headers().firstValue("X-Auth-Token").orElseThrow();
    }

    private static HttpRequest loginRequest(int port) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/auth/v1.0"))
                .header("X-Auth-User", "test:tester").header("X-Auth-Key", "testing").timeout(Duration.ofSeconds(10))
                .build();
    }

    /** The status of GET /v1/AUTH_test/c with a token. */
    private static int status(int port, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/AUTH_test/c"))
                .header("X-Auth-Token", token).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
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
