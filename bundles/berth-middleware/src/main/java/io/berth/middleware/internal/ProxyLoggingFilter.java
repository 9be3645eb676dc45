package io.berth.middleware.internal;

import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Swift's {@code proxy_logging}: one access line per request, in {@code log_msg_template}'s
 * format, to a {@link Route}: an access log file written by a thread of its own, or the logger
 * {@value #LOGGER}. The line's values are copied when the response is complete: when the stages
 * after it return, or for an asynchronous request when its async cycle completes. A request that
 * the client abandoned is logged as 499, one that an exception ended as 500.
 *
 * <p>With a {@link StatsdClient}, the same values also make Swift's StatsD lines, handed to its
 * sender when the line is (whether or not the line is wanted).
 *
 * <p>When the route is off (the logger's INFO is) and StatsD too, the filter only passes requests on. Used twice in
 * a pipeline (as Swift allows), the second one passes the request on without logging it a second
 * time.
 */
final class ProxyLoggingFilter implements Filter {

    static final String LOGGER = "berth.access";

    /** Request attribute holding the request's {@link AccessRecord}: it is being logged. */
    static final String RECORD_ATTRIBUTE = "io.berth.middleware.proxy_logging";

    private static final Logger ACCESS = LoggerFactory.getLogger(LOGGER);

    /** Where the lines go. */
    interface Route {

        /** @return whether lines are wanted now; asked once per request */
        boolean enabled();

        /** Called on the request's thread (or the thread completing it) once per request. */
        void log(AccessEntry entry);

        /** The filter is initialised: its route may start writing. */
        default void open() {
        }

        /** The filter is destroyed. */
        default void close() {
        }
    }

    /** The logger {@value #LOGGER}, formatted on the request's thread. */
    static final Route LOGGER_ROUTE = new Route() {
        @Override
        public boolean enabled() {
            return ACCESS.isInfoEnabled();
        }

        @Override
        public void log(AccessEntry entry) {
            ACCESS.info(entry.format());
        }
    };

    private final AccessLogTemplate template;
    private final Route route;

    /** Null without {@code log_statsd_host}. */
    private final StatsdClient statsd;

    /** For tests: every line goes to {@code sink}. */
    ProxyLoggingFilter(ProxyLoggingStage.Config config, Consumer<String> sink) {
        this(template(config), new Route() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public void log(AccessEntry entry) {
                sink.accept(entry.format());
            }
        });
    }

    ProxyLoggingFilter(AccessLogTemplate template, Route route) {
        this(template, route, null);
    }

    /** @param statsd where the request's StatsD lines go, or null for none */
    ProxyLoggingFilter(AccessLogTemplate template, Route route, StatsdClient statsd) {
        this.template = template;
        this.route = route;
        this.statsd = statsd;
    }

    /**
     * @return the line's template from the stage's settings
     * @throws IllegalArgumentException naming the key of an invalid setting
     */
    static AccessLogTemplate template(ProxyLoggingStage.Config config) {
        int reveal = config.reveal__sensitive__prefix();
        if (reveal < 0) {
            throw new IllegalArgumentException("reveal_sensitive_prefix: " + reveal
                    + " is negative; 0 hides sensitive values entirely");
        }
        Set<String> headersOnly = Arrays.stream(config.access__log__headers__only())
                .map(name -> name.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        return AccessLogTemplate.parse(config.log__msg__template(), new AccessLogTemplate.Options(
                config.log__x__forwarded__for(), reveal, config.access__log__headers(), headersOnly));
    }

    @Override
    public void init(FilterConfig config) {
        route.open();
        if (statsd != null) {
            statsd.open();
        }
    }

    @Override
    public void destroy() {
        route.close();
        if (statsd != null) {
            statsd.close();
        }
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;

        Object existing = request.getAttribute(RECORD_ATTRIBUTE);
        if (existing instanceof AccessRecord) {
            redispatch((AccessRecord) existing, request, response, chain);
            return;
        }
        boolean lineWanted = route.enabled();
        if (!lineWanted && statsd == null) {
            chain.doFilter(request, response);
            return;
        }

        Instant now = Instant.now();
        AccessRecord record = new AccessRecord(request, response,
                now.getEpochSecond() * 1_000_000_000L + now.getNano(), System.nanoTime());
        record.lineWanted = lineWanted;
        record.wantsTraceId = lineWanted && template.logsTraceIds();
        record.timesFirstByte = statsd != null;
        request.setAttribute(RECORD_ATTRIBUTE, record);
        try {
            chain.doFilter(new CountingRequest(request, record, this), new CountingResponse(response, record));
        } catch (IOException | ServletException | RuntimeException | Error e) {
            record.failure = e;
            if (!record.listening) {
                // Asynchronous, the container reports the failure to the listener and completes.
                finish(record);
            }
            throw e;
        }
        if (record.listening) {
            return;
        }
        if (request.isAsyncStarted()) {
            // Started on the request beneath ours, past CountingRequest.startAsync.
            try {
                listen(request.getAsyncContext(), record);
                return;
            } catch (IllegalStateException completedMeanwhile) {
                // Fall through: it is over.
            }
        }
        finish(record);
    }

    /**
     * The request came back through the pipeline: an asynchronous request dispatched again (count
     * on), or a second proxy_logging in the same pipeline, a forward or an include (let it pass).
     */
    private void redispatch(AccessRecord record, HttpServletRequest request, HttpServletResponse response,
            FilterChain chain) throws IOException, ServletException {
        if (request.getDispatcherType() != DispatcherType.ASYNC || record.ended) {
            chain.doFilter(request, response);
            return;
        }
        // startAsync(request, response) with our wrappers dispatches them again: count once.
        ServletRequest countedRequest = counting(request, CountingRequest.class) ? request
                : new CountingRequest(request, record, this);
        ServletResponse countedResponse = counting(response, CountingResponse.class) ? response
                : new CountingResponse(response, record);
        try {
            chain.doFilter(countedRequest, countedResponse);
        } catch (IOException | ServletException | RuntimeException | Error e) {
            record.failure = e;
            throw e;
        }
    }

    private static boolean counting(Object wrapper, Class<?> counter) {
        if (counter.isInstance(wrapper)) {
            return true;
        }
        if (wrapper instanceof ServletRequestWrapper) {
            return ((ServletRequestWrapper) wrapper).isWrapperFor(counter);
        }
        return wrapper instanceof ServletResponseWrapper && ((ServletResponseWrapper) wrapper).isWrapperFor(counter);
    }

    /** The request went asynchronous: its line waits for the end of its async cycle. */
    void listen(AsyncContext context, AccessRecord record) {
        if (!record.listening) {
            context.addListener(new AsyncEnd(record));
            record.listening = true;
        }
    }

    private void finish(AccessRecord record) {
        if (record.end(System.nanoTime())) {
            if (record.lineWanted) {
                route.log(template.capture(record));
            }
            if (statsd != null) {
                statsd.request(record);
            }
        }
    }

    /** Writes the line when the async cycle completes, after an error or a timeout too. */
    private final class AsyncEnd implements AsyncListener {

        private final AccessRecord record;

        AsyncEnd(AccessRecord record) {
            this.record = record;
        }

        @Override
        public void onComplete(AsyncEvent event) {
            finish(record);
        }

        @Override
        public void onError(AsyncEvent event) {
            // The container completes the request next (with a 500 unless a listener answers).
            if (record.failure == null) {
                record.failure = event.getThrowable();
            }
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            // The container answers 500 and completes; onComplete logs what was sent.
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // Started again after a dispatch: listeners are dropped unless they add themselves back.
            event.getAsyncContext().addListener(this);
        }
    }
}
