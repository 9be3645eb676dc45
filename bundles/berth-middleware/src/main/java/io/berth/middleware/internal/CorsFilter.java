package io.berth.middleware.internal;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CORS as Swift's proxy does it ({@code cors_validation}, {@code OPTIONS}), with the allowed
 * origins from the stage's settings instead of container metadata, and Swift's strict mode:
 * <ul>
 * <li>A preflight ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method})
 * is answered here and never reaches the app: {@code 200} with the allowed methods, headers and
 * max age, or {@code 401} without CORS headers when the origin or the method is not allowed.</li>
 * <li>Any other request with an allowed {@code Origin} reaches the app and its response carries
 * {@code Access-Control-Allow-Origin} and {@code Access-Control-Expose-Headers}. A request from
 * another origin reaches the app too, with no CORS headers on its response.</li>
 * <li>Every response carries {@code Vary: Origin}: it depends on the origin, for caches.</li>
 * </ul>
 * The headers are set before the app runs, so that they are there however the app answers
 * (streamed, committed early, asynchronously); an app that sets a header of the same name wins.
 */
final class CorsFilter implements Filter {

    static final String ORIGIN = "Origin";
    static final String REQUEST_METHOD = "Access-Control-Request-Method";
    static final String REQUEST_HEADERS = "Access-Control-Request-Headers";
    static final String ALLOW_ORIGIN = "Access-Control-Allow-Origin";
    static final String ALLOW_METHODS = "Access-Control-Allow-Methods";
    static final String ALLOW_HEADERS = "Access-Control-Allow-Headers";
    static final String ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials";
    static final String EXPOSE_HEADERS = "Access-Control-Expose-Headers";
    static final String MAX_AGE = "Access-Control-Max-Age";

    private static final Logger LOG = LoggerFactory.getLogger(CorsFilter.class);

    /** An origin as browsers send it: scheme, host, optional port; no path, not even "/". */
    private static final Pattern ORIGIN_FORM = Pattern.compile("[a-z][a-z0-9+.-]*://[^/?#@\\s]+");

    /** RFC 9110 token: method and header names. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private static final Pattern LIST_SEPARATOR = Pattern.compile("\\s*,\\s*");

    /** {@code null} for {@code *}: any origin. */
    private final Set<String> origins;
    private final Set<String> methods;
    private final boolean credentials;
    /** {@code null}: allow whatever the preflight asks for. */
    private final String allowHeaders;
    private final String allowMethods;
    private final String exposeHeaders;
    private final String maxAge;

    CorsFilter(CorsStage.Config config) {
        String[] allowOrigin = config.allow__origin();
        if (allowOrigin.length == 0) {
            throw new IllegalArgumentException("allow_origin: empty; name at least one origin, or *");
        }
        Set<String> allowed = new LinkedHashSet<>();
        boolean any = false;
        for (String origin : allowOrigin) {
            String lower = origin.toLowerCase(Locale.ROOT);
            if (origin.equals("*")) {
                any = true;
            } else if (!ORIGIN_FORM.matcher(lower).matches()) {
                throw new IllegalArgumentException("allow_origin: '" + origin
                        + "' is not an origin (scheme://host[:port]) or *");
            }
            allowed.add(lower);
        }
        if (any && allowed.size() > 1) {
            throw new IllegalArgumentException("allow_origin: * cannot be combined with other origins");
        }
        this.origins = any ? null : Set.copyOf(allowed);
        this.credentials = config.allow__credentials();
        if (any && credentials) {
            LOG.warn("cors: allow_origin = * with allow_credentials = true lets every web site make "
                    + "credentialed calls to this pipeline");
        }

        String[] allowMethods = config.allow__methods();
        if (allowMethods.length == 0) {
            throw new IllegalArgumentException("allow_methods: empty; name at least one method");
        }
        Set<String> methods = tokens("allow_methods", allowMethods, "an HTTP method");
        this.methods = Set.copyOf(methods);
        this.allowMethods = String.join(", ", methods);

        String[] allowHeaders = config.allow__headers();
        this.allowHeaders = allowHeaders.length == 0 ? null
                : String.join(", ", tokens("allow_headers", allowHeaders, "a header name"));
        this.exposeHeaders = String.join(", ", tokens("expose_headers", config.expose__headers(), "a header name"));

        int maxAge = config.max__age();
        if (maxAge < 0) {
            throw new IllegalArgumentException("max_age: " + maxAge + " is not zero or a positive number of seconds");
        }
        this.maxAge = Integer.toString(maxAge);
    }

    private static Set<String> tokens(String key, String[] values, String what) {
        Set<String> tokens = new LinkedHashSet<>();
        for (String value : values) {
            if (!TOKEN.matcher(value).matches()) {
                throw new IllegalArgumentException(key + ": '" + value + "' is not " + what);
            }
            tokens.add(value);
        }
        return tokens;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        response.addHeader("Vary", ORIGIN);
        String origin = request.getHeader(ORIGIN);
        if (origin == null) {
            chain.doFilter(request, response);
            return;
        }
        boolean allowed = origins == null || origins.contains(origin);
        String requestMethod = "OPTIONS".equals(request.getMethod()) ? request.getHeader(REQUEST_METHOD) : null;
        if (requestMethod != null) {
            preflight(request, response, origin, allowed && methods.contains(requestMethod));
            return;
        }
        if (allowed) {
            allowOrigin(response, origin);
            if (!exposeHeaders.isEmpty()) {
                response.setHeader(EXPOSE_HEADERS, exposeHeaders);
            }
        }
        chain.doFilter(request, response);
    }

    private void preflight(HttpServletRequest request, HttpServletResponse response, String origin, boolean allowed) {
        // Swift's OPTIONS answers Allow either way; the CORS headers only when the preflight passes.
        response.setHeader("Allow", allowMethods);
        response.setContentLength(0);
        if (!allowed) {
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            return;
        }
        response.setStatus(HttpServletResponse.SC_OK);
        allowOrigin(response, origin);
        response.setHeader(ALLOW_METHODS, allowMethods);
        response.setHeader(MAX_AGE, maxAge);
        if (allowHeaders != null) {
            response.setHeader(ALLOW_HEADERS, allowHeaders);
        } else {
            String requested = requestedHeaders(request.getHeader(REQUEST_HEADERS));
            if (!requested.isEmpty()) {
                response.setHeader(ALLOW_HEADERS, requested);
            }
            response.addHeader("Vary", REQUEST_HEADERS);
        }
    }

    /** The preflight's header names, as Swift allows them: every one asked for, once each. */
    static String requestedHeaders(String value) {
        if (value == null || value.isBlank()) {
            return "";
        }
        Set<String> names = new LinkedHashSet<>();
        for (String name : LIST_SEPARATOR.split(value.trim())) {
            if (TOKEN.matcher(name).matches()) {
                names.add(name);
            }
        }
        return String.join(", ", names);
    }

    private void allowOrigin(HttpServletResponse response, String origin) {
        response.setHeader(ALLOW_ORIGIN, origins == null && !credentials ? "*" : origin);
        if (credentials) {
            response.setHeader(ALLOW_CREDENTIALS, "true");
        }
    }
}
