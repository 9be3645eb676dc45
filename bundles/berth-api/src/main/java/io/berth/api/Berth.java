package io.berth.api;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Names that Berth's bundles, and the stages and apps written for Berth, agree on.
 */
public final class Berth {

    /**
     * Request attribute under which {@code catch_errors} stores the request's transaction id
     * (a {@link String}), so that later stages and the app can log it or pass it on.
     */
    public static final String TRANS_ID_ATTRIBUTE = "io.berth.trans_id";

    /** Response header carrying the transaction id, as Swift names it. */
    public static final String X_TRANS_ID = "X-Trans-Id";

    /** Response header carrying the transaction id, as OpenStack's request-id middleware names it. */
    public static final String X_OPENSTACK_REQUEST_ID = "X-Openstack-Request-Id";

    /** Request header whose value a client may have appended to its transaction id. */
    public static final String X_TRANS_ID_EXTRA = "X-Trans-Id-Extra";

    /**
     * Service property naming the stage type a whiteboard filter or servlet provides
     * ({@code catch_errors}, {@code hello}, ...). Set it with {@link Stage}.
     */
    public static final String STAGE_PROPERTY = "berth.stage";

    /**
     * Request attribute naming the listener ({@link Listener#name()}) that accepted the request's
     * connection, set before any stage runs.
     */
    public static final String LISTENER_ATTRIBUTE = "io.berth.listener";

    /**
     * Request attribute set to {@link Boolean#TRUE} while the listener that accepted the request is
     * leaving service (stopping, or taken out by an operator): {@code healthcheck} answers
     * {@code 503 DRAINING} so that a load balancer stops sending before the listener closes.
     */
    public static final String DRAINING_ATTRIBUTE = "io.berth.draining";

    /**
     * Request attribute holding a {@link java.io.Closeable} that closes the request's connection at
     * once, set by the listener before any stage runs: for a stage that finds the client gone
     * before anything was answered, so that no status is sent to a client that may still be
     * reading (a half-closed one would otherwise read a response the app never gave).
     */
    public static final String CONNECTION_ATTRIBUTE = "io.berth.connection";

    /**
     * Request attribute holding notes for the access log's {@code log_info} field (a
     * {@link String}, Swift's {@code swift.log_info}): Berth notes there how long a request waited
     * for a stage that was being updated ({@code waited 412 ms for ratelimit}).
     */
    public static final String LOG_INFO_ATTRIBUTE = "io.berth.log_info";

    /** Bounds the walk of a cause chain: it can be a cycle, and real ones are a handful deep. */
    private static final int MAX_CAUSE_DEPTH = 16;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Berth() {
    }

    /**
     * Whether a failure says the client closed or reset its connection rather than that the server
     * failed: Jetty reports a connection the client closed, found reading the request body or
     * writing the response, as its {@code EofException}, a {@link java.io.EOFException}; an
     * application may have wrapped it in a {@code ServletException}, an {@code IOException} of its
     * own or an unchecked exception. A client hanging up is no error of the server's.
     *
     * @param failure what a request's handling threw
     * @return whether the failure, or one of its causes, is an end of file
     */
    public static boolean clientGone(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < MAX_CAUSE_DEPTH; depth++) {
            if (cause instanceof java.io.EOFException) {
                return true;
            }
            cause = cause.getCause();
        }
        return false;
    }

    /**
     * Appends a new transaction id in Swift's form, without suffix: {@code tx} + 21 random hex
     * digits + {@code -} + the epoch seconds as 10 hex digits. {@code catch_errors} adds its
     * suffix; a listener uses it alone for the answers it gives before any pipeline runs.
     *
     * @param id where to append it
     * @param epochSeconds the current time
     * @return {@code id}
     */
    public static StringBuilder appendTransactionId(StringBuilder id, long epochSeconds) {
        id.append("tx");
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        appendHex(id, random.nextLong(), 16);
        appendHex(id, random.nextInt(), 5);
        id.append('-');
        appendHex(id, epochSeconds, 10);
        return id;
    }

    /** Appends the low {@code digits} hex digits of {@code value}, most significant first. */
    private static void appendHex(StringBuilder out, long value, int digits) {
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            out.append(HEX[(int) (value >>> shift) & 0xf]);
        }
    }

    /**
     * The transaction id {@code catch_errors} gave this request.
     *
     * @param request the request being served
     * @return the transaction id, or {@code null} when no {@code catch_errors} stage ran before
     */
    public static String transactionId(ServletRequest request) {
        Object id = request.getAttribute(TRANS_ID_ATTRIBUTE);
        return id instanceof String ? (String) id : null;
    }

    /**
     * Adds a note for the access log's {@code log_info} field.
     *
     * @param request the request being served
     * @param note a short note, no line breaks
     */
    public static void addLogInfo(ServletRequest request, String note) {
        String before = logInfo(request);
        request.setAttribute(LOG_INFO_ATTRIBUTE, before == null ? note : before + "; " + note);
    }

    /**
     * @param request the request being served
     * @return the notes for the access log's {@code log_info} field, or {@code null}
     */
    public static String logInfo(ServletRequest request) {
        Object info = request.getAttribute(LOG_INFO_ATTRIBUTE);
        return info instanceof String ? (String) info : null;
    }

    /**
     * Whether the client sends a body: a positive length, or a chunked one. (Over HTTP/2 and 3
     * a request without a length may still carry one, but those close a stream, not the
     * connection, when the server stops reading.)
     *
     * @param request the request being served
     * @return false for a request without a body, such as a GET, whose stream need not be read
     * @since 1.11
     */
    public static boolean hasBody(HttpServletRequest request) {
        long length = request.getContentLengthLong();
        return length > 0 || length < 0 && request.getHeader("Transfer-Encoding") != null;
    }

    /**
     * The request's path inside its pipeline as the client sent it, percent-decoded: the request
     * URI without the pipeline's path. Not the servlet API's path, in which Jetty has resolved dot
     * segments: {@code /v1/AUTH_b/c/../../AUTH_a/o} is {@code /v1/AUTH_a/o} there but names account
     * {@code AUTH_b} here. A stage that checks a path and the app that serves it read it here, so
     * that both see the same one.
     *
     * @param request the request being served
     * @return the decoded path, empty at the pipeline's own path
     * @throws IllegalArgumentException naming what is wrong: the URI as sent does not start with
     *     the pipeline's path, or see {@link #percentDecode}
     */
    public static String pathAsSent(HttpServletRequest request) {
        return percentDecode(rawPath(request), "path");
    }

    /**
     * Percent-decodes as UTF-8, strictly ({@code +} stays {@code +}).
     *
     * @param encoded the text as sent
     * @param what names the text in the error message ("path", "X-Copy-From header")
     * @return the decoded text
     * @throws IllegalArgumentException for a bad escape, bytes that are not UTF-8, or NUL, naming which
     */
    public static String percentDecode(String encoded, String what) {
        byte[] bytes = percentDecodeBytes(encoded, what);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("Invalid UTF-8 in the " + what);
        }
        if (text.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("NUL (%00) in the " + what);
        }
        return text;
    }

    /**
     * The request's path inside its pipeline as {@link #pathAsSent}, but with bytes that are not
     * UTF-8 read as U+FFFD and NUL kept: for a stage that must decide about a request whose path
     * the app behind will refuse in its own words (Swift's 412 "Invalid UTF8 or contains NULL").
     * Never the name of anything.
     *
     * @param request the request being served
     * @return the decoded path
     * @throws IllegalArgumentException for a bad escape, or a URI that does not start with the pipeline's path
     * @since 1.11
     */
    public static String pathAsSentLeniently(HttpServletRequest request) {
        return new String(percentDecodeBytes(rawPath(request), "path"), StandardCharsets.UTF_8);
    }

    /** The request URI as sent, without the pipeline's path. */
    private static String rawPath(HttpServletRequest request) {
        String raw = request.getRequestURI();
        String context = request.getContextPath();
        if (raw == null || !raw.startsWith(context)) {
            throw new IllegalArgumentException("the path as sent does not start with the pipeline's path " + context);
        }
        return raw.substring(context.length());
    }

    private static byte[] percentDecodeBytes(String encoded, String what) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                int hi = i + 2 < encoded.length() ? Character.digit(encoded.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(encoded.charAt(i + 2), 16) : -1;
                if (lo < 0) {
                    throw new IllegalArgumentException("Invalid percent-encoding in the " + what + " at character " + i);
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
            }
        }
        return bytes.toByteArray();
    }
}
