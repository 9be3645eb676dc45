package io.berth.middleware.internal;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import jakarta.servlet.http.HttpServletRequest;

import io.berth.api.Berth;

/**
 * Swift's {@code log_msg_template}, parsed once into a list of parts that append a request's
 * fields to a line. The request's values are copied when it ends ({@link #capture}), on the
 * request's thread; quoting and formatting them ({@link #appendTo}) can then happen on another.
 * Python {@code str.format} syntax as Swift uses it: {@code {field}},
 * {@code {start_time.ATTR}} / {@code {end_time.ATTR}} for a time's formats, {@code {{} and
 * {@code }}} for literal braces. Each field's value is URL-quoted (UTF-8, only letters, digits and
 * {@code _.-~:/{}} kept) so that a line splits on spaces; an empty or zero value is {@code -}.
 * Text between fields is written as it is.
 */
final class AccessLogTemplate {

    /**
     * Swift's default, without {@code policy_index}, which is Swift's storage's own, and
     * {@code access_user_id} (a field here too), so that lines keep the shape they had before it.
     */
    static final String DEFAULT = "{client_ip} {remote_addr} {end_time.datetime} {method} {path} {protocol} "
            + "{status_int} {referer} {user_agent} {auth_token} {bytes_recvd} {bytes_sent} {client_etag} "
            + "{transaction_id} {headers} {request_time} {source} {log_info} {start_time} {end_time}";

    static final String KEY = "log_msg_template";

    /**
     * Request attribute holding {@code {access_user_id}} (a {@link String}, Swift's
     * {@code swift.access_logging['user_id']}): set by an auth stage after this one, which sees
     * the original request and not the auth stage's wrapper, hence an attribute.
     */
    static final String ACCESS_USER_ATTRIBUTE = "io.berth.access_user_id";

    /**
     * Request headers whose values are cut to {@code reveal_sensitive_prefix} characters in
     * {@code {headers}}: Swift's two tokens, and what carries credentials in plain HTTP.
     */
    static final Set<String> SENSITIVE_HEADERS = Set.of("x-auth-token", "x-storage-token", "authorization",
            "proxy-authorization", "cookie");

    /**
     * Request headers whose values {@code {headers}} never shows, only {@code ...}: tempauth's
     * keys, which a 16-character prefix could show whole. (Swift logs them as they are.)
     */
    static final Set<String> SECRET_HEADERS = Set.of("x-auth-key", "x-storage-pass");

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** The ASCII characters Python's quote(value, safe=':/{}') keeps. */
    private static final boolean[] SAFE = new boolean[0x80];

    static {
        for (char c = 0; c < 0x80; c++) {
            SAFE[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == '-' || c == '~' || c == ':' || c == '/' || c == '{' || c == '}';
        }
    }

    private static final long PID = ProcessHandle.current().pid();

    /** Settings the fields depend on. */
    record Options(boolean xForwardedFor, int revealSensitivePrefix, boolean logHeaders, Set<String> headersOnly) {
    }

    /** Appends one piece of the line. */
    @FunctionalInterface
    private interface Part {
        void append(StringBuilder line, AccessEntry entry);
    }

    /**
     * A field: either a value read from the request (copied when the request ends, quoted when the
     * line is written) or a part that reads the entry's counts and times.
     */
    private record Field(Function<HttpServletRequest, String> value, Part part) {
    }

    private final Part[] parts;

    /** What {@link #capture} copies from the request, one per slot of {@link AccessEntry#values}. */
    private final Function<HttpServletRequest, String>[] captures;

    /** Whether a line shows {@code {trace_id}}: catch_errors then makes a trace for every request. */
    private final boolean logsTraceIds;

    private AccessLogTemplate(Part[] parts, Function<HttpServletRequest, String>[] captures, boolean logsTraceIds) {
        this.parts = parts;
        this.captures = captures;
        this.logsTraceIds = logsTraceIds;
    }

    /** @return whether the lines show {@code {trace_id}} */
    boolean logsTraceIds() {
        return logsTraceIds;
    }

    /**
     * @param template the {@code log_msg_template} setting
     * @param options the other settings
     * @return the parsed template
     * @throws IllegalArgumentException starting with {@code log_msg_template:} when a field is
     *     unknown or the braces do not pair up
     */
    static AccessLogTemplate parse(String template, Options options) {
        if (template.isBlank()) {
            throw new IllegalArgumentException(KEY + ": empty; the default is " + DEFAULT);
        }
        Map<String, Field> fields = fields(options);
        List<Part> parts = new ArrayList<>();
        Map<String, Integer> slots = new LinkedHashMap<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '{' && i + 1 < template.length() && template.charAt(i + 1) == '{') {
                literal.append('{');
                i += 2;
            } else if (c == '}') {
                if (i + 1 < template.length() && template.charAt(i + 1) == '}') {
                    literal.append('}');
                    i += 2;
                } else {
                    throw new IllegalArgumentException(KEY + ": single '}' at position " + i + "; write '}}' for a literal one");
                }
            } else if (c == '{') {
                int close = template.indexOf('}', i);
                int nested = template.indexOf('{', i + 1);
                if (close < 0 || (nested >= 0 && nested < close)) {
                    throw new IllegalArgumentException(KEY + ": '{' at position " + i + " is not closed; write '{{' for a literal one");
                }
                if (literal.length() > 0) {
                    String text = literal.toString();
                    parts.add((line, entry) -> line.append(text));
                    literal.setLength(0);
                }
                parts.add(field(template.substring(i + 1, close), fields, slots));
                i = close + 1;
            } else {
                literal.append(c);
                i++;
            }
        }
        if (literal.length() > 0) {
            String text = literal.toString();
            parts.add((line, entry) -> line.append(text));
        }
        List<Function<HttpServletRequest, String>> captures = new ArrayList<>();
        slots.keySet().forEach(name -> captures.add(fields.get(name).value()));
        @SuppressWarnings("unchecked")
        Function<HttpServletRequest, String>[] captured = captures.toArray(new Function[0]);
        return new AccessLogTemplate(parts.toArray(new Part[0]), captured, slots.containsKey("trace_id"));
    }

    /**
     * @param record an ended request
     * @return its access line
     */
    String format(AccessRecord record) {
        return format(capture(record));
    }

    /**
     * Copies what the line needs from an ended request: the request itself is not read again.
     *
     * @param record an ended request
     * @return the entry to format, on any thread
     */
    AccessEntry capture(AccessRecord record) {
        String[] values = new String[captures.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = captures[i].apply(record.request);
        }
        return new AccessEntry(this, values, record);
    }

    /** @return the entry's access line */
    String format(AccessEntry entry) {
        StringBuilder line = new StringBuilder(256);
        appendTo(line, entry);
        return line.toString();
    }

    /** Appends the entry's access line, without a line separator. */
    void appendTo(StringBuilder line, AccessEntry entry) {
        for (Part part : parts) {
            part.append(line, entry);
        }
    }

    private static Part field(String spec, Map<String, Field> fields, Map<String, Integer> slots) {
        if (spec.indexOf('!') >= 0 || spec.indexOf(':') >= 0) {
            throw new IllegalArgumentException(KEY + ": {" + spec + "}: conversions (!) and format specs (:) are not supported");
        }
        int dot = spec.indexOf('.');
        String name = dot < 0 ? spec : spec.substring(0, dot);
        Field field = fields.get(name);
        if (field == null) {
            throw new IllegalArgumentException(KEY + ": unknown field {" + spec + "}; known: "
                    + String.join(", ", fields.keySet()));
        }
        if (dot < 0) {
            if (field.part() != null) {
                return field.part();
            }
            int slot = slots.computeIfAbsent(name, n -> slots.size());
            return (line, entry) -> quote(line, entry.values[slot]);
        }
        String format = spec.substring(dot + 1);
        boolean start = name.equals("start_time");
        if (!start && !name.equals("end_time")) {
            throw new IllegalArgumentException(KEY + ": {" + spec + "}: only start_time and end_time have formats");
        }
        if (!AccessLogTimes.FORMATS.contains(format)) {
            throw new IllegalArgumentException(KEY + ": {" + spec + "}: unknown time format " + format + "; known: "
                    + String.join(", ", AccessLogTimes.FORMATS));
        }
        return (line, entry) -> quote(line,
                AccessLogTimes.formatTime(start ? entry.startEpochNanos : entry.endEpochNanos(), format));
    }

    /** The fields, in the order Swift documents them; each appends its value quoted, or {@code -}. */
    private static Map<String, Field> fields(Options options) {
        Map<String, Field> fields = new LinkedHashMap<>();
        fields.put("client_ip", text(request -> clientIp(request, options.xForwardedFor())));
        fields.put("remote_addr", text(request -> request.getRemoteAddr()));
        fields.put("end_time", part((line, entry) -> AccessLogTimes.appendEpoch(line, entry.endEpochNanos())));
        fields.put("method", text(request -> request.getMethod()));
        fields.put("path", text(request -> pathAndQuery(request)));
        fields.put("protocol", text(request -> request.getProtocol()));
        fields.put("status_int", number(entry -> entry.status));
        fields.put("referer", text(request -> request.getHeader("Referer")));
        fields.put("user_agent", text(request -> request.getHeader("User-Agent")));
        fields.put("auth_token", text(request -> capLength(request.getHeader("X-Auth-Token"),
                options.revealSensitivePrefix())));
        fields.put("bytes_recvd", number(entry -> entry.bytesReceived));
        fields.put("bytes_sent", number(entry -> entry.bytesSent));
        fields.put("client_etag", text(request -> request.getHeader("Etag")));
        fields.put("transaction_id", text(request -> Berth.transactionId(request)));
        fields.put("headers", text(request -> options.logHeaders() ? headers(request, options) : null));
        fields.put("request_time", part((line, entry) -> AccessLogTimes.appendSeconds(line, entry.durationNanos)));
        // Swift's swift.source: set by its middleware for subrequests they make; Berth's stages make
        // none. Kept so that Swift's log parsers find the fields after it where they expect them.
        fields.put("source", text(request -> null));
        // Swift's swift.log_info: notes on the request (Berth: how long it waited for a stage being updated).
        fields.put("log_info", text(request -> Berth.logInfo(request)));
        fields.put("start_time", part((line, entry) -> AccessLogTimes.appendEpoch(line, entry.startEpochNanos)));
        fields.put("domain", text(request -> request.getServerName()));
        fields.put("pid", number(entry -> PID));
        fields.put("wire_status_int", number(entry -> entry.wireStatus));
        // Swift's swift.access_logging['user_id']: who tempauth let the request through as.
        fields.put("access_user_id", text(request -> accessUserId(request)));
        // W3C Trace Context: the trace a load balancer or caller started, to follow a request into this log.
        fields.put("trace_id", text(request -> traceId(request)));
        return fields;
    }

    private static Field text(Function<HttpServletRequest, String> value) {
        return new Field(value, null);
    }

    private static Field part(Part part) {
        return new Field(null, part);
    }

    @FunctionalInterface
    private interface LongValue {
        long of(AccessEntry entry);
    }

    private static Field number(LongValue value) {
        return part((line, entry) -> {
            long n = value.of(entry);
            if (n == 0) {
                line.append('-');
            } else {
                line.append(n);
            }
        });
    }

    private static String accessUserId(HttpServletRequest request) {
        Object user = request.getAttribute(ACCESS_USER_ATTRIBUTE);
        return user instanceof String ? (String) user : null;
    }

    /**
     * The trace id of the traceparent catch_errors settled (the caller's, or the one it made), else,
     * without catch_errors, of the request's own traceparent when it is valid.
     */
    private static String traceId(HttpServletRequest request) {
        Object settled = request.getAttribute(CatchErrorsFilter.TRACEPARENT_ATTRIBUTE);
        if (settled instanceof String && TraceParents.isValid((String) settled)) {
            return TraceParents.traceId((String) settled);
        }
        String header = request.getHeader(TraceContextRequest.TRACEPARENT);
        return TraceParents.isValid(header) ? TraceParents.traceId(header) : null;
    }

    /**
     * Swift's get_remote_client: a load balancer's {@code X-Cluster-Client-Ip}, else the first
     * address of {@code X-Forwarded-For}, else the peer. Those headers are the client's to write,
     * so they are believed only when the operator says a proxy in front sets them.
     */
    static String clientIp(HttpServletRequest request, boolean xForwardedFor) {
        if (xForwardedFor) {
            String cluster = request.getHeader("X-Cluster-Client-Ip");
            if (cluster != null && !cluster.isEmpty()) {
                return cluster;
            }
            String forwarded = request.getHeader("X-Forwarded-For");
            if (forwarded != null) {
                int comma = forwarded.indexOf(',');
                String first = (comma < 0 ? forwarded : forwarded.substring(0, comma)).strip();
                if (!first.isEmpty()) {
                    return first;
                }
            }
        }
        return request.getRemoteAddr();
    }

    /** Swift's req.path_qs: the path as the client sent it (still percent-encoded), and the query. */
    private static String pathAndQuery(HttpServletRequest request) {
        String path = request.getRequestURI();
        String query = request.getQueryString();
        return query == null || query.isEmpty() ? path : path + '?' + query;
    }

    /** Swift's cap_length: values longer than {@code max} keep {@code max} characters and {@code ...}. */
    static String capLength(String value, int max) {
        if (value == null || value.codePointCount(0, value.length()) <= max) {
            return value;
        }
        return value.substring(0, value.offsetByCodePoints(0, max)) + "...";
    }

    /** {@code Name: value} lines, sensitive values cut, as Swift's access_log_headers writes them. */
    private static String headers(HttpServletRequest request, Options options) {
        StringBuilder headers = new StringBuilder();
        Enumeration<String> names = request.getHeaderNames();
        while (names != null && names.hasMoreElements()) {
            String name = names.nextElement();
            String lower = name.toLowerCase(Locale.ROOT);
            if (!options.headersOnly().isEmpty() && !options.headersOnly().contains(lower)) {
                continue;
            }
            boolean sensitive = SENSITIVE_HEADERS.contains(lower);
            boolean secret = SECRET_HEADERS.contains(lower);
            Enumeration<String> values = request.getHeaders(name);
            while (values.hasMoreElements()) {
                String value = values.nextElement();
                if (headers.length() > 0) {
                    headers.append('\n');
                }
                headers.append(name).append(": ")
                        .append(secret ? "..." : sensitive ? capLength(value, options.revealSensitivePrefix()) : value);
            }
        }
        return headers.toString();
    }

    /**
     * Python's {@code urllib.parse.quote(value, safe=':/{}')} of the value's UTF-8 bytes, or
     * {@code -} for none: what Swift's LogStringFormatter writes for a field.
     */
    static void quote(StringBuilder line, String value) {
        if (value == null || value.isEmpty()) {
            line.append('-');
            return;
        }
        // Most values (addresses, methods, plain paths, ids) need no quoting: copied in one go.
        int plain = 0;
        while (plain < value.length() && isSafe(value.charAt(plain))) {
            plain++;
        }
        line.append(value, 0, plain);
        for (int i = plain; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                if (isSafe(c)) {
                    line.append(c);
                } else {
                    percent(line, c);
                }
            } else if (c < 0x800) {
                percent(line, 0xC0 | (c >> 6));
                percent(line, 0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, value.charAt(++i));
                percent(line, 0xF0 | (cp >> 18));
                percent(line, 0x80 | ((cp >> 12) & 0x3F));
                percent(line, 0x80 | ((cp >> 6) & 0x3F));
                percent(line, 0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                percent(line, '?');
            } else {
                percent(line, 0xE0 | (c >> 12));
                percent(line, 0x80 | ((c >> 6) & 0x3F));
                percent(line, 0x80 | (c & 0x3F));
            }
        }
    }

    private static boolean isSafe(char c) {
        return c < 0x80 && SAFE[c];
    }

    private static void percent(StringBuilder line, int b) {
        line.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
    }
}
