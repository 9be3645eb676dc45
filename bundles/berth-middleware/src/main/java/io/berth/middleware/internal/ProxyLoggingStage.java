package io.berth.middleware.internal;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

import jakarta.servlet.Filter;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.berth.api.AccessLogs;
import io.berth.api.Stage;
import io.berth.api.StageFactory;
import io.berth.api.StageSettings;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code proxy_logging} as a pipeline stage: Swift's access log, one line per request, to
 * {@code ${karaf.log}/berth-access.log} by default ({@code proxy_logging.log_x_forwarded_for = true}).
 * Each file is written by one thread of this component's, whichever pipelines write it; they stop
 * when the last filter writing their file is destroyed, or when this component is deactivated. With
 * {@code log_statsd_host}, Swift's StatsD lines go out too, sent by one thread of this component's
 * ({@link StatsdSender}) for every pipeline, from the first such filter's initialisation to the last
 * one's destruction.
 */
@Component(service = {StageFactory.class, AccessLogs.class})
@Stage("proxy_logging")
public final class ProxyLoggingStage implements StageFactory, AccessLogs {

    static final String FILE = "file";
    static final String LOGGER = "logger";
    static final String DEFAULT_FILE_NAME = "berth-access.log";
    static final int MAX_QUEUE_SIZE = 1 << 24;

    private static final Logger LOG = LoggerFactory.getLogger(ProxyLoggingStage.class);

    @ObjectClassDefinition(name = "Berth proxy_logging",
            description = "Writes one access line per request, in Swift's proxy log format, to the file "
                    + "berth-access.log in Karaf's log directory (or another file, or the logger berth.access). "
                    + "A client that hung up is logged as 499, a request an exception ended as 500. With "
                    + "log_statsd_host, also sends Swift's StatsD metrics for each request.")
    public @interface Config {

        @AttributeDefinition(name = "Log line template",
                description = "The line, with {field} for each value, URL-quoted, '-' when empty or zero. "
                        + "Fields: client_ip, remote_addr, end_time, method, path, protocol, status_int, "
                        + "referer, user_agent, auth_token, bytes_recvd, bytes_sent, client_etag, "
                        + "transaction_id, headers, request_time (seconds, 4 decimals), source, log_info "
                        + "(always '-': Swift's marks of subrequests, kept for Swift's log parsers), "
                        + "start_time, domain, pid, wire_status_int, access_user_id (account:user of "
                        + "tempauth's token, or the user a token request named), trace_id (of the W3C traceparent). start_time and end_time are epoch "
                        + "seconds with 9 decimals, or {end_time.FORMAT} with FORMAT one of datetime, "
                        + "iso8601, asctime, s, ms, us, ns or a strftime letter. {{ and }} are literal "
                        + "braces. The default is Swift's.")
        String log__msg__template() default AccessLogTemplate.DEFAULT;

        @AttributeDefinition(name = "Trust X-Forwarded-For",
                description = "Log as client_ip the address a proxy in front reports in X-Cluster-Client-Ip "
                        + "or (first address) X-Forwarded-For, instead of the connection's peer. Turn on only "
                        + "behind a proxy that sets these headers: clients can write them. Default false.")
        boolean log__x__forwarded__for() default false;

        @AttributeDefinition(name = "Characters of secrets shown",
                description = "auth_token, and in headers the values of X-Auth-Token, X-Storage-Token, "
                        + "Authorization, Proxy-Authorization and Cookie, are cut to this many characters "
                        + "followed by '...'. 0 shows only '...'. Default 16, as Swift.")
        int reveal__sensitive__prefix() default 16;

        @AttributeDefinition(name = "Log request headers",
                description = "Fill the headers field with the request's headers, 'Name: value' lines "
                        + "(quoted, so on one log line). Default false: headers is '-'.")
        boolean access__log__headers() default false;

        @AttributeDefinition(name = "Only these headers",
                description = "With access_log_headers, log only these request headers (names, separated "
                        + "by commas, any case). Default: all.")
        String[] access__log__headers__only() default {};

        @AttributeDefinition(name = "Route",
                description = "file: the lines are appended to access_log_file by a thread of their own; a "
                        + "request only copies its values and queues them, and never waits for the disk. "
                        + "logger: each line is logged at INFO to the logger berth.access (through Karaf's "
                        + "logging, etc/org.ops4j.pax.logging.cfg: to send them to syslog, say), formatted on "
                        + "the request's thread; the logger's level switches the line off. Default file.")
        String access__log__route() default FILE;

        @AttributeDefinition(name = "Access log file",
                description = "With access_log_route = file: the file, appended to and created when missing "
                        + "(with its directory). A relative path is relative to Karaf's log directory "
                        + "(the system property karaf.log, data/log in the distribution). Moved or deleted "
                        + "(logrotate's create), it is reopened within a second; truncated (copytruncate), "
                        + "it is written on at its new end. Default ${karaf.log}/berth-access.log; where "
                        + "karaf.log is not set (outside Karaf) the lines go to the logger berth.access.")
        String access__log__file() default "";

        @AttributeDefinition(name = "Queue size",
                description = "With access_log_route = file: lines waiting for the writer at most. When it is "
                        + "full a request does not wait: its line is dropped, and the number dropped is logged "
                        + "at WARN (logger io.berth.middleware.internal.AccessLogWriter) at most once a "
                        + "minute. Pipelines writing the same file share its queue, sized by the first. "
                        + "Rounded up to a power of two (at least 2): the queue is JCTools' MpscArrayQueue. "
                        + "1 to 16777216. Default 65536.")
        int access__log__queue__size() default 65536;

        @AttributeDefinition(name = "StatsD host",
                description = "Send Swift's proxy_logging metrics for each request to the StatsD server at this "
                        + "host name or IP address, over UDP: PREFIX.proxy-server.TYPE.METHOD.STATUS.timing (ms), "
                        + ".xfer (bytes received and sent), TYPE.GET.STATUS.first-byte.timing (ms), and "
                        + "PREFIX.proxy-server.errors when an exception ended a request. TYPE is account, container "
                        + "or object for a path under /v1/ inside the pipeline (as in Swift), other for any other "
                        + "path. The name is resolved when the pipeline is configured (and every 30 s until it "
                        + "resolves), never per request. Default empty: nothing is sent.")
        String log__statsd__host() default "";

        @AttributeDefinition(name = "StatsD port", description = "The StatsD server's UDP port. Default 8125.")
        int log__statsd__port() default 8125;

        @AttributeDefinition(name = "StatsD sample rate",
                description = "The share of lines sent, above 0 and at most 1; a line sent from a sample says so "
                        + "(|@0.5) so that StatsD scales it. Default 1.0: every line.")
        double log__statsd__default__sample__rate() default 1.0;

        @AttributeDefinition(name = "StatsD sample rate factor",
                description = "Multiplies log_statsd_default_sample_rate, above 0 and at most 1 (Swift's knob to "
                        + "send less from every server at once). Default 1.0.")
        double log__statsd__sample__rate__factor() default 1.0;

        @AttributeDefinition(name = "StatsD metric prefix",
                description = "Put before proxy-server in every name, with a dot: a host's or pipeline's name, say. "
                        + "Printable ASCII without spaces, ':', '|' or '@'. Default empty.")
        String log__statsd__metric__prefix() default "";

        @AttributeDefinition(name = "StatsD methods",
                description = "Methods named as they are in StatsD names; any other is named BAD_METHOD, so that a "
                        + "client cannot make new names at will. Default Swift's: GET, HEAD, POST, PUT, DELETE, "
                        + "COPY, OPTIONS.")
        String[] log__statsd__valid__http__methods() default {"GET", "HEAD", "POST", "PUT", "DELETE", "COPY", "OPTIONS"};
    }

    private final AccessLogFiles files = new AccessLogFiles();

    /** One thread and socket for the StatsD lines of every pipeline, from reconfiguration to reconfiguration. */
    final StatsdSender statsd = new StatsdSender();

    @Override
    public Filter create(Map<String, String> settings) {
        Config config = StageSettings.of(Config.class, "proxy_logging", settings);
        AccessLogTemplate template = ProxyLoggingFilter.template(config);
        String route = config.access__log__route().trim();
        int queueSize = config.access__log__queue__size();
        if (!route.equals(FILE) && !route.equals(LOGGER)) {
            throw new IllegalArgumentException("access_log_route: '" + route + "' is not " + FILE + " or " + LOGGER);
        }
        if (queueSize < 1 || queueSize > MAX_QUEUE_SIZE) {
            throw new IllegalArgumentException("access_log_queue_size: " + queueSize + " is not between 1 and "
                    + MAX_QUEUE_SIZE);
        }
        StatsdClient statsdClient = StatsdClient.of(config, statsd);
        if (route.equals(LOGGER)) {
            return new ProxyLoggingFilter(template, ProxyLoggingFilter.LOGGER_ROUTE, statsdClient);
        }
        Path file = file(config.access__log__file().trim(), System.getProperty("karaf.log"));
        if (file == null) {
            LOG.info("proxy_logging: karaf.log is not set and access_log_file is empty: access lines go to the "
                    + "logger {}", ProxyLoggingFilter.LOGGER);
            return new ProxyLoggingFilter(template, ProxyLoggingFilter.LOGGER_ROUTE, statsdClient);
        }
        return new ProxyLoggingFilter(template, files.route(file, queueSize), statsdClient);
    }

    /**
     * @param setting access_log_file, trimmed
     * @param logDirectory the system property karaf.log, or null
     * @return the file, absolute; null for the logger
     */
    static Path file(String setting, String logDirectory) {
        Path file;
        try {
            if (setting.isEmpty()) {
                if (logDirectory == null || logDirectory.isBlank()) {
                    return null;
                }
                file = Paths.get(logDirectory, DEFAULT_FILE_NAME);
            } else {
                file = Paths.get(setting);
                if (!file.isAbsolute() && logDirectory != null && !logDirectory.isBlank()) {
                    file = Paths.get(logDirectory).resolve(file);
                }
            }
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("access_log_file: '" + setting + "' is not a path: " + e.getReason(), e);
        }
        return file.toAbsolutePath().normalize();
    }

    /** The files written now and their counts, for metrics (read at scrape time). */
    @Override
    public List<AccessLogs.File> files() {
        return files.status();
    }

    /** Every access log file is written to its end (a bounded wait) and closed; StatsD's thread stops. */
    @Deactivate
    void deactivate() {
        files.closeAll();
        statsd.close();
    }
}
