package io.berth.middleware.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

import io.berth.api.Memcache;
import io.berth.api.StageMeasures;

/**
 * Puts the pipeline's {@link MemcacheRing} in each request ({@link Memcache#ATTRIBUTE}), as Swift's
 * memcache middleware puts {@code swift.cache} in the environ; closes its connections when the
 * pipeline lets the stage go.
 */
final class CacheFilter implements Filter, StageMeasures {

    private final MemcacheRing ring;

    CacheFilter(MemcacheRing ring) {
        this.ring = ring;
    }

    static CacheFilter create(CacheStage.Config config, LongSupplier clock) {
        List<String> servers = new ArrayList<>();
        for (String entry : config.memcache__servers().split(",")) {
            if (!entry.isBlank()) {
                servers.add(entry.strip());
            }
        }
        positive("memcache_max_connections", config.memcache__max__connections());
        positive("tries", config.tries());
        positive("connect_timeout", config.connect__timeout());
        positive("io_timeout", config.io__timeout());
        positive("pool_timeout", config.pool__timeout());
        if (!(config.error__suppression__interval() >= 0)) {
            throw new IllegalArgumentException("error_suppression_interval: " + config.error__suppression__interval()
                    + " is not 0 or more seconds");
        }
        if (config.error__suppression__limit() < 0) {
            throw new IllegalArgumentException("error_suppression_limit: " + config.error__suppression__limit()
                    + " is not 0 or more");
        }
        MemcacheRing.Settings settings = new MemcacheRing.Settings(config.connect__timeout(), config.io__timeout(),
                config.pool__timeout(), config.tries(), config.memcache__max__connections(),
                config.error__suppression__interval(), config.error__suppression__limit());
        return new CacheFilter(new MemcacheRing(servers, settings, clock));
    }

    private static void positive(String key, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(key + ": " + RateLimitFilter.number(value) + " is not a positive number");
        }
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        request.setAttribute(Memcache.ATTRIBUTE, ring);
        chain.doFilter(request, response);
    }

    MemcacheRing ring() {
        return ring;
    }

    @Override
    public void destroy() {
        ring.close();
    }

    @Override
    public List<Measure> measures() {
        long failures = 0;
        int limited = 0;
        int idle = 0;
        for (MemcacheServer server : ring.servers()) {
            failures += server.failures();
            limited += server.isLimited() ? 1 : 0;
            idle += server.idleConnections();
        }
        return List.of(
                new Measure("failures", Kind.COUNTER, "Memcached operations that failed (connect, timeout, broken "
                        + "answer), each counting toward its server's error limit", failures),
                new Measure("servers_limited", Kind.GAUGE, "Memcached servers skipped now after too many failures "
                        + "(error_suppression_limit within error_suppression_interval)", limited),
                new Measure("connections_idle", Kind.GAUGE, "Open memcached connections waiting in the pools",
                        idle));
    }
}
