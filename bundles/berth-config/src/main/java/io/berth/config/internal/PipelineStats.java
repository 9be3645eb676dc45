package io.berth.config.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

import io.berth.api.Pipeline.StageTime;

/**
 * What a pipeline has served: requests, errors, latency, and the time each stage spent on them
 * (its own part: a stage's clock stops while the stages after it run). Lock-free: adders and
 * an atomic histogram.
 */
final class PipelineStats {

    final LongAdder requests = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LatencyHistogram latency = new LatencyHistogram();
    private final Map<String, Clock> clocks = new ConcurrentHashMap<>();

    /** One answered request. */
    void answered(long startNanos, int status) {
        requests.increment();
        if (status >= 500) {
            errors.increment();
        }
        latency.record((System.nanoTime() - startNanos) / 1000);
    }

    List<StageTime> stageTimes(List<String> stages) {
        List<StageTime> times = new ArrayList<>();
        for (String stage : stages) {
            Clock clock = clocks.get(stage);
            times.add(clock == null ? new StageTime(stage, 0, 0)
                    : new StageTime(stage, clock.requests.sum(), clock.nanos.sum()));
        }
        return times;
    }

    Filter timed(String stage, Filter filter) {
        return new TimedFilter(clocks.computeIfAbsent(stage, s -> new Clock()), filter);
    }

    Servlet timed(String stage, Servlet servlet) {
        return new TimedServlet(clocks.computeIfAbsent(stage, s -> new Clock()), servlet);
    }

    private static final class Clock {
        final LongAdder requests = new LongAdder();
        final LongAdder nanos = new LongAdder();
    }

    /** A stage's filter, timed: its own time is the whole call less the time its chain took. */
    private static final class TimedFilter implements Filter {

        private final Clock clock;
        private final Filter filter;

        TimedFilter(Clock clock, Filter filter) {
            this.clock = clock;
            this.filter = filter;
        }

        @Override
        public void init(FilterConfig config) throws ServletException {
            filter.init(config);
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            TimedChain timed = new TimedChain(chain);
            long start = System.nanoTime();
            try {
                filter.doFilter(request, response, timed);
            } finally {
                clock.requests.increment();
                clock.nanos.add(System.nanoTime() - start - timed.nanos);
            }
        }

        @Override
        public void destroy() {
            filter.destroy();
        }
    }

    private static final class TimedChain implements FilterChain {

        private final FilterChain chain;
        long nanos;

        TimedChain(FilterChain chain) {
            this.chain = chain;
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response) throws IOException, ServletException {
            long start = System.nanoTime();
            try {
                chain.doFilter(request, response);
            } finally {
                nanos += System.nanoTime() - start;
            }
        }
    }

    /** The app, timed: the time its service() takes (an asynchronous app's waiting is not its time). */
    private static final class TimedServlet implements Servlet {

        private final Clock clock;
        private final Servlet servlet;

        TimedServlet(Clock clock, Servlet servlet) {
            this.clock = clock;
            this.servlet = servlet;
        }

        @Override
        public void init(ServletConfig config) throws ServletException {
            servlet.init(config);
        }

        @Override
        public ServletConfig getServletConfig() {
            return servlet.getServletConfig();
        }

        @Override
        public void service(ServletRequest request, ServletResponse response) throws ServletException, IOException {
            long start = System.nanoTime();
            try {
                servlet.service(request, response);
            } finally {
                clock.requests.increment();
                clock.nanos.add(System.nanoTime() - start);
            }
        }

        @Override
        public String getServletInfo() {
            return servlet.getServletInfo();
        }

        @Override
        public void destroy() {
            servlet.destroy();
        }
    }
}
