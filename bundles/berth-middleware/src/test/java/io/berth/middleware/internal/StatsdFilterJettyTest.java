package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.awaitility.Awaitility;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.berth.api.StageSettings;

/**
 * What Berth's proxy_logging does with StatsD beyond what Swift's comparison shows: requests
 * outside Swift's API, a pipeline mounted under a path, a StatsD server that is down or a name that
 * does not resolve (requests are served as fast as ever), a full queue, sampling, and settings
 * checked with the key named.
 */
@Timeout(60)
class StatsdFilterJettyTest {

    private static final ProxyLoggingFilter.Route NO_LINES = new ProxyLoggingFilter.Route() {
        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public void log(AccessEntry entry) {
            throw new AssertionError("no access line is wanted");
        }
    };

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void typeIsSwiftsUnderV1InsideThePipelineAndOtherElsewhere() throws Exception {
        try (StatsdReceiver receiver = new StatsdReceiver()) {
            StatsdSender sender = new StatsdSender();
            ServletContextHandler swift = Jetty.context("/swift", filter(settings(receiver.port()), sender, null));
            Jetty.serve(swift, "/*", new Hello());
            ServletContextHandler root = Jetty.context("/", filter(settings(receiver.port()), sender, null));
            Jetty.serve(root, "/*", new Hello());
            try (Jetty jetty = Jetty.start(swift, root)) {
                get(jetty, "/swift/v1/AUTH_test/c/o");
                get(jetty, "/swift/v1/AUTH_test/c/o/with/slashes");
                get(jetty, "/swift/v1/AUTH_test/c/");
                get(jetty, "/swift/v1/AUTH_test");
                get(jetty, "/swift/info");
                get(jetty, "/hello");
                get(jetty, "/v1x/AUTH_test");
                List<String> names = names(receiver.take(21, Duration.ofSeconds(10)));
                assertThat(names).containsExactly(
                        "proxy-server.object.GET.200.first-byte.timing", "proxy-server.object.GET.200.timing",
                        "proxy-server.object.GET.200.xfer",
                        "proxy-server.object.GET.200.first-byte.timing", "proxy-server.object.GET.200.timing",
                        "proxy-server.object.GET.200.xfer",
                        "proxy-server.container.GET.200.first-byte.timing", "proxy-server.container.GET.200.timing",
                        "proxy-server.container.GET.200.xfer",
                        "proxy-server.account.GET.200.first-byte.timing", "proxy-server.account.GET.200.timing",
                        "proxy-server.account.GET.200.xfer",
                        "proxy-server.other.GET.200.first-byte.timing", "proxy-server.other.GET.200.timing",
                        "proxy-server.other.GET.200.xfer",
                        "proxy-server.other.GET.200.first-byte.timing", "proxy-server.other.GET.200.timing",
                        "proxy-server.other.GET.200.xfer",
                        "proxy-server.other.GET.200.first-byte.timing", "proxy-server.other.GET.200.timing",
                        "proxy-server.other.GET.200.xfer");
            }
        }
        assertThat(StatsdClient.type("/v1/", 0)).isEqualTo(StatsdClient.OTHER);
        assertThat(StatsdClient.type("/v1/a//", 0)).isEqualTo("account");
        assertThat(StatsdClient.type("/p/v1/a/c", 2)).isEqualTo("container");
    }

    @Test
    void firstByteIsWhenTheAppStartsItsAnswer() throws Exception {
        try (StatsdReceiver receiver = new StatsdReceiver()) {
            ServletContextHandler context = Jetty.context("/", filter(settings(receiver.port()), new StatsdSender(), null));
            Jetty.serve(context, "/*", new HttpServlet() {
                @Override
                protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                    response.setStatus(206);
                    response.getOutputStream().write('a');
                    response.flushBuffer();
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    response.getOutputStream().write('b');
                }
            });
            try (Jetty jetty = Jetty.start(context)) {
                assertThat(get(jetty, "/v1/a/c/o")).isEqualTo(206);
                List<String> lines = receiver.take(3, Duration.ofSeconds(10));
                assertThat(names(lines)).containsExactly("proxy-server.object.GET.206.first-byte.timing",
                        "proxy-server.object.GET.206.timing", "proxy-server.object.GET.206.xfer");
                double firstByte = millis(lines.get(0));
                double timing = millis(lines.get(1));
                assertThat(timing).isGreaterThanOrEqualTo(300);
                assertThat(firstByte).isLessThan(timing - 250);
                assertThat(lines.get(2)).isEqualTo("proxy-server.object.GET.206.xfer:2|c");
            }
        }
    }

    private static double millis(String line) {
        return Double.parseDouble(line.substring(line.indexOf(':') + 1, line.indexOf('|')));
    }

    @Test
    void aDeadPortNeverSlowsOrFailsARequest() throws Exception {
        int deadPort;
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            deadPort = socket.getLocalPort();
        }
        StatsdSender sender = new StatsdSender();
        ServletContextHandler context = Jetty.context("/", filter(settings(deadPort), sender, null));
        Jetty.serve(context, "/*", new Hello());
        try (Jetty jetty = Jetty.start(context)) {
            get(jetty, "/warm-up");
            for (int i = 0; i < 300; i++) {
                long start = System.nanoTime();
                assertThat(get(jetty, "/v1/AUTH_test/c/o" + i)).isEqualTo(200);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            }
            StatsdSender.Worker worker = sender.worker();
            // Nobody listens, and nobody says so: the lines leave all the same.
            Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> worker.sent.sum() + worker.unsent.sum() == 3 * 301);
            assertThat(worker.queueFull.sum()).isZero();
        }
    }

    @Test
    void aHostThatDoesNotResolveDropsLinesAndServes() throws Exception {
        StatsdSender sender = new StatsdSender();
        Map<String, String> settings = settings(8125);
        settings.put("log_statsd_host", "statsd.invalid");
        ServletContextHandler context = Jetty.context("/", filter(settings, sender, null));
        Jetty.serve(context, "/*", new Hello());
        try (Jetty jetty = Jetty.start(context)) {
            for (int i = 0; i < 20; i++) {
                assertThat(get(jetty, "/v1/AUTH_test/c/o")).isEqualTo(200);
            }
            StatsdSender.Worker worker = sender.worker();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> worker.unresolved.sum() == 3 * 20);
            assertThat(worker.sent.sum()).isZero();
        }
    }

    @Test
    void aFullQueueDropsAndCountsWithoutWaiting() {
        // A sender whose thread is not started: nothing takes from its queue of 2.
        StatsdSender.Worker worker = new StatsdSender.Worker(2);
        for (int i = 0; i < 5; i++) {
            worker.offer(new StatsdEvent(null, "object", "GET", 200, 200, 1, 1, 1, StatsdClient.TIMING));
        }
        assertThat(worker.queueFull.sum()).isEqualTo(3);
    }

    @Test
    void sampledLinesSayTheirRateAndUnsampledOnesAreNotQueued() throws Exception {
        try (StatsdReceiver receiver = new StatsdReceiver()) {
            Map<String, String> half = settings(receiver.port());
            half.put("log_statsd_default_sample_rate", "0.5");
            Map<String, String> fifth = settings(receiver.port());
            fifth.put("log_statsd_default_sample_rate", "0.4");
            fifth.put("log_statsd_sample_rate_factor", "0.5");
            StatsdSender sender = new StatsdSender();
            // random() at 0.75: no line of a rate of 0.5 goes, none is even queued
            ServletContextHandler never = Jetty.context("/never", filter(half, sender, () -> 0.75));
            Jetty.serve(never, "/*", new Hello());
            // random() at 0.25: every line goes, with |@0.5
            ServletContextHandler always = Jetty.context("/always", filter(half, sender, () -> 0.25));
            Jetty.serve(always, "/*", new Hello());
            // the real random at 0.4 × 0.5 = 0.2: a fifth of the lines, each with |@0.2
            ServletContextHandler random = Jetty.context("/random", filter(fifth, sender, null));
            Jetty.serve(random, "/*", new Hello());
            try (Jetty jetty = Jetty.start(never, always, random)) {
                for (int i = 0; i < 50; i++) {
                    get(jetty, "/never/v1/a/c/o");
                }
                assertThat(receiver.take(Duration.ofMillis(300))).isEmpty();
                assertThat(sender.worker().sent.sum() + sender.worker().unsent.sum()).isZero();

                get(jetty, "/always/v1/a/c/o");
                List<String> lines = receiver.take(3, Duration.ofSeconds(10));
                assertThat(names(lines)).containsExactly("proxy-server.object.GET.200.first-byte.timing",
                        "proxy-server.object.GET.200.timing", "proxy-server.object.GET.200.xfer");
                assertThat(lines).allMatch(line -> line.endsWith("|@0.5"));
                assertThat(lines.get(2)).isEqualTo("proxy-server.object.GET.200.xfer:5|c|@0.5");

                for (int i = 0; i < 300; i++) {
                    get(jetty, "/random/v1/a/c/o");
                }
                lines = receiver.take(Duration.ofMillis(500));
                // 900 lines drawn for at 0.2: 180 expected, 12 the standard deviation
                assertThat(lines).hasSizeBetween(110, 250).allMatch(line -> line.endsWith("|@0.2"));
            }
        }
    }

    @Test
    void oneSenderForAllPipelinesOfTheStageRunningWhileOneUsesIt() throws Exception {
        ProxyLoggingStage stage = new ProxyLoggingStage();
        Map<String, String> settings = settings(8125);
        settings.put("access_log_route", "logger");
        Filter first = stage.create(settings);
        Filter second = stage.create(settings);
        Filter without = stage.create(Map.of("access_log_route", "logger"));
        assertThat(stage.statsd.running()).isFalse();
        try {
            without.init(null);
            assertThat(stage.statsd.running()).as("no log_statsd_host: no thread").isFalse();
            first.init(null);
            second.init(null);
            StatsdSender.Worker worker = stage.statsd.worker();
            assertThat(worker.thread.getName()).isEqualTo(StatsdSender.THREAD);
            assertThat(worker.thread.isAlive()).isTrue();
            first.destroy();
            assertThat(stage.statsd.worker()).isSameAs(worker);
            second.destroy();
            assertThat(stage.statsd.running()).isFalse();
            assertThat(worker.thread.isAlive()).as("stopped within its bounded wait").isFalse();
            first.init(null);
            assertThat(stage.statsd.running()).as("a new generation starts it again").isTrue();
        } finally {
            without.destroy();
            stage.deactivate();
        }
        assertThat(stage.statsd.running()).isFalse();
    }

    @Test
    void rejectsInvalidSettingsNamingTheKey() {
        ProxyLoggingStage stage = new ProxyLoggingStage();
        assertThatThrownBy(() -> stage.create(Map.of("log_statsd_host", "stats d")))
                .hasMessage("log_statsd_host: 'stats d' is not a host name or an IP address");
        assertThatThrownBy(() -> stage.create(Map.of("log_statsd_port", "0")))
                .hasMessage("log_statsd_port: 0 is not between 1 and 65535");
        assertThatThrownBy(() -> stage.create(Map.of("log_statsd_port", "eighty")))
                .hasMessage("log_statsd_port: 'eighty' is not a whole number");
        assertThatThrownBy(() -> stage.create(Map.of("log_statsd_default_sample_rate", "0")))
                .hasMessage("log_statsd_default_sample_rate: 0.0 is not above 0 and at most 1 (the share of lines sent)");
        assertThatThrownBy(() -> stage.create(Map.of("log_statsd_default_sample_rate", "half")))
                .hasMessage("log_statsd_default_sample_rate: 'half' is not a number");
        assertThatThrownBy(() -> stage.create(Map.of("log_statsd_sample_rate_factor", "2")))
                .hasMessage("log_statsd_sample_rate_factor: 2.0 is not above 0 and at most 1 "
                        + "(it multiplies log_statsd_default_sample_rate)");
        assertThatThrownBy(() -> stage.create(Map.of("log_statsd_metric_prefix", "a:b")))
                .hasMessage("log_statsd_metric_prefix: 'a:b' holds ':'; a StatsD name is printable ASCII without "
                        + "spaces, ':', '|' or '@'");
        assertThatThrownBy(() -> stage.create(Map.of("log_statsd_metric_prefix", "node1.")))
                .hasMessage("log_statsd_metric_prefix: 'node1.' has an empty part; Berth adds the '.' before "
                        + "proxy-server itself");
        assertThatThrownBy(() -> stage.create(Map.of("log_statsd_valid_http_methods", "GET, P(UT")))
                .hasMessage("log_statsd_valid_http_methods: 'P(UT' is not an HTTP method");
        // Accepted: a name, an address of either family, Swift's defaults spelled out.
        Map<String, String> good = new HashMap<>(settings(8125));
        good.put("access_log_route", "logger");
        for (String host : List.of("localhost", "127.0.0.1", "::1", "[::1]")) {
            good.put("log_statsd_host", host);
            assertThat(stage.create(good)).isInstanceOf(ProxyLoggingFilter.class);
        }
        stage.deactivate();
    }

    @Test
    void sampleRatesAreWrittenAsPythonWritesThem() {
        assertThat(StatsdClient.pythonFloat(0.5)).isEqualTo("0.5");
        assertThat(StatsdClient.pythonFloat(0.25)).isEqualTo("0.25");
        assertThat(StatsdClient.pythonFloat(0.7 * 0.1)).isEqualTo("0.06999999999999999");
        assertThat(StatsdClient.pythonFloat(0.0001)).isEqualTo("0.0001");
        assertThat(StatsdClient.pythonFloat(0.00001)).isEqualTo("1e-05");
        assertThat(StatsdClient.pythonFloat(0.000015)).isEqualTo("1.5e-05");
        assertThat(StatsdClient.pythonFloat(1.0)).isEqualTo("1.0");
    }

    private static List<String> names(List<String> lines) {
        return lines.stream().map(line -> line.substring(0, line.indexOf(':'))).toList();
    }

    private static Map<String, String> settings(int port) {
        Map<String, String> settings = new HashMap<>();
        settings.put("log_statsd_host", "127.0.0.1");
        settings.put("log_statsd_port", Integer.toString(port));
        return settings;
    }

    /** proxy_logging with its access line off: only StatsD. */
    private static Filter filter(Map<String, String> settings, StatsdSender sender, DoubleSupplier random) {
        ProxyLoggingStage.Config config = StageSettings.of(ProxyLoggingStage.Config.class, "proxy_logging", settings);
        StatsdClient statsd = random == null ? StatsdClient.of(config, sender) : StatsdClient.of(config, sender, random);
        return new ProxyLoggingFilter(ProxyLoggingFilter.template(config), NO_LINES, statsd);
    }

    private int get(Jetty jetty, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(jetty.base() + path)).timeout(Duration.ofSeconds(10)).build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static final class Hello extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.getOutputStream().write("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
    }
}
