package io.berth.middleware.internal;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one {@code proxy_logging} sends to StatsD, as Swift's {@code proxy_logging} does with
 * {@code swift.common.utils.StatsdClient} (Swift 2.30): per request, in Swift's names,
 * <pre>
 * PREFIX.proxy-server.TYPE.METHOD.STATUS.timing:MS|ms
 * PREFIX.proxy-server.TYPE.METHOD.STATUS.xfer:BYTES|c
 * PREFIX.proxy-server.TYPE.GET.STATUS.first-byte.timing:MS|ms   (GET only)
 * PREFIX.proxy-server.errors:1|c                              (an exception ended the request)
 * </pre>
 * each line followed by {@code |@RATE} when sampled. TYPE is Swift's for its API ({@code account},
 * {@code container}, {@code object} for a path under {@code /v1/} inside the pipeline) and
 * {@value #OTHER} for any other path (Swift sends nothing for those unless a middleware of its
 * marked the request with a {@code swift.source}; Berth has no such subrequests).
 *
 * <p>Built once per configuration: the settings are checked and the host resolved here, never per
 * request. A request samples its lines and hands one small event to the shared
 * {@link StatsdSender}, which formats and sends them from its own thread.
 */
final class StatsdClient {

    private static final Logger LOG = LoggerFactory.getLogger(StatsdClient.class);

    /** Swift's {@code statsd_tail_prefix} for proxy_logging: the proxy server's name. */
    static final String TAIL_PREFIX = "proxy-server";

    /** The type of a request outside Swift's API. */
    static final String OTHER = "other";

    static final String BAD_METHOD = "BAD_METHOD";

    static final int TIMING = 1;
    static final int XFER = 2;
    static final int FIRST_BYTE = 4;
    static final int ERRORS = 8;

    private final String host;
    private final int port;
    private final StatsdSender sender;
    private final Set<String> validMethods;
    private final double sampleRate;
    private final DoubleSupplier random;

    /** {@code PREFIX.proxy-server.}, ASCII. */
    final byte[] prefix;

    /** {@code |@RATE} as Swift writes it, or empty when every line is sent. */
    final byte[] rateSuffix;

    /** Null until the host resolves; written by the sender's thread when it resolves later. */
    volatile InetSocketAddress target;

    /** The sender's thread only: when to try resolving the host again. */
    long resolveAgainAt;

    private StatsdClient(String host, int port, String metricPrefix, double sampleRate, Set<String> validMethods,
            StatsdSender sender, DoubleSupplier random) {
        this.host = host;
        this.port = port;
        this.sender = sender;
        this.validMethods = validMethods;
        this.sampleRate = sampleRate;
        this.random = random;
        this.prefix = ((metricPrefix.isEmpty() ? "" : metricPrefix + ".") + TAIL_PREFIX + ".")
                .getBytes(StandardCharsets.US_ASCII);
        this.rateSuffix = sampleRate < 1 ? ("|@" + pythonFloat(sampleRate)).getBytes(StandardCharsets.US_ASCII)
                : new byte[0];
        this.target = resolve(host, port);
        this.resolveAgainAt = System.nanoTime() + StatsdSender.RESOLVE_AGAIN.toNanos();
        if (target == null) {
            LOG.warn("proxy_logging: log_statsd_host {} does not resolve; StatsD lines are dropped until it does "
                    + "(tried again every {} s)", host, StatsdSender.RESOLVE_AGAIN.toSeconds());
        }
    }

    /**
     * @return the client the settings ask for, or null when {@code log_statsd_host} is empty (no StatsD)
     * @throws IllegalArgumentException naming the key of an invalid setting
     */
    static StatsdClient of(ProxyLoggingStage.Config config, StatsdSender sender) {
        return of(config, sender, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** @param random numbers in [0, 1) for sampling, as Python's {@code random.random} */
    static StatsdClient of(ProxyLoggingStage.Config config, StatsdSender sender, DoubleSupplier random) {
        String host = config.log__statsd__host().trim();
        int port = config.log__statsd__port();
        double defaultRate = config.log__statsd__default__sample__rate();
        double factor = config.log__statsd__sample__rate__factor();
        String prefix = config.log__statsd__metric__prefix().trim();
        // Checked with StatsD off too: a mistake shows when it is made, not when StatsD is turned on.
        if (!host.isEmpty() && !host.matches("[A-Za-z0-9._:%-]+|\\[[0-9A-Fa-f:.%A-Za-z]+\\]")) {
            throw new IllegalArgumentException("log_statsd_host: '" + host + "' is not a host name or an IP address");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("log_statsd_port: " + port + " is not between 1 and 65535");
        }
        if (!(defaultRate > 0 && defaultRate <= 1)) {
            throw new IllegalArgumentException("log_statsd_default_sample_rate: " + defaultRate
                    + " is not above 0 and at most 1 (the share of lines sent)");
        }
        if (!(factor > 0 && factor <= 1)) {
            throw new IllegalArgumentException("log_statsd_sample_rate_factor: " + factor
                    + " is not above 0 and at most 1 (it multiplies log_statsd_default_sample_rate)");
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == ':' || c == '|' || c == '@') {
                throw new IllegalArgumentException("log_statsd_metric_prefix: '" + prefix + "' holds '" + c
                        + "'; a StatsD name is printable ASCII without spaces, ':', '|' or '@'");
            }
        }
        if (prefix.startsWith(".") || prefix.endsWith(".") || prefix.contains("..")) {
            throw new IllegalArgumentException("log_statsd_metric_prefix: '" + prefix
                    + "' has an empty part; Berth adds the '.' before proxy-server itself");
        }
        Set<String> methods = Arrays.stream(config.log__statsd__valid__http__methods())
                .map(method -> method.toUpperCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        for (String method : methods) {
            if (!method.matches("[A-Z0-9!#$%&'*+.^_`~-]+")) {
                throw new IllegalArgumentException("log_statsd_valid_http_methods: '" + method
                        + "' is not an HTTP method");
            }
        }
        if (host.isEmpty()) {
            return null;
        }
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        return new StatsdClient(host, port, prefix, defaultRate * factor, methods, sender, random);
    }

    /** @return the address, or null when the name does not resolve (now) */
    static InetSocketAddress resolve(String host, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException | SecurityException e) {
            return null;
        }
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    double sampleRate() {
        return sampleRate;
    }

    /** The filter is initialised: the sender runs at least until {@link #close}. */
    void open() {
        sender.acquire();
    }

    void close() {
        sender.release();
    }

    /**
     * The request thread, once the request has ended: samples its lines and hands them to the
     * sender. Never waits; when the sender's queue is full the request's lines are dropped and counted.
     */
    void request(AccessRecord record) {
        int lines = TIMING | XFER;
        String method = record.request.getMethod();
        // Swift measures the first byte when the app answers a GET; an exception before that answered nothing.
        if ("GET".equals(method) && (record.firstByteNanos != 0 || record.failure == null)) {
            lines |= FIRST_BYTE;
        }
        if (record.failure != null && record.status == 500) {
            lines |= ERRORS;
        }
        if (sampleRate < 1) {
            // Swift draws for each line on its own.
            for (int line = 1; line <= ERRORS; line <<= 1) {
                if ((lines & line) != 0 && !(random.getAsDouble() < sampleRate)) {
                    lines &= ~line;
                }
            }
            if (lines == 0) {
                return;
            }
        }
        long firstByte = record.firstByteNanos != 0 ? record.firstByteNanos - record.startNanoTime
                : record.durationNanos;
        int firstByteStatus = record.firstByteNanos != 0 ? record.firstByteStatus : record.wireStatus;
        sender.offer(new StatsdEvent(this, type(record.request), validMethods.contains(method) ? method : BAD_METHOD,
                record.status, firstByteStatus, record.durationNanos, Math.max(0, firstByte),
                record.bytesReceived + record.bytesSent, lines));
    }

    /**
     * Swift's {@code get_metric_name_type}: for a path under {@code /v1/} the kind of thing it names,
     * by the number of slashes once those at either end are stripped; {@value #OTHER} otherwise.
     * The path is the one inside the pipeline (the request URI without the pipeline's path), as the
     * app at the pipeline's end sees it.
     */
    static String type(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        int from = uri != null && context != null && uri.startsWith(context) ? context.length() : 0;
        return type(uri == null ? "" : uri, from);
    }

    static String type(String uri, int from) {
        if (!uri.startsWith("/v1/", from)) {
            return OTHER;
        }
        int start = from;
        int end = uri.length();
        while (start < end && uri.charAt(start) == '/') {
            start++;
        }
        while (end > start && uri.charAt(end - 1) == '/') {
            end--;
        }
        int slashes = 0;
        for (int i = start; i < end; i++) {
            if (uri.charAt(i) == '/') {
                slashes++;
            }
        }
        switch (slashes) {
            case 0:
                return OTHER;
            case 1:
                return "account";
            case 2:
                return "container";
            default:
                return "object";
        }
    }

    /**
     * A sample rate as Python's {@code '%s' % rate} writes it (Swift's {@code |@%s}): the shortest
     * decimal that reads back as the same double, plain from 1e-4 on, {@code 1e-05} below.
     */
    static String pythonFloat(double value) {
        BigDecimal decimal = new BigDecimal(Double.toString(value)).stripTrailingZeros();
        if (value >= 1e-4 && value < 1e16) {
            String plain = decimal.toPlainString();
            return plain.indexOf('.') >= 0 ? plain : plain + ".0";
        }
        String digits = decimal.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - decimal.scale();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        int magnitude = Math.abs(exponent);
        return (value < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+") + (magnitude < 10 ? "0" : "")
                + magnitude;
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
