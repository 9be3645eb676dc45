package io.berth.middleware.internal;

import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * A request whose {@code traceparent} header {@code catch_errors} replaces (a new trace): the
 * stages after it and the app see the new value, and no {@code tracestate}, which belonged to the
 * trace that was not continued (W3C Trace Context: a vendor that restarts a trace starts with an
 * empty tracestate, and must not parse one after an invalid traceparent).
 *
 * <p>The new trace is made when it is first read — its header, or the request attribute
 * {@value CatchErrorsFilter#TRACEPARENT_ATTRIBUTE}, which it is then set as on the request below
 * (so stages before catch_errors see it too) — or when {@link #settle()} is called: most requests
 * are answered without anyone asking, and making one (random numbers, a string, an attribute the
 * container announces to its listeners) was most of what catch_errors cost.
 */
final class TraceContextRequest extends HttpServletRequestWrapper {

    static final String TRACEPARENT = "traceparent";
    static final String TRACESTATE = "tracestate";

    /** Null until read: the request's thread, then its async thread after the container's hand-over, touch it. */
    private String traceparent;

    TraceContextRequest(HttpServletRequest request) {
        super(request);
    }

    /** @return the new traceparent, made now if nobody asked before */
    String settle() {
        if (traceparent == null) {
            traceparent = TraceParents.next();
            super.setAttribute(CatchErrorsFilter.TRACEPARENT_ATTRIBUTE, traceparent);
        }
        return traceparent;
    }

    /** @return whether the trace was made (read, or settled) */
    boolean settled() {
        return traceparent != null;
    }

    @Override
    public Object getAttribute(String name) {
        return CatchErrorsFilter.TRACEPARENT_ATTRIBUTE.equals(name) ? settle() : super.getAttribute(name);
    }

    @Override
    public String getHeader(String name) {
        if (TRACEPARENT.equalsIgnoreCase(name)) {
            return settle();
        }
        return TRACESTATE.equalsIgnoreCase(name) ? null : super.getHeader(name);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        if (TRACEPARENT.equalsIgnoreCase(name)) {
            return Collections.enumeration(List.of(settle()));
        }
        return TRACESTATE.equalsIgnoreCase(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
    }

    /**
     * The original names with {@code tracestate} and the original {@code traceparent} left out and
     * {@code traceparent} last, read as the caller goes: gatekeeper walks every request's names, and
     * most requests carry no trace context at all, so nothing is copied.
     */
    @Override
    public Enumeration<String> getHeaderNames() {
        Enumeration<String> original = super.getHeaderNames();
        return new Enumeration<>() {
            private String next = advance();
            private boolean added;

            private String advance() {
                while (original != null && original.hasMoreElements()) {
                    String name = original.nextElement();
                    if (!TRACEPARENT.equalsIgnoreCase(name) && !TRACESTATE.equalsIgnoreCase(name)) {
                        return name;
                    }
                }
                return null;
            }

            @Override
            public boolean hasMoreElements() {
                return next != null || !added;
            }

            @Override
            public String nextElement() {
                if (next != null) {
                    String name = next;
                    next = advance();
                    return name;
                }
                if (!added) {
                    added = true;
                    return TRACEPARENT;
                }
                throw new java.util.NoSuchElementException();
            }
        };
    }
}
