package io.berth.metrics.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * Answers {@code GET PATH} (and HEAD) with a scrape of the registry, in the format the client's
 * {@code Accept} header asks for: Prometheus' text format by default, OpenMetrics text when
 * asked ({@code application/openmetrics-text}). Every other path under the pipeline is 404,
 * every other method 405.
 */
final class MetricsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient PrometheusRegistry registry;
    private final transient ExpositionFormats formats;
    private final String path;
    /**
     * The size of the last scrape's body: the next one's buffer starts there, instead of growing
     * from 16 KB by copies (200 KB of text with 50 pipelines: 500 KB of garbage a scrape).
     */
    private transient volatile int lastSize;

    MetricsServlet(PrometheusRegistry registry, ExpositionFormats formats, String path) {
        this.registry = registry;
        this.formats = formats;
        this.path = path;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        if (!path.equals(pathOf(request))) {
            plain(response, HttpServletResponse.SC_NOT_FOUND, "Not Found: metrics are at " + path);
            return;
        }
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            response.setHeader("Allow", "GET, HEAD");
            plain(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "Method Not Allowed: " + method);
            return;
        }
        ExpositionFormatWriter writer = formats.findWriter(request.getHeader("Accept"));
        boolean classicOnly = writer == formats.getPrometheusTextFormatWriter()
                || writer == formats.getOpenMetricsTextFormatWriter();
        MetricSnapshots snapshots = registry.scrape(new ScrapeRequest(request, !classicOnly));
        // Written whole, with its length: a scrape cut by an exception must not look complete.
        ByteArrayOutputStream body = new ByteArrayOutputStream(bufferSize(lastSize));
        writer.write(body, snapshots);
        lastSize = body.size();
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(writer.getContentType());
        response.setContentLength(body.size());
        if ("GET".equals(method)) {
            body.writeTo(response.getOutputStream());
        }
    }

    /** A body's buffer: room for the last one's size and an eighth more, at least 16 KB. */
    static int bufferSize(int lastSize) {
        return Math.max(16 * 1024, lastSize + lastSize / 8);
    }

    /** The path under the pipeline's mount point, {@code /} for the mount point itself. */
    private static String pathOf(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        return path.isEmpty() ? "/" : path;
    }

    private static void plain(HttpServletResponse response, int status, String line) throws IOException {
        response.setStatus(status);
        response.setContentType("text/plain;charset=utf-8");
        response.getWriter().println(line);
    }
}
