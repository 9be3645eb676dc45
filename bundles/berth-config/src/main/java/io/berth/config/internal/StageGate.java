package io.berth.config.internal;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.Preprocessor;

import io.berth.api.Berth;

/**
 * While a stage of a live pipeline is being updated (its bundle stopped for a new jar, or
 * {@code bundle:update}), the pipeline's requests wait here, before the whiteboard picks a
 * servlet for them, for up to {@code update_wait} seconds: when the stage is back they go to the
 * new arrangement, instead of getting 503 in between. Otherwise one volatile read per request.
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
        PipelineRegistry.Hold hold = registry.holdFor(path((HttpServletRequest) request));
        if (hold != null) {
            try {
                long waited = hold.await();
                Berth.addLogInfo(request, "waited " + waited / 1_000_000 + " ms for " + hold.stages);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        chain.doFilter(request, response);
    }

    /** The path as the whiteboard resolves it: servlet path and path info, decoded. */
    private static String path(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        return path.isEmpty() ? "/" : path;
    }
}
