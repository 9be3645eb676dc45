package io.berth.middleware.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The {@code request_limits} stage's filter. Cheap checks first: the method (a set look-up),
 * the header count (stops counting at the limit), the declared length. Only a body of unknown
 * length is wrapped, to be counted as it is read.
 */
final class RequestLimitsFilter implements Filter {

    /** Methods allowed_methods accepts: RFC 9110's, PATCH (RFC 5789), and WebDAV's (RFC 4918). */
    static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
            "TRACE", "PATCH", "COPY", "MOVE", "MKCOL", "PROPFIND", "PROPPATCH", "LOCK", "UNLOCK");

    static final int SC_REQUEST_HEADER_FIELDS_TOO_LARGE = 431;

    static final String METHOD_BODY = "Method not allowed by allowed_methods";

    private static final byte[] METHOD_BYTES = PlainResponses.utf8(METHOD_BODY);

    private final long maxBodySize;
    private final int maxHeaderCount;
    private final Set<String> allowedMethods;
    private final String allow;
    private final String bodyTooLarge;
    private final byte[] bodyTooLargeBytes;
    private final byte[] tooManyHeadersBytes;

    RequestLimitsFilter(RequestLimitsStage.Config config) {
        maxBodySize = config.max__body__size();
        if (maxBodySize < 0) {
            throw new IllegalArgumentException("max_body_size: " + maxBodySize
                    + " is negative; give a size in bytes, or 0 for no limit");
        }
        maxHeaderCount = config.max__header__count();
        if (maxHeaderCount < 0) {
            throw new IllegalArgumentException("max_header_count: " + maxHeaderCount
                    + " is negative; give a number of header fields, or 0 for no limit");
        }
        Set<String> methods = new LinkedHashSet<>();
        for (String method : config.allowed__methods()) {
            if (!KNOWN_METHODS.contains(method)) {
                throw new IllegalArgumentException("allowed_methods: '" + method + "' is not a known method; known "
                        + "(upper case): " + String.join(" ", new TreeSet<>(KNOWN_METHODS)));
            }
            methods.add(method);
        }
        if (methods.isEmpty()) {
            throw new IllegalArgumentException("allowed_methods: empty; name the methods to serve");
        }
        allowedMethods = Set.copyOf(methods);
        allow = String.join(", ", methods);
        bodyTooLarge = "Request body exceeds max_body_size (" + maxBodySize + " bytes)";
        bodyTooLargeBytes = PlainResponses.utf8(bodyTooLarge);
        tooManyHeadersBytes = PlainResponses.utf8(
                "Request has more header fields than max_header_count (" + maxHeaderCount + ")");
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;

        if (!allowedMethods.contains(request.getMethod())) {
            PlainResponses.refuse(request, response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, METHOD_BYTES, allow);
            return;
        }
        if (maxHeaderCount > 0 && moreHeadersThan(request, maxHeaderCount)) {
            PlainResponses.refuse(request, response, SC_REQUEST_HEADER_FIELDS_TOO_LARGE, tooManyHeadersBytes, null);
            return;
        }
        if (maxBodySize == 0) {
            chain.doFilter(request, response);
            return;
        }
        long length = request.getContentLengthLong();
        if (length > maxBodySize) {
            PlainResponses.refuse(request, response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                    bodyTooLargeBytes, null);
            return;
        }
        if (length >= 0 || !mayStreamBody(request)) {
            // A declared length is enforced by the server: the app cannot read past it.
            chain.doFilter(request, response);
            return;
        }
        Limited limited = new Limited(request, response);
        try {
            chain.doFilter(limited, response);
        } catch (IOException | ServletException | RuntimeException e) {
            if (!limited.answered()) {
                throw e;
            }
            // The app failed because its read failed; the client has its 413 already.
        }
    }

    /** A body without a length: chunked over HTTP/1.1; over HTTP/2 and 3, possibly any request. */
    private static boolean mayStreamBody(HttpServletRequest request) {
        return request.getHeader("Transfer-Encoding") != null || !request.getProtocol().startsWith("HTTP/1.");
    }

    /**
     * Counts the fields the client sent: those of the container's request, not of a stage's wrapper
     * (catch_errors adds a traceparent when the client sent none, which is not the client's field).
     */
    private static boolean moreHeadersThan(HttpServletRequest request, int max) {
        ServletRequest sent = request;
        while (sent instanceof ServletRequestWrapper) {
            sent = ((ServletRequestWrapper) sent).getRequest();
        }
        HttpServletRequest asSent = sent instanceof HttpServletRequest ? (HttpServletRequest) sent : request;
        int count = 0;
        for (Enumeration<String> names = asSent.getHeaderNames(); names.hasMoreElements();) {
            for (Enumeration<String> values = asSent.getHeaders(names.nextElement()); values.hasMoreElements();) {
                values.nextElement();
                if (++count > max) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The request with its body counted as the stages after this one and the app read it. */
    private final class Limited extends HttpServletRequestWrapper {

        private final HttpServletResponse response;
        private LimitedInputStream stream;
        private BufferedReader reader;

        Limited(HttpServletRequest request, HttpServletResponse response) {
            super(request);
            this.response = response;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (reader != null) {
                throw new IllegalStateException("getReader() has already been called for this request");
            }
            return stream();
        }

        @Override
        public BufferedReader getReader() throws IOException {
            if (reader == null) {
                if (stream != null) {
                    throw new IllegalStateException("getInputStream() has already been called for this request");
                }
                reader = new BufferedReader(new InputStreamReader(stream(), charset()));
            }
            return reader;
        }

        @Override
        public AsyncContext startAsync() {
            // Without this, the context would hold the original request, whose body is not counted.
            return startAsync(this, response);
        }

        private LimitedInputStream stream() throws IOException {
            if (stream == null) {
                HttpServletRequest request = (HttpServletRequest) getRequest();
                stream = new LimitedInputStream(request.getInputStream(), maxBodySize, bodyTooLarge,
                        () -> answer(request));
            }
            return stream;
        }

        private Charset charset() throws UnsupportedEncodingException {
            String encoding = getCharacterEncoding();
            if (encoding == null) {
                return StandardCharsets.ISO_8859_1;
            }
            try {
                return Charset.forName(encoding);
            } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                throw new UnsupportedEncodingException(encoding);
            }
        }

        private boolean answer(HttpServletRequest request) {
            if (response.isCommitted()) {
                return false;
            }
            try {
                PlainResponses.replace(request, response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                        bodyTooLargeBytes);
                return true;
            } catch (IOException | RuntimeException e) {
                // The client is gone, or the app holds the response in a state that cannot be
                // reset: its read fails all the same.
                return false;
            }
        }

        boolean answered() {
            return stream != null && stream.answered();
        }
    }
}
