package io.berth.example.objects.internal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.Berth;

/**
 * The answer to a request that failed, written over whatever the app had begun, keeping the
 * headers the pipeline's stages set before the app ran (X-Trans-Id and the like). Made when a
 * request comes in, so that it knows which headers were the stages'. Typed as Swift types it:
 * plain text for what its request checks refuse (400, 413: constraints.py says so), else swob's
 * default, HTML, which Swift keeps for the reasons it gives in words ("Bad URL", "Invalid UTF8 or
 * contains NULL") as for its default pages.
 */
final class ErrorAnswer {

    /** Under the servlet's name, as before these classes were split out of it: log settings name that. */
    private static final Logger LOG = LoggerFactory.getLogger(ObjectsServlet.class);

    /** The most of an unread request body an error answer reads to keep the connection. */
    private static final long DRAIN_LIMIT = 64 * 1024;

    /** swob's default type, which Swift gives every error but those of its request checks (400, 413). */
    static final String HTML = "text/html; charset=UTF-8";

    /** The stages' headers, by name, as the response held them when the app began. */
    private final Map<String, List<String>> upstream;

    private ErrorAnswer(Map<String, List<String>> upstream) {
        this.upstream = upstream;
    }

    /** Call before the app touches the response: what it holds then is the stages'. */
    static ErrorAnswer keeping(HttpServletResponse response) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : response.getHeaderNames()) {
            headers.put(name, List.copyOf(response.getHeaders(name)));
        }
        return new ErrorAnswer(headers);
    }

    /**
     * A request body that could not be read; nothing was stored, and the connection closes with
     * the answer, the rest of the body unread.
     * <ul>
     * <li>The client stopped sending until the idle timeout: 408, as Swift answers it.
     * <li>A chunked body: 400, malformed. Jetty 12.0 reports a chunked body it cannot parse (a
     * chunk size that is not hexadecimal, is negative or too large) exactly as a connection that
     * ended mid-body: an EofException "Early EOF", its parser's reason logged at DEBUG only. So
     * the answer names both (checked with Jetty 12.0.32, as Felix http.jetty12 1.1.8 embeds it).
     * <li>A body of declared length has no framing to get wrong: it ended with the connection.
     * </ul>
     * A client that hung up reads none of this, but it is still answered, never left to the
     * container: out of the app, Felix's dispatcher (http.jetty12 1.1.8) logs an exception at
     * ERROR with its stack trace and answers 500, and a response left empty goes out as 200. 499
     * is a status for the log only (proxy_logging writes it for a body that could not be read),
     * never an answer.
     */
    void unreadableBody(HttpServletRequest request, HttpServletResponse response, BodyReadException e)
            throws IOException {
        String message;
        int status = 400;
        long length = request.getContentLengthLong();
        if (causedBy(e, TimeoutException.class)) {
            status = 408;
            message = "Request Timeout: no more of the body came after " + e.bytesRead
                    + " bytes, for longer than the server waits on an idle connection";
        } else if (length < 0) {
            message = "Bad Request: malformed chunked body: it broke off after " + e.bytesRead + " bytes, where a chunk"
                    + " size or the end of a chunk belongs (a size that is not hexadecimal, is negative or too large,"
                    + " or a connection that ended before the last chunk)";
        } else {
            message = "Bad Request: the body ended after " + e.bytesRead + " of its " + length
                    + " bytes (Content-Length), with the connection";
        }
        send(request, response, status, message + "; nothing was stored", true);
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        Throwable cause = failure;
        // Bounded: a cause chain can be a cycle.
        for (int depth = 0; cause != null && depth < 16; depth++) {
            if (type.isInstance(cause)) {
                return true;
            }
            cause = cause.getCause();
        }
        return false;
    }

    /**
     * Nothing when the response has begun: then only cutting it is honest, and that is the caller's.
     *
     * @param bodyUnreadable reading the request body failed: it cannot be drained, and the connection ends with this answer
     */
    void send(HttpServletRequest request, HttpServletResponse response, int status, String message, boolean bodyUnreadable)
            throws IOException {
        send(request, response, status, message, bodyUnreadable, null);
    }

    /** @param challenge the Www-Authenticate value of a 401, or null */
    void send(HttpServletRequest request, HttpServletResponse response, int status, String message, boolean bodyUnreadable,
            String challenge) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        String contentRange = response.getHeader("Content-Range");
        // A 412 or 416 is about the object the app found: Swift's swob answers them with its
        // headers, and a client reads the ETag to learn what it has instead.
        String etag = response.getHeader("ETag");
        String lastModified = response.getHeader("Last-Modified");
        response.reset();
        // reset() puts back what Jetty 12 gives every response from its start (Date, Server), and
        // the stages' headers were read after that: adding those again would send two Dates.
        // Checked with Jetty 12.0.32.
        upstream.forEach((name, values) -> {
            if (!response.containsHeader(name)) {
                values.forEach(value -> response.addHeader(name, value));
            }
        });
        if (bodyUnreadable || !unreadBodyDrained(request)) {
            // The rest of the body is not worth reading: say the connection ends here, or Jetty
            // closes it after a response that said nothing, and a client reusing it fails.
            response.setHeader("Connection", "close");
        }
        if (status == 416 && contentRange != null) {
            response.setHeader("Content-Range", contentRange);
        }
        if ((status == 412 || status == 416) && etag != null) {
            response.setHeader("ETag", etag);
            if (lastModified != null) {
                response.setHeader("Last-Modified", lastModified);
            }
        }
        if (challenge != null) {
            response.setHeader("Www-Authenticate", challenge);
        }
        try {
            if (status == 400 || status == 413) {
                Responses.body(response, status, Responses.TEXT, message + "\n");
            } else {
                Responses.body(response, status, HTML, html(message));
            }
        } catch (IOException gone) {
            // The client went away before its answer (a reset connection fails the write at once).
            // Out of the app this would be an error: Felix's dispatcher logs it with its stack trace.
            LOG.debug("{} {}: the {} answer found the client gone: {}", request.getMethod(), request.getRequestURI(),
                    status, gone.toString());
        }
    }

    /**
     * The reason, escaped for the HTML its type says it is: it can hold names from the request.
     * Not wrapped in swob's page: like Swift's own reasons ("Bad URL"), it is the whole body.
     */
    static String html(String message) {
        return Responses.escape(message) + "\n";
    }

    /** Refused before its body was read: a small body is read and dropped, so the connection can serve the next request. */
    private static boolean unreadBodyDrained(HttpServletRequest request) {
        try {
            if (!Berth.hasBody(request)) {
                // No body at all (a GET): Jetty 12 may not say the stream is finished before a read.
                return true;
            }
            ServletInputStream in = request.getInputStream();
            if (in.isFinished()) {
                return true;
            }
            long length = request.getContentLengthLong();
            if (length < 0 || length > DRAIN_LIMIT) {
                return false;
            }
            byte[] buffer = new byte[8192];
            long left = length;
            for (int n; left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0; ) {
                left -= n;
            }
            return left == 0;
        } catch (IOException | IllegalStateException e) {
            return false;
        }
    }
}
