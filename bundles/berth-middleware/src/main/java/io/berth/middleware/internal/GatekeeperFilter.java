package io.berth.middleware.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code gatekeeper} stage's filter: hides the request headers it removes behind a request
 * wrapper, and drops the response headers it removes as they are set. Nothing is copied: the
 * wrappers test each name asked for or set against patterns compiled once.
 */
final class GatekeeperFilter implements Filter {

    private static final Logger LOG = LoggerFactory.getLogger(GatekeeperFilter.class);

    private final HeaderPatterns inbound;
    private final HeaderPatterns outbound;

    GatekeeperFilter(GatekeeperStage.Config config) {
        this.inbound = HeaderPatterns.parse("remove_request_headers", config.remove__request__headers());
        this.outbound = HeaderPatterns.parse("remove_response_headers", config.remove__response__headers());
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (inbound.isEmpty() && outbound.isEmpty()) {
            chain.doFilter(req, res);
            return;
        }
        HttpServletResponse response = outbound.isEmpty() ? (HttpServletResponse) res
                : new Outbound((HttpServletResponse) res, outbound);
        if (LOG.isDebugEnabled()) {
            logRemoved((HttpServletRequest) req);
        }
        // The request is wrapped even with nothing to hide: its startAsync() must hand the
        // filtering response to an app that writes through AsyncContext.getResponse().
        chain.doFilter(new Inbound((HttpServletRequest) req, inbound, response), response);
    }

    private void logRemoved(HttpServletRequest request) {
        List<String> removed = new ArrayList<>();
        for (Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements();) {
            String name = names.nextElement();
            if (inbound.matches(name)) {
                removed.add(name);
            }
        }
        if (!removed.isEmpty()) {
            // Names only: values of internal headers may be secrets.
            LOG.debug("gatekeeper removed request headers {}", removed);
        }
    }

    /** The request as the stages after gatekeeper see it: without the removed headers. */
    static final class Inbound extends HttpServletRequestWrapper {

        private final HeaderPatterns removed;
        private final HttpServletResponse response;

        Inbound(HttpServletRequest request, HeaderPatterns removed, HttpServletResponse response) {
            super(request);
            this.removed = removed;
            this.response = response;
        }

        @Override
        public String getHeader(String name) {
            return removed.matches(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return removed.matches(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            Enumeration<String> names = super.getHeaderNames();
            return removed.isEmpty() ? names : new Without(names, removed);
        }

        @Override
        public int getIntHeader(String name) {
            return removed.matches(name) ? -1 : super.getIntHeader(name);
        }

        @Override
        public long getDateHeader(String name) {
            return removed.matches(name) ? -1 : super.getDateHeader(name);
        }

        @Override
        public Map<String, String> getTrailerFields() {
            return without(super.getTrailerFields(), removed);
        }

        @Override
        public AsyncContext startAsync() {
            // Without this, the context would hold the original request and response, and an
            // app using them would see removed headers and could send internal ones.
            return startAsync(this, response);
        }
    }

    /** The response as the stages after gatekeeper write it: removed headers are never set. */
    static final class Outbound extends HttpServletResponseWrapper {

        private final HeaderPatterns removed;

        Outbound(HttpServletResponse response, HeaderPatterns removed) {
            super(response);
            this.removed = removed;
        }

        private boolean drop(String name) {
            if (removed.matches(name)) {
                LOG.debug("gatekeeper removed response header {}", name);
                return true;
            }
            return false;
        }

        @Override
        public void setHeader(String name, String value) {
            if (!drop(name)) {
                super.setHeader(name, value);
            }
        }

        @Override
        public void addHeader(String name, String value) {
            if (!drop(name)) {
                super.addHeader(name, value);
            }
        }

        @Override
        public void setIntHeader(String name, int value) {
            if (!drop(name)) {
                super.setIntHeader(name, value);
            }
        }

        @Override
        public void addIntHeader(String name, int value) {
            if (!drop(name)) {
                super.addIntHeader(name, value);
            }
        }

        @Override
        public void setDateHeader(String name, long date) {
            if (!drop(name)) {
                super.setDateHeader(name, date);
            }
        }

        @Override
        public void addDateHeader(String name, long date) {
            if (!drop(name)) {
                super.addDateHeader(name, date);
            }
        }

        @Override
        public void setTrailerFields(Supplier<Map<String, String>> supplier) {
            super.setTrailerFields(supplier == null ? null : () -> without(supplier.get(), removed));
        }
    }

    private static Map<String, String> without(Map<String, String> fields, HeaderPatterns removed) {
        if (fields == null || fields.isEmpty() || fields.keySet().stream().noneMatch(removed::matches)) {
            return fields;
        }
        Map<String, String> kept = new LinkedHashMap<>();
        fields.forEach((name, value) -> {
            if (!removed.matches(name)) {
                kept.put(name, value);
            }
        });
        return kept;
    }

    /** Header names without the removed ones, filtered as the caller walks them. */
    private static final class Without implements Enumeration<String> {

        private final Enumeration<String> names;
        private final HeaderPatterns removed;
        private String next;

        Without(Enumeration<String> names, HeaderPatterns removed) {
            this.names = names;
            this.removed = removed;
        }

        @Override
        public boolean hasMoreElements() {
            while (next == null && names.hasMoreElements()) {
                String name = names.nextElement();
                if (!removed.matches(name)) {
                    next = name;
                }
            }
            return next != null;
        }

        @Override
        public String nextElement() {
            if (!hasMoreElements()) {
                throw new NoSuchElementException();
            }
            String name = next;
            next = null;
            return name;
        }
    }
}
