package io.berth.middleware.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.Berth;

/**
 * Swift's {@code catch_errors}: gives every request a transaction id (request attribute
 * {@value Berth#TRANS_ID_ATTRIBUTE}, response headers {@code X-Trans-Id} and
 * {@code X-Openstack-Request-Id}) and turns any exception escaping the stages after it into
 * {@code 500 An error occurred}. The client never sees the exception; the log has it, under the
 * transaction id the client was given. A client that hung up mid request is no error: it is
 * logged at INFO as {@code 499}, one line without a stack trace, at most
 * {@value LogBudget#LINES} a minute (then one line says how many were left out; proxy_logging's
 * access log has every one), and nothing is written to its closed connection.
 *
 * <p>It also settles the request's W3C {@code traceparent}, as it makes the transaction id: a valid
 * one is passed on unchanged (Berth creates no spans, so it forwards the caller's parent id); an
 * absent or invalid one (or more than one) is replaced by a new trace, which the stages after it
 * and the app see as the request's {@code traceparent} header (and no {@code tracestate}). The
 * value in force is also the request attribute {@value #TRACEPARENT_ATTRIBUTE}, and its trace id
 * the access log's {@code {trace_id}}. A new trace is made when first read (its header, the
 * attribute, the access log's {@code {trace_id}}): a request nobody asks it of costs none. Responses carry no {@code traceparent}: Trace Context level
 * 1 defines it for requests only.
 */
public final class CatchErrorsFilter implements Filter {

    static final int MAX_SUFFIX_LENGTH = 64;

    static final String ERROR_BODY = "An error occurred";

    /**
     * Request attribute holding the request's {@code traceparent} as the stages after this one and
     * the app see it (a {@link String}): the caller's when valid, else a new one.
     */
    static final String TRACEPARENT_ATTRIBUTE = "io.berth.traceparent";

    private static final byte[] ERROR_BYTES = ERROR_BODY.getBytes(StandardCharsets.UTF_8);

    private static final Logger LOG = LoggerFactory.getLogger(CatchErrorsFilter.class);

    @ObjectClassDefinition(name = "catch_errors",
            description = "Gives every request a transaction id and answers 500 'An error occurred' "
                    + "for any exception the stages after it let escape (Swift's catch_errors).")
    public @interface Config {
        // Method names map to property names: "__" becomes "_", so this is trans_id_suffix.

        @AttributeDefinition(name = "Transaction id suffix",
                description = "Appended (URL-quoted) to every transaction id, for example to tell "
                        + "regions or clusters apart in logs. At most 64 characters. Swift's trans_id_suffix.")
        String trans__id__suffix() default "";
    }

    private final String suffix;
    /** Bounds the lines for clients that hung up; shared by the stage's filters, so it outlives a pipeline's rebuild. */
    private final LogBudget disconnects;

    /** With a budget of its own: for tests. */
    CatchErrorsFilter(Config config) {
        this(config, new LogBudget());
    }

    CatchErrorsFilter(Config config, LogBudget disconnects) {
        this.disconnects = disconnects;
        String value = config.trans__id__suffix();
        if (value.length() > MAX_SUFFIX_LENGTH) {
            throw new IllegalArgumentException("trans_id_suffix: " + value.length()
                    + " characters; at most " + MAX_SUFFIX_LENGTH + " are allowed");
        }
        StringBuilder quoted = new StringBuilder();
        TransactionIds.quote(quoted, value);
        this.suffix = quoted.toString();
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;

        String transId = TransactionIds.next(suffix, request.getHeader(Berth.X_TRANS_ID_EXTRA),
                System.currentTimeMillis() / 1000);
        request.setAttribute(Berth.TRANS_ID_ATTRIBUTE, transId);
        setTransIdHeaders(response, transId);
        HttpServletRequest passedOn = traceContext(request);

        try {
            chain.doFilter(passedOn, response);
        } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
            if (Berth.clientGone(e)) {
                // Nobody is left to read a 500, and a client hanging up is no error of ours: one
                // line, as Swift's proxy logs it (499). Not the exception back to the container:
                // Felix's dispatcher would log it at ERROR with its whole stack trace (checked
                // against Felix HTTP Jetty 12 1.1.8). Jetty finds the connection gone and closes it.
                // Clients can hang up by the thousand: a bounded number of lines, then how many were left out.
                long leftOut = disconnects.take();
                if (leftOut > 0) {
                    LOG.info("Client disconnected: {} more not logged (at most {} such lines in {} s)", leftOut,
                            disconnects.lines(), disconnects.windowSeconds());
                }
                if (leftOut != LogBudget.LEAVE_OUT) {
                    LOG.info("Client disconnected: 499 (transaction {}, {} {}, client {})", transId,
                            request.getMethod(), request.getRequestURI(), request.getRemoteAddr());
                }
                if (!response.isCommitted() && request.getAttribute(Berth.CONNECTION_ATTRIBUTE) instanceof Closeable) {
                    // Returning would have the container answer 200 for a request the app never
                    // finished, to a client that may still read (a half close): the connection ends instead.
                    ((Closeable) request.getAttribute(Berth.CONNECTION_ATTRIBUTE)).close();
                }
                return;
            }
            // Everything but the JVM failing for good (OutOfMemoryError, InternalError) is a
            // failure of this request alone.
            LOG.error("Error: An error occurred (transaction {}, {} {}, client {})", transId, request.getMethod(),
                    request.getRequestURI(), request.getRemoteAddr(), e);
            if (response.isCommitted()) {
                // The status is on the wire already: all that is left is to cut the response short,
                // which Jetty does for an exception. This one carries no stack trace: it is logged above.
                throw new ResponseCutShort(transId);
            }
            response.reset();
            setTransIdHeaders(response, transId);
            response.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
            response.setContentType("text/plain;charset=utf-8");
            response.setContentLength(ERROR_BYTES.length);
            response.getOutputStream().write(ERROR_BYTES);
            if (request.isAsyncStarted()) {
                // The application went asynchronous and then failed: it will not complete the
                // request; the container would wait for the async timeout, holding the request.
                request.getAsyncContext().complete();
            }
        }
    }

    /** Tells Jetty to abort a committed response; it has no stack trace, the cause is logged already. */
    private static final class ResponseCutShort extends ServletException {

        private static final long serialVersionUID = 1L;

        ResponseCutShort(String transId) {
            super("Response cut short by an error after it was committed (transaction " + transId + ")");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /**
     * @return the request itself when its traceparent is valid (passed on as it is, no wrapper),
     *     else the request with a new one, made when first read
     */
    private static HttpServletRequest traceContext(HttpServletRequest request) {
        String traceparent = request.getHeader(TraceContextRequest.TRACEPARENT);
        if (TraceParents.isValid(traceparent) && single(request)) {
            request.setAttribute(TRACEPARENT_ATTRIBUTE, traceparent);
            return request;
        }
        TraceContextRequest traced = new TraceContextRequest(request);
        if (request.getAttribute(ProxyLoggingFilter.RECORD_ATTRIBUTE) instanceof AccessRecord record
                && record.wantsTraceId) {
            // A proxy_logging before this stage logs {trace_id} from the request it holds, which
            // reads no header of this wrapper: the trace is made now, as the attribute it reads.
            traced.settle();
        }
        return traced;
    }

    /** Two traceparent fields name two parents: which one is the caller is unknown, so neither is. */
    private static boolean single(HttpServletRequest request) {
        Enumeration<String> values = request.getHeaders(TraceContextRequest.TRACEPARENT);
        values.nextElement();
        return !values.hasMoreElements();
    }

    private static void setTransIdHeaders(HttpServletResponse response, String transId) {
        response.setHeader(Berth.X_TRANS_ID, transId);
        response.setHeader(Berth.X_OPENSTACK_REQUEST_ID, transId);
    }
}
