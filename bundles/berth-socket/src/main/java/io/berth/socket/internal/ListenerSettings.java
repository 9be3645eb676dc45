package io.berth.socket.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.berth.api.ConfigurationText;
import io.berth.api.InvalidSettingException;
import io.berth.api.StageSettings;

/**
 * One listener's settings, read from its configuration and checked value by value. Keys and
 * defaults are those of Swift's {@code get_socket} and eventlet's wsgi server, so an operator's
 * proxy-server.conf values carry over. Immutable: a change of configuration makes a new one.
 */
final class ListenerSettings {

    static final String FACTORY_PID = "berth.listener";

    static final String BIND_IP = "bind_ip";
    static final String BIND_PORT = "bind_port";
    static final String BACKLOG = "backlog";
    static final String TCP_NODELAY = "tcp_nodelay";
    static final String KEEP_IDLE = "keep_idle";
    static final String REUSE_PORT = "reuse_port";
    static final String BIND_TIMEOUT = "bind_timeout";
    static final String CLIENT_TIMEOUT = "client_timeout";
    static final String KEEPALIVE = "keepalive";
    static final String MAX_REQUEST_LINE = "max_request_line";
    static final String MAX_HEADER_SIZE = "max_header_size";
    static final String CERT_FILE = "cert_file";
    static final String KEY_FILE = "key_file";
    static final String CA_FILE = "ca_file";
    static final String REQUIRE_PROXY_PROTOCOL = "require_proxy_protocol";
    static final String GRACEFUL_SHUTDOWN_TIMEOUT = "graceful_shutdown_timeout";
    static final String WORKERS = "workers";
    static final String MAX_CLIENTS = "max_clients";
    static final String REQUEST_TIMEOUT = "request_timeout";
    static final String URI_COMPLIANCE = "uri_compliance";
    static final String HEADER_TIMEOUT = "header_timeout";
    static final String ALLOW_TRACE = "allow_trace";
    static final String SHUTDOWN_DELAY = "shutdown_delay";
    static final String CERT_CHECK_INTERVAL = "cert_check_interval";

    /** Jetty's named URI compliance modes a listener may take. */
    static final List<String> URI_COMPLIANCE_MODES = List.of("DEFAULT", "LEGACY", "RFC3986", "UNAMBIGUOUS", "UNSAFE");

    static final Set<String> KEYS = Set.of(BIND_IP, BIND_PORT, BACKLOG, TCP_NODELAY, KEEP_IDLE, REUSE_PORT,
            BIND_TIMEOUT, CLIENT_TIMEOUT, KEEPALIVE, MAX_REQUEST_LINE, MAX_HEADER_SIZE, CERT_FILE, KEY_FILE,
            CA_FILE, REQUIRE_PROXY_PROTOCOL, GRACEFUL_SHUTDOWN_TIMEOUT, WORKERS, MAX_CLIENTS, REQUEST_TIMEOUT,
            URI_COMPLIANCE, HEADER_TIMEOUT, ALLOW_TRACE, SHUTDOWN_DELAY,
            CERT_CHECK_INTERVAL);

    /** The defaults, written once: in the metatype annotation {@link ListenerComponent.Config}. */
    private static final Map<String, Object> DEFAULTS = StageSettings.defaults(ListenerComponent.Config.class);

    final String name;
    final String bindIp;
    final InetAddress address;
    final int port;
    final int backlog;
    final boolean tcpNoDelay;
    final int keepIdleSeconds;
    final boolean reusePort;
    final Duration bindTimeout;
    final Duration clientTimeout;
    final boolean keepalive;
    final int maxRequestLine;
    final int maxHeaderSize;
    final Path certFile;
    final Path keyFile;
    final Path caFile;
    final boolean requireProxyProtocol;
    /** How long requests in flight may take to finish when the listener stops or reloads; zero: no limit. */
    final Duration gracefulShutdownTimeout;
    /** 0: one socket served in-process; N: N sockets sharing the port (SO_REUSEPORT), each with its own acceptor and connector. */
    final int workers;
    /** Requests in flight one worker serves at most (eventlet's GreenPool size). */
    final int maxClients;
    /** uWSGI's harakiri: a request running longer is logged, and answered 503 if nothing was sent yet. Zero: off. */
    final Duration requestTimeout;
    /**
     * Which request paths Jetty lets through (its UriCompliance mode, by name): DEFAULT refuses
     * ambiguous ones ({@code %2F}, {@code %25}, {@code //}, encoded dot segments) with 400.
     */
    final String uriCompliance;
    /** How long a request's head may take to arrive once its first byte has; zero: no bound but client_timeout. */
    final Duration headerTimeout;
    /** Whether TRACE reaches the pipelines; refused with 405 otherwise, since it echoes credentials back (cross-site tracing). */
    final boolean allowTrace;
    /** How long the listener serves out of service (healthcheck DRAINING) before its socket closes on a stop. */
    final Duration shutdownDelay;
    /** How often cert_file and key_file are looked at for a renewed certificate; zero: never. */
    final Duration certCheckInterval;

    private ListenerSettings(String name, Map<String, ?> config) throws InvalidSettingException {
        this.name = name;
        String notText = ConfigurationText.whyNotText(config, ConfigurationText::frameworkKey);
        if (notText != null) {
            throw new InvalidSettingException(ConfigurationText.fileOf(config, "etc/" + FACTORY_PID + "-" + name + ".cfg"), notText);
        }
        for (String key : config.keySet()) {
            if (!KEYS.contains(key) && !ConfigurationText.frameworkKey(key)) {
                throw new InvalidSettingException(key, "unknown key; the keys are " + String.join(", ", KEYS.stream().sorted().toList()));
            }
        }
        this.bindIp = text(config, BIND_IP);
        this.address = resolve(bindIp);
        this.port = integer(config, BIND_PORT, 1, 65535);
        this.backlog = integer(config, BACKLOG, 1, 65535);
        this.tcpNoDelay = bool(config, TCP_NODELAY);
        this.keepIdleSeconds = integer(config, KEEP_IDLE, 1, 32766);
        this.reusePort = bool(config, REUSE_PORT);
        this.bindTimeout = seconds(config, BIND_TIMEOUT, 0, 3600);
        this.clientTimeout = seconds(config, CLIENT_TIMEOUT, 0.001, 86400);
        this.keepalive = bool(config, KEEPALIVE);
        this.maxRequestLine = integer(config, MAX_REQUEST_LINE, 64, 1 << 20);
        this.maxHeaderSize = integer(config, MAX_HEADER_SIZE, 64, 1 << 20);
        this.certFile = readableFile(config, CERT_FILE);
        this.keyFile = readableFile(config, KEY_FILE);
        this.caFile = readableFile(config, CA_FILE);
        if (certFile != null && keyFile == null) {
            throw new InvalidSettingException(KEY_FILE, "required with cert_file " + certFile);
        }
        if (keyFile != null && certFile == null) {
            throw new InvalidSettingException(CERT_FILE, "required with key_file " + keyFile);
        }
        if (caFile != null && certFile == null) {
            throw new InvalidSettingException(CA_FILE, "client certificates need TLS: set cert_file and key_file too");
        }
        this.requireProxyProtocol = bool(config, REQUIRE_PROXY_PROTOCOL);
        this.gracefulShutdownTimeout = seconds(config, GRACEFUL_SHUTDOWN_TIMEOUT, 0, 86400);
        this.workers = integer(config, WORKERS, 0, 64);
        this.maxClients = integer(config, MAX_CLIENTS, 1, 100_000);
        this.requestTimeout = seconds(config, REQUEST_TIMEOUT, 0, 86400);
        this.uriCompliance = text(config, URI_COMPLIANCE).toUpperCase(java.util.Locale.ROOT);
        if (!URI_COMPLIANCE_MODES.contains(uriCompliance)) {
            throw new InvalidSettingException(URI_COMPLIANCE, "'" + config.get(URI_COMPLIANCE) + "' is not one of "
                    + String.join(", ", URI_COMPLIANCE_MODES));
        }
        this.headerTimeout = seconds(config, HEADER_TIMEOUT, 0, 86400);
        this.allowTrace = bool(config, ALLOW_TRACE);
        this.shutdownDelay = seconds(config, SHUTDOWN_DELAY, 0, 3600);
        this.certCheckInterval = seconds(config, CERT_CHECK_INTERVAL, 0, 86400);
        if (!certCheckInterval.isZero() && certCheckInterval.toMillis() < 100) {
            throw new InvalidSettingException(CERT_CHECK_INTERVAL, config.get(CERT_CHECK_INTERVAL)
                    + " seconds is too often (0 to turn it off, else at least 0.1)");
        }
    }

    /** How many sockets (and acceptors and connectors) serve this listener. */
    int sockets() {
        return Math.max(1, workers);
    }

    /** Whether its sockets are bound with SO_REUSEPORT: asked for, or needed by several workers. */
    boolean sharesPort() {
        return reusePort || workers > 0;
    }

    /** The keys an operator wrote, with their values as text: what tells one edit from another. */
    static Map<String, String> operatorKeys(Map<String, ?> config) {
        Map<String, String> keys = new java.util.TreeMap<>();
        config.forEach((key, value) -> {
            if (!ConfigurationText.frameworkKey(key)) {
                keys.put(key, String.valueOf(value));
            }
        });
        return keys;
    }

    /**
     * Reads and checks a listener's configuration.
     *
     * @param name the listener's name
     * @param config the configuration's properties
     * @throws InvalidSettingException naming the first key whose value is wrong, and why
     */
    static ListenerSettings parse(String name, Map<String, ?> config) throws InvalidSettingException {
        return new ListenerSettings(name, config);
    }

    /**
     * The listener's name: NAME in {@code etc/berth.listener-NAME.cfg}, which Karaf's FileInstall
     * turns into the PID {@code berth.listener~NAME}.
     */
    static String nameOf(Map<String, ?> config) {
        Object pid = config.get("service.pid");
        String value = pid == null ? "" : pid.toString();
        int tilde = value.indexOf('~');
        if (tilde >= 0) {
            return value.substring(tilde + 1);
        }
        Object file = config.get("felix.fileinstall.filename");
        if (file != null) {
            String fileName = Paths.get(java.net.URI.create(file.toString()).getPath()).getFileName().toString();
            if (fileName.startsWith(FACTORY_PID + "-") && fileName.endsWith(".cfg")) {
                return fileName.substring(FACTORY_PID.length() + 1, fileName.length() - 4);
            }
        }
        return value.isEmpty() ? "unnamed" : value;
    }

    boolean tls() {
        return certFile != null;
    }

    InetSocketAddress socketAddress() {
        return new InetSocketAddress(address, port);
    }

    /** {@code HOST:PORT} as Swift's messages show it, IPv6 addresses in brackets. */
    String hostPort() {
        return host() + ":" + port;
    }

    String host() {
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            return address.getHostAddress();
        }
        // RFC 5952: the longest run of two or more zero groups becomes "::".
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int length = 0;
            while (i + length < 8 && groups[i + length] == 0) {
                length++;
            }
            if (length > bestLength) {
                bestStart = i;
                bestLength = length;
            }
        }
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 1 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.append(']').toString();
    }

    String url() {
        return (tls() ? "https" : "http") + "://" + hostPort() + "/";
    }

    /** Whether the two differ only in what can change without binding the port again. */
    boolean sameSocket(ListenerSettings other) {
        return other != null && address.equals(other.address) && port == other.port && backlog == other.backlog
                && sharesPort() == other.sharesPort() && sockets() == other.sockets();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ListenerSettings)) {
            return false;
        }
        ListenerSettings s = (ListenerSettings) o;
        return name.equals(s.name) && bindIp.equals(s.bindIp) && address.equals(s.address) && port == s.port
                && backlog == s.backlog && tcpNoDelay == s.tcpNoDelay && keepIdleSeconds == s.keepIdleSeconds
                && reusePort == s.reusePort && bindTimeout.equals(s.bindTimeout) && clientTimeout.equals(s.clientTimeout)
                && keepalive == s.keepalive && maxRequestLine == s.maxRequestLine && maxHeaderSize == s.maxHeaderSize
                && Objects.equals(certFile, s.certFile) && Objects.equals(keyFile, s.keyFile)
                && Objects.equals(caFile, s.caFile) && requireProxyProtocol == s.requireProxyProtocol
                && gracefulShutdownTimeout.equals(s.gracefulShutdownTimeout) && workers == s.workers
                && maxClients == s.maxClients && requestTimeout.equals(s.requestTimeout)
                && uriCompliance.equals(s.uriCompliance) && headerTimeout.equals(s.headerTimeout)
                && allowTrace == s.allowTrace && shutdownDelay.equals(s.shutdownDelay)
                && certCheckInterval.equals(s.certCheckInterval);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, address, port);
    }

    private static String text(Map<String, ?> config, String key) throws InvalidSettingException {
        Object value = config.get(key);
        if (value == null) {
            return (String) DEFAULTS.get(key);
        }
        String text = value.toString().trim();
        if (text.isEmpty()) {
            throw new InvalidSettingException(key, "is empty");
        }
        return text;
    }

    private static InetAddress resolve(String bindIp) throws InvalidSettingException {
        String host = bindIp.startsWith("[") && bindIp.endsWith("]") ? bindIp.substring(1, bindIp.length() - 1) : bindIp;
        try {
            // Like getaddrinfo in Swift's get_socket: literal addresses of either family, or a name
            // whose first address is used.
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new InvalidSettingException(BIND_IP, "cannot resolve '" + bindIp + "' to an address");
        }
    }

    private static int integer(Map<String, ?> config, String key, int min, int max) throws InvalidSettingException {
        Object value = config.get(key);
        Integer defaultValue = (Integer) DEFAULTS.get(key);
        if (value == null) {
            if (defaultValue == null) {
                throw new InvalidSettingException(key, "is required (" + min + ".." + max + ")");
            }
            return defaultValue;
        }
        String text = value.toString().trim();
        long number;
        try {
            number = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(key, "'" + text + "' is not a whole number (" + min + ".." + max + ")");
        }
        if (number < min || number > max) {
            throw new InvalidSettingException(key, number + " is out of range (" + min + ".." + max + ")");
        }
        return (int) number;
    }

    private static Duration seconds(Map<String, ?> config, String key, double min, double max)
            throws InvalidSettingException {
        Object value = config.get(key);
        double number = (Double) DEFAULTS.get(key);
        if (value != null) {
            String text = value.toString().trim();
            try {
                number = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                number = Double.NaN;
            }
            if (Double.isNaN(number) || Double.isInfinite(number)) {
                throw new InvalidSettingException(key, "'" + text + "' is not a number of seconds");
            }
            if (number < min || number > max) {
                throw new InvalidSettingException(key, text + " seconds is out of range (" + format(min) + ".." + format(max) + ")");
            }
        }
        return Duration.ofNanos(Math.round(number * 1e9));
    }

    private static boolean bool(Map<String, ?> config, String key) throws InvalidSettingException {
        Object value = config.get(key);
        if (value == null) {
            return (Boolean) DEFAULTS.get(key);
        }
        // Swift's config_true_value and its false counterpart.
        switch (value.toString().trim().toLowerCase(Locale.ROOT)) {
            case "true": case "1": case "yes": case "on": case "t": case "y":
                return true;
            case "false": case "0": case "no": case "off": case "f": case "n":
                return false;
            default:
                throw new InvalidSettingException(key, "'" + value + "' is not true or false");
        }
    }

    private static Path readableFile(Map<String, ?> config, String key) throws InvalidSettingException {
        Object value = config.get(key);
        if (value == null || value.toString().trim().isEmpty()) {
            return null;
        }
        Path path = Paths.get(value.toString().trim());
        if (!Files.isRegularFile(path)) {
            throw new InvalidSettingException(key, path + " does not exist or is not a file");
        }
        if (!Files.isReadable(path)) {
            throw new InvalidSettingException(key, path + " is not readable by this process");
        }
        return path;
    }

    static String format(double seconds) {
        return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
    }
}
