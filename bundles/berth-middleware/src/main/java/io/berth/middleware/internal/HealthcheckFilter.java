package io.berth.middleware.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.berth.api.Berth;

/**
 * Answers {@code path} (any method) with {@code 200 OK}; {@code 503 DRAINING} while the listener
 * that accepted the request is leaving service ({@link Berth#DRAINING_ATTRIBUTE}), so that a load
 * balancer takes the node out before its connections close; {@code 503 DISABLED BY FILE} while
 * the {@code disable_path} file exists. The app never sees the probe.
 */
final class HealthcheckFilter implements Filter {

    private static final byte[] OK = "OK".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DRAINING = "DRAINING".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DISABLED = "DISABLED BY FILE".getBytes(StandardCharsets.US_ASCII);

    private static final String TEXT_PLAIN = "text/plain;charset=utf-8";

    private final String path;
    /** The liveness probe's path, or {@code null}: 200 while the process answers at all. */
    private final String livePath;

    /** {@code null} when there is no disable file to check. */
    private final Path disablePath;

    HealthcheckFilter(HealthcheckStage.Config config) {
        String value = config.path();
        if (!value.startsWith("/")) {
            throw new IllegalArgumentException("path: '" + value + "' does not start with /");
        }
        this.path = value;
        String live = config.live__path();
        if (!live.isEmpty() && !live.startsWith("/")) {
            throw new IllegalArgumentException("live_path: '" + live + "' does not start with /");
        }
        if (live.equals(value)) {
            throw new IllegalArgumentException("live_path: '" + live + "' is the readiness path too; give it a path of its own");
        }
        this.livePath = live.isEmpty() ? null : live;
        String disable = config.disable__path();
        if (disable.isEmpty()) {
            this.disablePath = null;
        } else {
            Path file;
            try {
                file = Path.of(disable);
            } catch (InvalidPathException e) {
                file = null;
            }
            if (file == null || !file.isAbsolute()) {
                throw new IllegalArgumentException("disable_path: '" + disable + "' is not an absolute path");
            }
            this.disablePath = file;
        }
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        if (!isProbe(request, path)) {
            if (livePath != null && isProbe(request, livePath)) {
                // Liveness: the process answers. Draining or disabled is readiness, not life.
                answer(request, (HttpServletResponse) res, HttpServletResponse.SC_OK, OK);
                return;
            }
            chain.doFilter(req, res);
            return;
        }
        HttpServletResponse response = (HttpServletResponse) res;
        if (Boolean.TRUE.equals(request.getAttribute(Berth.DRAINING_ATTRIBUTE))) {
            answer(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, DRAINING);
        } else if (disablePath != null && Files.exists(disablePath)) {
            answer(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, DISABLED);
        } else {
            answer(request, response, HttpServletResponse.SC_OK, OK);
        }
    }

    /** The path inside the pipeline's context: servlet path + path info, compared without building it. */
    private static boolean isProbe(HttpServletRequest request, String path) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        if (pathInfo == null) {
            return path.equals(servletPath);
        }
        return path.length() == servletPath.length() + pathInfo.length()
                && path.startsWith(servletPath) && path.startsWith(pathInfo, servletPath.length());
    }

    private static void answer(HttpServletRequest request, HttpServletResponse response, int status, byte[] body)
            throws IOException {
        response.setStatus(status);
        response.setContentType(TEXT_PLAIN);
        response.setContentLength(body.length);
        if (!"HEAD".equals(request.getMethod())) {
            response.getOutputStream().write(body);
        }
    }
}
