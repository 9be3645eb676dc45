package io.berth.pipeline.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;

import io.berth.api.Pipeline;
import io.berth.api.Pipeline.StageTime;

/**
 * What a pipeline has served: requests, errors, latency, and the time each stage spent on them
 * (its own part: a stage's clock stops while the stages after it run). Lock-free: adders and
 * an atomic histogram that also keeps the last minute ({@link LatencyRecorder}).
 */
final class PipelineStats {

    final LongAdder requests = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LatencyRecorder latency;
    /** Generations that took over serving: written by the pipeline's component only. */
    final AtomicLong swaps = new AtomicLong();
    /** Requests that waited at the stage gate during an update: handed to each hold. */
    final LongAdder waited = new LongAdder();
    private final Map<String, Clock> clocks = new ConcurrentHashMap<>();

    /** The methods counted by name; any other is {@code OTHER}. */
    static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "OTHER");
    /** The classic histogram's upper bounds in seconds, Prometheus' default buckets. */
    static final double[] BOUNDS_SECONDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    /** Per method (METHODS' order) and status class (1xx..5xx, and 0 for anything else): 8 × 6 adders. */
    private final LongAdder[] byMethodAndClass = new LongAdder[METHODS.size() * 6];
    private final LongAdder sumNanos = new LongAdder();
    private final LongSupplier nanoTime;

    PipelineStats() {
        this(System::nanoTime);
    }

    /** @param nanoTime the clock of request starts and of the latency window: {@link System#nanoTime()} but in tests */
    PipelineStats(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.latency = new LatencyRecorder(nanoTime);
        for (int i = 0; i < byMethodAndClass.length; i++) {
            byMethodAndClass[i] = new LongAdder();
        }
    }

    /** One answered request: lock-free, no allocation (adders and an atomic array). */
    void answered(long startNanos, String method, int status) {
        long now = nanoTime.getAsLong();
        long nanos = Math.max(0, now - startNanos);
        requests.increment();
        if (status >= 500) {
            errors.increment();
        }
        latency.record(nanos, now);
        int statusClass = status >= 100 && status < 600 ? status / 100 : 0;
        byMethodAndClass[methodIndex(method) * 6 + statusClass].increment();
        sumNanos.add(nanos);
    }

    private static int methodIndex(String method) {
        switch (method == null ? "" : method) {
            case "GET": return 0;
            case "HEAD": return 1;
            case "POST": return 2;
            case "PUT": return 3;
            case "DELETE": return 4;
            case "PATCH": return 5;
            case "OPTIONS": return 6;
            default: return 7;
        }
    }

    /** The counts by method and status class that are not zero, read at the time of the call. */
    List<Pipeline.RequestCount> requestCounts() {
        List<Pipeline.RequestCount> counts = new ArrayList<>();
        for (int m = 0; m < METHODS.size(); m++) {
            for (int c = 1; c < 6; c++) {
                long count = byMethodAndClass[m * 6 + c].sum();
                if (count > 0) {
                    counts.add(new Pipeline.RequestCount(METHODS.get(m), c + "xx", count));
                }
            }
        }
        return counts;
    }

    /**
     * Every request since the pipeline was configured, in classic and exponential buckets from one
     * reading (a scrape may see a request in the counts and not yet in the sum).
     */
    Pipeline.Latency latencyBuckets() {
        return latency.latency(sumNanos.sum() / 1e9);
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
        final StageAnswers answers = new StageAnswers();
    }

    /** Per stage, in pipeline order, the requests it answered itself, by status code. */
    List<Pipeline.StageAnswer> stageAnswers(List<String> stages) {
        List<Pipeline.StageAnswer> answers = new ArrayList<>();
        for (String stage : stages) {
            Clock clock = clocks.get(stage);
            if (clock != null) {
                clock.answers.forEach((status, count) -> answers.add(new Pipeline.StageAnswer(stage, status, count)));
            }
        }
        return answers;
    }

    /**
     * A stage's filter, timed: its own time is the whole call less the time its chain took. A stage
     * that returns without calling its chain answered the request itself: counted by status.
     */
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
            // Reached only when the stage returned: one that threw answered nothing (catch_errors does).
            if (!timed.called && response instanceof HttpServletResponse http) {
                clock.answers.count(http.getStatus());
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
        boolean called;

        TimedChain(FilterChain chain) {
            this.chain = chain;
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response) throws IOException, ServletException {
            called = true;
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
