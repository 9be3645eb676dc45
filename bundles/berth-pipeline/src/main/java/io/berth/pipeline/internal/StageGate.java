package io.berth.pipeline.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.Preprocessor;

import io.berth.api.Berth;

/**
 * While a stage of a live pipeline is being updated (its bundle stopped for a new jar, or
 * {@code bundle:update}), the pipeline's requests wait here, before the whiteboard picks a
 * servlet for them, for up to {@code update_wait} seconds: when the stage is back they go to the
 * new arrangement, instead of getting 503 in between. Each waiting request holds a server thread,
 * so at most {@code update_wait_requests} wait at once; the next ones are answered 503 at once,
 * naming the reason, and the threads other pipelines need stay free. Requests that are not the
 * pipeline's (another listener, or Felix's own connector) pass on at once to their 404. Otherwise
 * one volatile read per request.
 */
@Component(service = Preprocessor.class)
public final class StageGate implements Preprocessor {

    private final PipelineRegistry registry;

    @Activate
    public StageGate(@Reference PipelineRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        PipelineRegistry.Hold hold = registry.holdFor(path((HttpServletRequest) request),
                (String) request.getAttribute(Berth.LISTENER_ATTRIBUTE));
        if (hold != null) {
            if (!hold.enter()) {
                refuse((HttpServletResponse) response, hold);
                return;
            }
            try {
                long waited = hold.await();
                Berth.addLogInfo(request, "waited " + waited / 1_000_000 + " ms for " + hold.stages);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                hold.leave();
            }
        }
        chain.doFilter(request, response);
    }

    /** As the pipeline's other 503s: plain text, the reason on one line. */
    private static void refuse(HttpServletResponse response, PipelineRegistry.Hold hold) throws IOException {
        byte[] body = (hold.refusal() + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setHeader("Retry-After", Long.toString(hold.secondsLeft()));
        response.setContentType("text/plain;charset=utf-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /**
     * The path as the whiteboard resolves it: servlet path and path info, decoded. This is the
     * string Felix hands to its servlet resolution after the preprocessors have run (its
     * {@code dispatch.Dispatcher}: {@code getServletPath()} + {@code getPathInfo()}, its dispatcher
     * servlet being mapped at the root); checked against org.apache.felix.http.jetty12 1.1.8,
     * Jetty 12.0.32. If Felix resolves on another string, requests would wait for a hold that is
     * not their pipeline's, or pass one that is.
     */
    private static String path(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        return path.isEmpty() ? "/" : path;
    }
}
