package io.berth.middleware.internal;

import java.io.IOException;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The {@code read_only} stage's filter. Writes are told apart from reads by method alone, and
 * fail closed: only the safe methods of RFC 9110 (and DELETE, when allowed) pass, so that an
 * extension method (WebDAV's MKCOL, Swift's COPY) cannot write past it.
 */
final class ReadOnlyFilter implements Filter {

    static final String BODY = "Writes are disabled by read_only";

    private static final byte[] BODY_BYTES = PlainResponses.utf8(BODY);

    private final boolean readOnly;
    private final boolean allowDeletes;
    private final String allow;

    ReadOnlyFilter(ReadOnlyStage.Config config) {
        this.readOnly = config.read__only();
        this.allowDeletes = config.allow__deletes();
        this.allow = allowDeletes ? "GET, HEAD, OPTIONS, TRACE, DELETE" : "GET, HEAD, OPTIONS, TRACE";
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!readOnly || passes(((HttpServletRequest) req).getMethod())) {
            chain.doFilter(req, res);
            return;
        }
        PlainResponses.refuse((HttpServletRequest) req, (HttpServletResponse) res,
                HttpServletResponse.SC_METHOD_NOT_ALLOWED, BODY_BYTES, allow);
    }

    private boolean passes(String method) {
        switch (method) {
            case "GET":
            case "HEAD":
            case "OPTIONS":
            case "TRACE":
                return true;
            case "DELETE":
                return allowDeletes;
            default:
                return false;
        }
    }
}
