package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.StageSettings;

/**
 * The StatsD lines of Berth's proxy_logging against those of Swift's own: the same requests go
 * through Swift 2.30's {@code proxy_logging} (Debian's python3-swift, in front of a fake app, see
 * {@code swift_statsd.py}) and through Berth's in embedded Jetty (in front of a servlet answering
 * alike), each sending to a UDP receiver. The lines must match one for one: names, types
 * ({@code |ms}, {@code |c}), sample rates ({@code |@0.25}), and the counters' values; timings are
 * both numbers of milliseconds.
 */
@Timeout(120)
class StatsdSwiftComparisonTest {

    /** METHOD:PATH:STATUS:BODY_IN:BODY_OUT[:raise], as swift_statsd.py reads them. */
    private static final List<String> REQUESTS = List.of(
            "GET:/v1/AUTH_test/c/o:200::hello",
            "PUT:/v1/AUTH_test/c/o:201:hello world:",
            "GET:/v1/AUTH_test/c/missing:404::Not Found",
            "HEAD:/v1/AUTH_test/c:204::",
            "GET:/v1/AUTH_test:200::c1,c2",
            "POST:/v1/AUTH_test/c/o:202:x:",
            "PATCH:/v1/AUTH_test:405::",
            "DELETE:/v1/AUTH_test/c/o/deeper/still:204::",
            "GET:/v1/AUTH_test/c/boom:500:::raise");

    private static final Pattern LINE = Pattern.compile(
            "(?<name>[^:|@]+):(?<value>[^|]+)\\|(?<type>ms|c)(?:\\|@(?<rate>[0-9.e-]+))?");

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

    private static final Logger LOG = LoggerFactory.getLogger(StatsdSwiftComparisonTest.class);

    private static String python;

    @TempDir
    static Path work;

    @BeforeAll
    static void swiftIsThere() throws Exception {
        // Debian's interpreter: python3-swift is installed for it, not for a python3 earlier on PATH.
        python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        Run check = run(List.of(python, "-c", "import swift.common.middleware.proxy_logging"));
        assertThat(check.exit)
                .as("%s cannot import Swift's proxy_logging; .ci/tools installs Debian's python3-swift (run it as "
                        + "root, or apt-get install python3-swift): %s", python, check.output)
                .isZero();
    }

    @Test
    void defaultSettingsSendSwiftsLines() throws Exception {
        compare("-", "1.0", "1.0", 0.5);
    }

    @Test
    void prefixAndSampleRateAsSwift() throws Exception {
        // 0.5 × 0.5: Swift and Berth both send each line with |@0.25 when random() is below 0.25
        compare("berth.node1", "0.5", "0.5", 0.125);
    }

    private void compare(String prefix, String rate, String factor, double random) throws Exception {
        List<String> swift;
        try (StatsdReceiver receiver = new StatsdReceiver()) {
            List<String> command = new ArrayList<>(List.of(python, script().toString(),
                    Integer.toString(receiver.port()), prefix, rate, factor, Double.toString(random)));
            command.addAll(REQUESTS);
            // Swift's proxy server counts an error where Berth's proxy_logging does: the request that raised.
            command.add("errors");
            Run swiftRun = run(command);
            assertThat(swiftRun.exit).as("swift_statsd.py said: %s", swiftRun.output).isZero();
            swift = receiver.take(Duration.ofMillis(500));
        }

        List<String> berth;
        try (StatsdReceiver receiver = new StatsdReceiver()) {
            Map<String, String> settings = new HashMap<>(Map.of(
                    "log_statsd_host", "127.0.0.1",
                    "log_statsd_port", Integer.toString(receiver.port()),
                    "log_statsd_default_sample_rate", rate,
                    "log_statsd_sample_rate_factor", factor));
            if (!prefix.equals("-")) {
                settings.put("log_statsd_metric_prefix", prefix);
            }
            ProxyLoggingStage.Config config = StageSettings.of(ProxyLoggingStage.Config.class, "proxy_logging", settings);
            StatsdSender sender = new StatsdSender();
            // The access line is off (as the logger route is with berth.access off): StatsD alone.
            ProxyLoggingFilter filter = new ProxyLoggingFilter(ProxyLoggingFilter.template(config), NO_LINES,
                    StatsdClient.of(config, sender, () -> random));
            ServletContextHandler context = Jetty.context("/", filter);
            Jetty.serve(context, "/*", new FakeApp());
            try (Jetty jetty = Jetty.start(context)) {
                HttpClient client = HttpClient.newHttpClient();
                for (String spec : REQUESTS) {
                    send(client, jetty, spec);
                }
                berth = receiver.take(swift.size(), Duration.ofSeconds(10));
            }
            assertThat(sender.running()).as("the last filter destroyed stops the sender").isFalse();
        }

        StringBuilder sideBySide = new StringBuilder("Swift's line | Berth's line");
        for (int i = 0; i < Math.max(swift.size(), berth.size()); i++) {
            sideBySide.append('\n').append(i < swift.size() ? swift.get(i) : "-").append(" | ")
                    .append(i < berth.size() ? berth.get(i) : "-");
        }
        LOG.info("{}", sideBySide);
        assertThat(swift).as("Swift sent lines").hasSizeGreaterThanOrEqualTo(REQUESTS.size() * 2);
        assertThat(shapes(berth)).as("Berth's lines\n%s\nSwift's lines\n%s", String.join("\n", berth),
                String.join("\n", swift)).isEqualTo(shapes(swift));
        for (String line : berth) {
            Matcher m = matcher(line);
            if (m.group("type").equals("ms")) {
                assertThat(m.group("value")).as(line).matches("\\d+\\.\\d{3}");
            }
        }
        for (String line : swift) {
            Matcher m = matcher(line);
            if (m.group("type").equals("ms")) {
                assertThat(Double.parseDouble(m.group("value"))).as(line).isNotNegative();
            }
        }
    }

    /** What must be equal: name, type, rate, and a counter's value; a timing's value only as "a number". */
    private static List<String> shapes(List<String> lines) {
        List<String> shapes = new ArrayList<>();
        for (String line : lines) {
            Matcher m = matcher(line);
            shapes.add(m.group("name") + ":" + (m.group("type").equals("c") ? m.group("value") : "MS") + "|"
                    + m.group("type") + (m.group("rate") == null ? "" : "|@" + m.group("rate")));
        }
        return shapes;
    }

    private static Matcher matcher(String line) {
        Matcher m = LINE.matcher(line);
        assertThat(m.matches()).as("a StatsD line: %s", line).isTrue();
        return m;
    }

    private static void send(HttpClient client, Jetty jetty, String spec) throws Exception {
        String[] parts = spec.split(":", -1);
        String method = parts[0];
        HttpRequest.BodyPublisher body = parts[3].isEmpty() ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(parts[3]);
        HttpRequest request = HttpRequest.newBuilder(URI.create(jetty.base() + parts[1]))
                .method(method, body)
                .header("X-Test-Answer", spec)
                .timeout(Duration.ofSeconds(10))
                .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(spec).isEqualTo(Integer.parseInt(parts[2]));
    }

    /** swift_statsd.py's app: reads the body, answers the status and body the request names, or raises. */
    private static final class FakeApp extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response)
                throws ServletException, IOException {
            String[] parts = request.getHeader("X-Test-Answer").split(":", -1);
            try (InputStream in = request.getInputStream()) {
                in.readAllBytes();
            }
            if (parts.length > 5 && parts[5].equals("raise")) {
                throw new ServletException("the app failed");
            }
            byte[] body = parts[4].getBytes(StandardCharsets.US_ASCII);
            response.setStatus(Integer.parseInt(parts[2]));
            response.setContentType("text/plain");
            response.setContentLength(body.length);
            if (!request.getMethod().equals("HEAD") && body.length > 0) {
                response.getOutputStream().write(body);
            }
        }
    }

    private static Path script() throws IOException {
        Path script = work.resolve("swift_statsd.py");
        if (!Files.exists(script)) {
            try (InputStream in = StatsdSwiftComparisonTest.class.getResourceAsStream("swift_statsd.py")) {
                Files.copy(in, script);
            }
        }
        return script;
    }

    private record Run(int exit, String output) {
    }

    private static Run run(List<String> command) throws Exception {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command.get(0) + " (.ci/tools installs Debian's python3-swift): "
                    + e.getMessage(), e);
        }
        process.getOutputStream().close();
        byte[] output;
        try (InputStream in = process.getInputStream()) {
            output = in.readAllBytes();
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
