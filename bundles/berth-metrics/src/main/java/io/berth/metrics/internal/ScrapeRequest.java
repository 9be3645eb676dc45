package io.berth.metrics.internal;

import jakarta.servlet.http.HttpServletRequest;

import io.prometheus.metrics.model.registry.PrometheusScrapeRequest;

/**
 * A scrape as the metrics servlet hands it to the collectors: the HTTP request, and whether the
 * format it is written in shows native histograms. Prometheus' text format and OpenMetrics 1.0
 * show only the classic buckets, so for them the native ones are not built: sorting and checking
 * them was a sixth of collecting 50 pipelines.
 */
final class ScrapeRequest implements PrometheusScrapeRequest {

    private final HttpServletRequest request;
    private final boolean nativeHistograms;

    /** @param request the HTTP request, or null for a scrape made without one (a test's) */
    ScrapeRequest(HttpServletRequest request, boolean nativeHistograms) {
        this.request = request;
        this.nativeHistograms = nativeHistograms;
    }

    /** @return false when the scrape's format shows no native histogram; true for any other request */
    static boolean wantsNativeHistograms(PrometheusScrapeRequest request) {
        return !(request instanceof ScrapeRequest) || ((ScrapeRequest) request).nativeHistograms;
    }

    @Override
    public String getRequestPath() {
        return request == null ? "/" : request.getRequestURI();
    }

    @Override
    public String[] getParameterValues(String name) {
        return request == null ? null : request.getParameterValues(name);
    }
}
