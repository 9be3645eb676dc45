package io.berth.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.junit.runners.MethodSorters;
import org.junit.FixMethodOrder;

/**
 * The distribution as an operator runs it: {@code bin/karaf server} in a process of its own (a
 * copy of karaf-assembly's target/assembly, on free ports, with a stand-in for systemd's
 * notification socket), {@code bin/client}, {@code ss}, and SIGTERM at the end.
 */
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class DistributionProcessTest {

    /** The main listener's shutdown_delay here: the SIGTERM test checks Berth keeps serving that long. */
    private static final int SHUTDOWN_DELAY_SECONDS = 4;


    private static final long PATIENCE_MS = 120_000;

    /** What a script runs first once Berth answers: Berth's own command, through Karaf's SSH server. */
    private static final String FIRST_COMMAND = "berth:listeners";

    /**
     * Stands in for systemd's notification socket, as systemd would let {@code ExecStartPost=} run:
     * at READY=1 it notes whether etc/berth-client.key and etc/host.key exist, runs
     * {@code bin/client -b} at once (on another thread, so that systemd-notify's BARRIER=1 is taken
     * meanwhile) and prints the datagram, the keys' existence, bin/client's output (base64) and
     * its exit status.
     */
    private static final String SYSTEMD = String.join("\n",
            "import base64, os, socket, subprocess, sys, threading",
            "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
            "s.bind(sys.argv[1])",
            "print('bound', flush=True)",
            "def client(datagram, keys):",
            "    run = subprocess.run([sys.argv[2], '-b'], input=sys.argv[3] + '\\n', text=True,",
            "                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)",
            "    print(datagram.replace('\\n', '|'), flush=True)",
            "    print(keys, flush=True)",
            "    print(base64.b64encode(run.stdout.encode()).decode(), flush=True)",
            "    print('exit %d' % run.returncode, flush=True)",
            "ready = False",
            "while True:",
            "    datagram = s.recv(65536).decode()",
            "    if not ready and 'READY=1' in datagram.split('\\n'):",
            "        ready = True",
            "        keys = [os.path.exists(os.path.join(sys.argv[4], k)) for k in ('berth-client.key', 'host.key')]",
            "        threading.Thread(target=client, args=(datagram, keys)).start()",
            "");

    private static Path home;
    /** The user home Berth runs with: empty. */
    private static Path emptyHome;
    private static Process karaf;
    private static Process systemd;
    /** Lines systemd's stand-in printed after READY=1: the datagram, the keys, bin/client's output, its exit status. */
    private static final List<String> afterReady = new CopyOnWriteArrayList<>();
    /** bin/client's output and exit status when run at once after the first 200. */
    private static String clientAtFirst200;
    private static int exitAtFirst200;
    /** Whether etc/berth-client.key and etc/host.key existed when the first 200 came. */
    private static List<Boolean> keysAtFirst200;
    private static int httpPort;
    private static int adminPort;
    private static int sshPort;
    private static int rmiRegistryPort;
    private static int rmiServerPort;
    /** The exit status of the last bin/client. */
    private static int lastExit;

    @BeforeClass
    public static void startBerth() throws Exception {
        Path dir = Paths.get("target", "process-test").toAbsolutePath();
        TestFiles.deleteTree(dir);
        // As on a machine that never built Berth: an empty user home, so no ~/.m2 and no Maven
        // settings, and no remote repository; what Karaf installs must come from system/.
        emptyHome = Files.createDirectories(dir.resolve("empty-home"));
        BerthNode node = BerthNode.unpack("berth", dir.resolve("berth"))
                .set("berth.listener-main.cfg", "shutdown_delay", Integer.toString(SHUTDOWN_DELAY_SECONDS))
                .set("org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository", emptyHome.resolve(".m2/repository").toString())
                .set("org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories", "");
        home = node.home;
        httpPort = node.httpPort;
        adminPort = node.adminPort;
        sshPort = node.sshPort;
        rmiRegistryPort = node.rmiRegistryPort;
        rmiServerPort = node.rmiServerPort;

        Path notifySocket = home.resolveSibling("notify.sock");
        Path script = Files.writeString(home.resolveSibling("systemd.py"), SYSTEMD);
        systemd = new ProcessBuilder("python3", script.toString(), notifySocket.toString(),
                home.resolve("bin/client").toString(), FIRST_COMMAND, home.resolve("etc").toString())
                .redirectErrorStream(true).start();
        BufferedReader notified = new BufferedReader(new InputStreamReader(systemd.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("bound", notified.readLine());
        Thread reader = new Thread(() -> notified.lines().forEach(afterReady::add), "systemd-stand-in");
        reader.setDaemon(true);
        reader.start();

        node.start(Map.of("NOTIFY_SOCKET", notifySocket.toString(), "HOME", emptyHome.toString()));
        karaf = node.process();
        // A script's way to wait for Berth: the first 200, then bin/client at once.
        await("GET /hello answers 200", () -> get("/hello").startsWith("HTTP/1.1 200"));
        keysAtFirst200 = List.of(Files.exists(home.resolve("etc/berth-client.key")), Files.exists(home.resolve("etc/host.key")));
        clientAtFirst200 = client(FIRST_COMMAND);
        exitAtFirst200 = lastExit;
    }

    @AfterClass
    public static void stopBerth() throws Exception {
        if (systemd != null) {
            systemd.destroyForcibly();
        }
        if (karaf != null && karaf.isAlive()) {
            karaf.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            karaf.destroyForcibly();
            karaf.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    public void a_binClientWorksAsSoonAsTheFirstRequestIsAnswered() {
        // Not only did bin/client get in, it could have at the very moment of the first 200 (the
        // client's JVM takes a second or two to start, which hides a race): the client key was
        // there, and Karaf had made its host key, which it does at the first SSH connection.
        assertEquals("etc/berth-client.key and etc/host.key exist at the first 200", List.of(true, true), keysAtFirst200);
        // The client key and Karaf's SSH server are part of ready: no "console is null", no
        // "Connection refused", no waiting for the key file.
        assertTrue(clientAtFirst200, listenersTable().matcher(clientAtFirst200).matches());
        assertEquals(clientAtFirst200, 0, exitAtFirst200);
    }

    @Test
    public void a_binClientWorksAsSoonAsSystemdHearsReady() {
        await("bin/client ran after READY=1", () -> afterReady.size() >= 4);
        assertTrue(afterReady.get(0), List.of(afterReady.get(0).split("\\|")).contains("READY=1"));
        assertEquals("etc/berth-client.key and etc/host.key exist at READY=1", "[True, True]", afterReady.get(1));
        String output = new String(Base64.getDecoder().decode(afterReady.get(2)), StandardCharsets.UTF_8);
        assertTrue(output, listenersTable().matcher(output).matches());
        assertEquals(output, "exit 0", afterReady.get(3));
    }

    private static Pattern listenersTable() {
        return Pattern.compile("(?s)Name +\\| Address .*\nmain +\\| 0\\.0\\.0\\.0:" + httpPort + " +\\| no +\\| SERVING +\\| .*");
    }

    @Test
    public void a_sshJmxAndTheAdminListenerListenOnLoopbackOnlyAndHttpOnEveryIpv4Interface() throws Exception {
        await("SSH listens", () -> !listening(sshPort).isEmpty());
        await("the admin listener listens", () -> !listening(adminPort).isEmpty());
        for (int port : new int[] {sshPort, rmiRegistryPort, rmiServerPort, adminPort}) {
            List<String> addresses = listening(port);
            assertFalse("port " + port + " listens", addresses.isEmpty());
            for (String address : addresses) {
                assertTrue("port " + port + " on " + address, address.equals("127.0.0.1:" + port)
                        || address.equals("[::ffff:127.0.0.1]:" + port));
            }
        }
        // The shipped bind_ip = 0.0.0.0 serves IPv4 only, as Swift's get_socket (:: would serve both)
        assertEquals(List.of("0.0.0.0:" + httpPort), listening(httpPort));
    }

    @Test
    public void ab_theJvmExitsOnOutOfMemoryRatherThanLimpingOn() throws Exception {
        // A node out of heap that stays up answers nothing and may ignore SIGTERM: it must exit,
        // so that systemd (Restart=on-failure) or an orchestrator starts it again.
        ProcessHandle java = karaf.toHandle().descendants().filter(p -> p.info().command().orElse("").endsWith("java"))
                .findFirst().orElseThrow();
        String commandLine = Files.readString(Paths.get("/proc/" + java.pid() + "/cmdline")).replace('\0', ' ');
        assertTrue(commandLine, commandLine.contains(" -XX:+ExitOnOutOfMemoryError "));
        // bin/setenv's memory defaults reach the JVM (bench/results/memory.md says what they save).
        assertTrue(commandLine, commandLine.contains(" -XX:+UseSerialGC -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 "));
        assertTrue(commandLine, commandLine.contains(" -XX:TrimNativeHeapInterval=5000 "));
    }

    @Test
    public void aa_theFirstBootStopsNoBundle() throws Exception {
        // EventAdmin is a startup bundle: were it to arrive with the boot features, Karaf would stop
        // and refresh pax-logging-api and what is wired to it in the middle of the first boot, which
        // now and then hung it for good (the log ending in "Disabling ... API support").
        String log = Files.readString(home.resolve("data/log/karaf.log"));
        assertTrue("the boot features were installed", log.contains("Changes to perform:"));
        assertFalse("the first boot stopped bundles to refresh them", log.contains("Stopping bundles:"));
        assertFalse("the first boot restarted pax-logging", log.contains("Disabling SLF4J API support"));
    }

    @Test
    public void b_binClientLogsInWithTheFirstStartKeyAndKarafKarafDoesNot() throws Exception {
        String listed = client("feature:list -i");
        assertTrue(listed, listed.matches("(?s).*\\bberth\\s+\\|.*Started.*"));

        String refused = client("bundle:list", "-u", "karaf", "-p", "karaf");
        assertFalse(refused, refused.contains("io.berth"));
    }

    @Test
    public void bc_berthCommandsWorkThroughBinClient() throws Exception {
        // After bb_ (names run in order): the commands came back with feature berth, as its conditional bundle.
        get("/hello");

        String tables = client("berth:listeners\nberth:pipelines\nberth:stages hello");
        assertTrue(tables, tables.matches("(?s)Name +\\| Address .*\nmain +\\| 0\\.0\\.0\\.0:" + httpPort
                + " +\\| no +\\| SERVING +\\| .*"));
        assertTrue(tables, tables.matches("(?s).*\nmain +\\| / +\\| main +\\| catch_errors gatekeeper healthcheck "
                + "proxy_logging hello +\\| LIVE +\\| .*"));
        assertTrue(tables, tables.matches("(?s).*\nhello +\\| app +\\| io\\.berth\\.example\\.hello \\[\\d+\\]\n.*"));

        String drained = client("berth:drain main");
        assertTrue(drained, drained.startsWith("Listener main is out of service"));
        await("healthcheck answers DRAINING", () -> get("/healthcheck").endsWith("DRAINING"));
        String resumed = client("berth:resume main");
        assertTrue(resumed, resumed.startsWith("Listener main is back in service"));
        await("healthcheck answers OK", () -> get("/healthcheck").endsWith("OK"));

        // bin/client -b stops at a command that fails, with exit status 1
        String unknown = client("berth:drain mian");
        assertTrue(unknown, unknown.contains("Error executing command: No listener named mian; listeners: admin, main"));
        assertEquals(unknown, 1, unknown.lines().filter(l -> !l.isBlank()).count());
        assertEquals(1, lastExit);
    }

    @Test
    public void bb_berthUninstallsAndInstallsAtRunTimeStoppingNothingElse() throws Exception {
        Path log = home.resolve("data/log/karaf.log");
        long offset = Files.size(log);

        String uninstalled = client("feature:uninstall berth-example-hello berth-metrics berth-middleware berth");
        await("the listener is gone (bin/client said: " + uninstalled.trim() + ")", () -> listening(httpPort).isEmpty());
        String installed = client("feature:install berth berth-middleware berth-metrics berth-example-hello");
        await("GET /hello answers 200 again (bin/client said: " + installed.trim() + ")",
                () -> get("/hello").startsWith("HTTP/1.1 200"));

        // The features service logs every bundle it stops or refreshes: only Berth's own and the
        // whiteboard's (which the berth feature brings) may be among them.
        String since = Files.readString(log).substring((int) offset);
        List<String> touched = new ArrayList<>();
        boolean listing = false;
        for (String line : since.split("\n")) {
            String[] parts = line.split(" \\| ", 6);
            String message = parts.length == 6 ? parts[5] : "";
            if (message.startsWith("Stopping bundles:") || message.startsWith("Refreshing bundles:")) {
                listing = true;
            } else if (listing && message.startsWith("  ")) {
                touched.add(message.trim().split("/")[0]);
            } else {
                listing = false;
            }
        }
        List<String> others = touched.stream().filter(name -> !name.startsWith("io.berth")
                && !name.startsWith("org.apache.felix.http") && !name.startsWith("org.apache.commons.commons-")
                // berth-middleware's: JCTools (berth-metrics has the Prometheus library inside)
                && !name.equals("org.jctools.core")).toList();
        assertEquals("bundles stopped or refreshed besides Berth's: " + touched, List.of(), others);
        assertTrue("the uninstall stopped Berth's bundles: " + touched, touched.contains("io.berth.socket"));
    }

    @Test
    public void bd_binClientWithoutAKeyOrATerminalSaysWhatIsMissingInOneLine() throws Exception {
        Path key = home.resolve("etc/berth-client.key");
        Path aside = home.resolve("etc/berth-client.key.aside");
        Files.move(key, aside);
        try {
            String noKey = client("bundle:list");
            assertEquals("bin/client: no key " + key + " and no terminal to ask for a password: start Berth once so "
                    + "that it writes its client key, or run bin/client -u USER in a terminal\n", noKey);
            assertEquals(1, lastExit);
        } finally {
            Files.move(aside, key);
        }
        String noPassword = client("bundle:list", "-u", "alice");
        assertEquals("bin/client: no password or key for alice and no terminal to ask for a password: pass -p PASSWORD "
                + "or -k KEYFILE, or run bin/client in a terminal\n", noPassword);
        assertEquals(1, lastExit);
    }

    /** How long Prometheus has to come up, scrape Berth and answer: its first scrape is at most 1 s after start. */
    private static final long PROMETHEUS_PATIENCE_MS = 60_000;

    @Test
    public void be_promtoolFindsNothingWrongInAScrapeOfABusyBerth() throws Exception {
        // Busy: four clients on the main listener (answers 200 and 404) while the admin listener is scraped.
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(CompletableFuture.runAsync(() -> {
                for (int n = 0; n < 100; n++) {
                    get(n % 10 == 0 ? "/healthcheck" : "/hello");
                }
            }));
        }
        String during = admin("/admin/metrics");
        CompletableFuture.allOf(clients.toArray(new CompletableFuture[0])).get(120, TimeUnit.SECONDS);
        String scrape = admin("/admin/metrics");
        Files.writeString(home.resolveSibling("scrape.txt"), scrape);

        assertTrue(during, during.startsWith("HTTP/1.1 200"));
        assertTrue(scrape, scrape.startsWith("HTTP/1.1 200"));
        String body = scrape.substring(scrape.indexOf("\r\n\r\n") + 4);
        assertTrue(body, Pattern.compile("(?m)^berth_pipeline_requests_total\\{method=\"GET\",pipeline=\"main\","
                + "status_class=\"2xx\"} [1-9][0-9]{2,}\\.0$").matcher(body).find());
        // The listener counts what it answered by status class too, beside its pipelines.
        assertTrue(body, Pattern.compile("(?m)^berth_listener_responses_total\\{listener=\"main\","
                + "status_class=\"2xx\"} [1-9][0-9]{2,}\\.0$").matcher(body).find());
        // healthcheck answers /healthcheck itself: its own answers are counted apart from the app's.
        assertTrue(body, Pattern.compile("(?m)^berth_stage_answers_total\\{code=\"200\",pipeline=\"main\","
                + "stage=\"healthcheck\"} [1-9][0-9]+\\.0$").matcher(body).find());
        String[] checked = {promtool(during.substring(during.indexOf("\r\n\r\n") + 4)), promtool(body)};
        assertEquals("promtool check metrics on a scrape during load", "", checked[0]);
        assertEquals("promtool check metrics on a scrape after load", "", checked[1]);
    }

    @Test
    public void bg_theShippedAlertingRulesPassPromtool() throws Exception {
        Process promtool = new ProcessBuilder("promtool", "check", "rules", home.resolve("etc/prometheus/berth-alerts.yml").toString())
                .redirectErrorStream(true).start();
        String out = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("promtool finishes", promtool.waitFor(60, TimeUnit.SECONDS));
        assertEquals(out, 0, promtool.exitValue());
        assertTrue(out, out.contains("SUCCESS: 3 rules found"));
    }

    /** Runs {@code promtool check metrics} on a scrape: its findings and, unless 0, its exit status. */
    private static String promtool(String scrape) throws Exception {
        Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        promtool.getOutputStream().write(scrape.getBytes(StandardCharsets.UTF_8));
        promtool.getOutputStream().close();
        String out = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("promtool finishes", promtool.waitFor(60, TimeUnit.SECONDS));
        return promtool.exitValue() == 0 ? out : out + "(promtool exit " + promtool.exitValue() + ")";
    }

    @Test
    public void bf_aPrometheusServerScrapesTheAdminListenerAndAnswersABerthSeries() throws Exception {
        get("/hello");
        int prometheusPort = freePort();
        Path dir = Files.createDirectories(home.resolveSibling("prometheus"));
        Path config = Files.writeString(dir.resolve("prometheus.yml"), String.join("\n",
                "global:",
                "  scrape_interval: 1s",
                "  scrape_timeout: 1s",
                "  evaluation_interval: 1s",
                // The rules the distribution ships, as docs/operator/monitoring.md tells operators to load them.
                "rule_files: ['" + home.resolve("etc/prometheus/berth-alerts.yml") + "']",
                "scrape_configs:",
                "  - job_name: berth",
                "    metrics_path: /admin/metrics",
                "    static_configs:",
                "      - targets: ['127.0.0.1:" + adminPort + "']",
                ""));
        // Native histograms on: Prometheus 2.42 then scrapes in protobuf, the one format that carries them.
        Process prometheus = new ProcessBuilder("prometheus", "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + prometheusPort,
                "--enable-feature=native-histograms")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            String query = "berth_pipeline_requests_total{job=\"berth\",pipeline=\"main\",method=\"GET\",status_class=\"2xx\"}";
            URI uri = URI.create("http://127.0.0.1:" + prometheusPort + "/api/v1/query?query="
                    + URLEncoder.encode(query, StandardCharsets.UTF_8));
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            Pattern value = Pattern.compile("\"value\":\\[[0-9.]+,\"([0-9.]+)\"\\]");
            String[] last = {"no answer"};
            Awaitility.await("Prometheus answers " + query + " with a count > 0 (see " + dir.resolve("prometheus.log") + ")")
                    .atMost(PROMETHEUS_PATIENCE_MS, TimeUnit.MILLISECONDS).pollInterval(250, TimeUnit.MILLISECONDS)
                    .until(() -> {
                        assertTrue("Prometheus is running (see " + dir.resolve("prometheus.log") + ")", prometheus.isAlive());
                        try {
                            last[0] = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                                    HttpResponse.BodyHandlers.ofString()).body();
                        } catch (IOException e) {
                            last[0] = e.toString();
                            return false;
                        }
                        Matcher matcher = value.matcher(last[0]);
                        return last[0].contains("\"status\":\"success\"") && matcher.find()
                                && Double.parseDouble(matcher.group(1)) > 0;
                    });
            assertTrue(last[0], last[0].contains("\"instance\":\"127.0.0.1:" + adminPort + "\""));

            // The shipped alerting rules load and evaluate without error against Berth's series.
            URI rules = URI.create("http://127.0.0.1:" + prometheusPort + "/api/v1/rules");
            Awaitility.await("Prometheus evaluated the shipped rules").atMost(PROMETHEUS_PATIENCE_MS, TimeUnit.MILLISECONDS)
                    .pollInterval(250, TimeUnit.MILLISECONDS).until(() -> {
                        last[0] = http.send(HttpRequest.newBuilder(rules).timeout(Duration.ofSeconds(5)).build(),
                                HttpResponse.BodyHandlers.ofString()).body();
                        return Pattern.compile("\"health\":\"ok\"").matcher(last[0]).results().count() == 3;
                    });
            for (String alert : List.of("BerthPipelineNotLive", "BerthPipelineErrorRatio", "BerthAccessLogLinesNotWritten")) {
                assertTrue(alert + " in " + last[0], last[0].contains("\"name\":\"" + alert + "\""));
            }
            assertFalse("no rule is firing or pending on a healthy Berth: " + last[0], last[0].contains("\"state\":\"firing\"")
                    || last[0].contains("\"state\":\"pending\""));

            // p99 from the native histogram: the query names the histogram itself, not its _bucket
            // series, which only a native histogram answers.
            String p99 = "histogram_quantile(0.99, rate(berth_pipeline_request_duration_seconds{pipeline=\"main\"}[1m]))";
            URI native99 = URI.create("http://127.0.0.1:" + prometheusPort + "/api/v1/query?query="
                    + URLEncoder.encode(p99, StandardCharsets.UTF_8));
            Awaitility.await("Prometheus answers " + p99 + " with a latency").atMost(PROMETHEUS_PATIENCE_MS, TimeUnit.MILLISECONDS)
                    .pollInterval(250, TimeUnit.MILLISECONDS).until(() -> {
                        get("/hello");
                        last[0] = http.send(HttpRequest.newBuilder(native99).timeout(Duration.ofSeconds(5)).build(),
                                HttpResponse.BodyHandlers.ofString()).body();
                        Matcher matcher = value.matcher(last[0]);
                        return matcher.find() && Double.parseDouble(matcher.group(1)) > 0;
                    });
            Matcher seconds = value.matcher(last[0]);
            assertTrue(last[0], seconds.find() && Double.parseDouble(seconds.group(1)) < 10);
        } finally {
            // By its PID, as it was started: nothing else named prometheus is touched.
            new ProcessBuilder("kill", "-TERM", Long.toString(prometheus.pid())).start().waitFor();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
                prometheus.waitFor(10, TimeUnit.SECONDS);
            }
        }
        assertFalse("Prometheus stopped", prometheus.isAlive());
    }

    private static String admin(String path) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), adminPort)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    public void bh_theObjectExampleInstallsFromTheDistributionAloneAndServes() throws Exception {
        String installed = client("feature:install berth-example-objects");
        assertEquals(installed, 0, lastExit);
        assertFalse(installed, installed.contains("Error"));
        Files.writeString(home.resolve("etc/berth.pipeline-swift.cfg"), String.join("\n",
                "pipeline = catch_errors gatekeeper healthcheck proxy_logging tempauth objects", "path = /swift", ""));
        // Until the pipeline is live, the main pipeline at / answers the path (hello).
        await("GET /swift/info answers Swift's capabilities", () -> get("/swift/info").contains("\"max_file_size\""));
        assertTrue(get("/swift/info"), get("/swift/info").startsWith("HTTP/1.1 200"));
        assertFalse("nothing was fetched into the user home", Files.exists(emptyHome.resolve(".m2")));
        Files.delete(home.resolve("etc/berth.pipeline-swift.cfg"));
        assertEquals(client("feature:uninstall berth-example-objects"), 0, lastExit);
    }

    @Test
    public void c_sigtermLetsARequestInFlightFinishThenStops() throws Exception {
        CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> get("/hello?delay_ms=2000"));
        await("the slow request's connection is established", () -> established(httpPort) > 0);

        ProcessHandle java = karaf.toHandle().descendants().filter(p -> p.info().command().orElse("").endsWith("java"))
                .findFirst().orElse(karaf.toHandle());
        long signalled = System.nanoTime();
        new ProcessBuilder("kill", "-TERM", Long.toString(java.pid())).start().waitFor();

        // shutdown_delay: out of service at once for the load balancer, still serving everyone
        await("healthcheck answers 503 DRAINING after SIGTERM", () -> get("/healthcheck").startsWith("HTTP/1.1 503"));
        assertTrue(get("/healthcheck").endsWith("DRAINING"));
        String live = get("/healthcheck/live");
        assertTrue(live, live.startsWith("HTTP/1.1 200") && live.endsWith("OK"));
        String hello = get("/hello");
        assertTrue(hello, hello.startsWith("HTTP/1.1 200"));

        String answer = slow.get(60, TimeUnit.SECONDS);
        assertTrue(answer, answer.startsWith("HTTP/1.1 200") && answer.endsWith("Hello from Berth"));
        assertTrue("Berth stops after SIGTERM", karaf.waitFor(90, TimeUnit.SECONDS));
        String log = Files.readString(home.resolve("data/log/karaf.log"));
        assertTrue("the listener drained and stopped", log.contains("Berth listener main stopped"));
        assertTrue("shutdown_delay was kept", log.contains("SIGTERM received: every listener out of service"));
        assertTrue("it was kept before stopping", System.nanoTime() - signalled >= TimeUnit.SECONDS.toNanos(SHUTDOWN_DELAY_SECONDS));
    }

    private static String client(String command, String... options) throws Exception {
        List<String> line = new ArrayList<>(List.of(home.resolve("bin/client").toString(), "-b"));
        line.addAll(List.of(options));
        Process client = new ProcessBuilder(line).redirectErrorStream(true).start();
        client.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
        client.getOutputStream().close();
        String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("bin/client finishes", client.waitFor(60, TimeUnit.SECONDS));
        lastExit = client.exitValue();
        return out;
    }

    private static String get(String path) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), httpPort)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Local addresses listening on the port, as ss shows them. */
    private static List<String> listening(int port) {
        List<String> addresses = new ArrayList<>();
        for (String row : ss("-Hltn", "sport = :" + port)) {
            String[] columns = row.trim().split("\\s+");
            addresses.add(columns[3]);
        }
        return addresses;
    }

    private static long established(int port) {
        return ss("-Htn", "state", "established", "sport = :" + port).size();
    }

    private static List<String> ss(String... arguments) {
        List<String> command = new ArrayList<>(List.of("ss"));
        command.addAll(List.of(arguments));
        try {
            Process ss = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (InputStream in = ss.getInputStream()) {
                String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                ss.waitFor(10, TimeUnit.SECONDS);
                return out.lines().filter(l -> !l.isBlank()).toList();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        Awaitility.await(what).atMost(PATIENCE_MS, TimeUnit.MILLISECONDS).pollInterval(50, TimeUnit.MILLISECONDS)
                .until(condition::getAsBoolean);
    }

    private static int freePort() throws IOException {
        return BerthTestSupport.freePortNumber();
    }
}
