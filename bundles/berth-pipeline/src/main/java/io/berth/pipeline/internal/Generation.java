package io.berth.pipeline.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.servlet.context.ServletContextHelper;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;

import io.berth.api.Berth;
import io.berth.api.StageMeasures;

/**
 * One arrangement's registrations with the whiteboard: a servlet context of its own at the
 * pipeline's path, then either the stages' filters and the app's servlet, or the 503 servlet. As
 * the context's helper it also keeps the pipeline to its listeners and counts the requests it
 * serves, so that a replaced generation knows when its last request has finished.
 *
 * <p>Relies on how Felix HTTP dispatches, which the Servlet Whiteboard specification does not
 * promise (checked against {@code org.apache.felix.http.jetty12} 1.1.8 with Jetty 12.0.32, in its
 * embedded {@code org.apache.felix.http.base.internal}):
 * <ul>
 * <li>Of the contexts whose path matches, Felix takes the first that has a servlet for the request,
 *     trying the longest path first and, at one path, the highest ranked first
 *     ({@code registry.HandlerRegistry#resolveServlet}, over {@code PerContextHandlerRegistry}s
 *     sorted by {@code compareTo}). So a generation ranked above the one before takes over when
 *     its servlet is registered, not before, and {@link #unregister} removes the servlet first so
 *     that the path resolves past it at once.</li>
 * <li>Felix resolves the servlet, and so the context, before it calls the context's
 *     {@code handleSecurity} ({@code dispatch.Dispatcher}, then {@code dispatch.InvocationChain}):
 *     a request can reach a generation shortly after a newer one took over. Hence
 *     {@link Retirement#GRACE_MS} before a replaced generation may go.</li>
 * <li>Felix calls {@code finishSecurity} in a {@code finally} when the chain returns, also when
 *     the request went asynchronous ({@code dispatch.InvocationChain#doFilter}): such a request is
 *     counted as answered only when its asynchronous part completes.</li>
 * </ul>
 * An upgrade of Felix HTTP should check these three: {@code GenerationTest} pins what this class
 * does with them, the itests {@code PipelinesTest} and {@code HotDeployTest} that Felix still does
 * its part.
 */
final class Generation extends ServletContextHelper implements Retirement.Retiree {

    /** Rankings of a pipeline's filters: the first stage gets the highest, so it runs first. */
    static final int FIRST_RANKING = 10_000;

    /**
     * Request attribute: the request's {@link Taken}. One attribute set once, not a start time and
     * a flag: each setAttribute is an event the container builds and announces to its listeners.
     */
    static final String TAKEN = "io.berth.pipeline.taken";

    /**
     * When the pipeline took a request, and whether it was counted: a request dispatched again
     * (asynchronously, or forwarded) passes handleSecurity and finishSecurity again, and counts
     * once, from the first time. Touched by the request's thread, then by the thread that
     * completes it after the container's hand-over.
     */
    static final class Taken {
        final long nanoTime;
        boolean counted;

        Taken(long nanoTime) {
            this.nanoTime = nanoTime;
        }
    }

    final Arrangement arrangement;
    final PipelineSettings settings;
    /** The stages whose filters have numbers of their own, in order. */
    final Map<String, StageMeasures> measured;
    private final BundleContext context;
    private final PipelineStats stats;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final String contextName;
    private final ServiceRegistration<ServletContextHelper> registration;
    /** Guarded by this. */
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    private final AsyncListener whenComplete = new AsyncListener() {
        @Override
        public void onComplete(AsyncEvent event) {
            answered(event.getSuppliedRequest(), event.getSuppliedResponse());
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            // onComplete follows
        }

        @Override
        public void onError(AsyncEvent event) {
            // onComplete follows
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }
    };

    /**
     * Registers the generation's servlet context: it serves nothing until {@link #serve} or
     * {@link #refuse} registers its servlet.
     *
     * @param number the pipeline's count of generations: the newest is ranked highest
     * @param measured the stages whose filters have numbers of their own, in order
     * @param stats where the requests it serves are counted
     */
    Generation(BundleContext context, String pipeline, int number, Arrangement arrangement,
            Map<String, StageMeasures> measured, PipelineStats stats) {
        super(context.getBundle());
        this.context = context;
        this.arrangement = arrangement;
        this.settings = arrangement.settings();
        this.measured = Map.copyOf(measured);
        this.stats = stats;
        this.contextName = "berth.pipeline." + pipeline + "." + number;
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_NAME, contextName);
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_PATH, settings.path);
        // At the same path, Felix resolves to the context ranked highest that has a servlet: the newest.
        props.put(Constants.SERVICE_RANKING, number);
        props.put("berth.pipeline", pipeline);
        registration = context.registerService(ServletContextHelper.class, this, props);
    }

    /**
     * Registers the stages' filters, ranked in pipeline order, then the app's servlet: from then
     * on the generation serves the path.
     *
     * @param filters the middleware's filters, in the order of {@code settings.middleware()}
     */
    synchronized void serve(List<Filter> filters, Servlet app) {
        List<String> middleware = settings.middleware();
        for (int i = 0; i < filters.size(); i++) {
            Dictionary<String, Object> props = select();
            props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_FILTER_PATTERN, "/*");
            props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_FILTER_ASYNC_SUPPORTED, Boolean.TRUE);
            props.put(Constants.SERVICE_RANKING, FIRST_RANKING - i);
            props.put(Berth.STAGE_PROPERTY, middleware.get(i));
            registrations.add(context.registerService(Filter.class, filters.get(i), props));
        }
        Dictionary<String, Object> props = select();
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, "/*");
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_ASYNC_SUPPORTED, Boolean.TRUE);
        props.put(Berth.STAGE_PROPERTY, settings.app());
        registrations.add(context.registerService(Servlet.class, app, props));
    }

    /** Registers the 503 servlet, naming the arrangement's reason: from then on it is what serves the path. */
    synchronized void refuse() {
        Dictionary<String, Object> props = select();
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, "/*");
        registrations.add(context.registerService(Servlet.class, new Unavailable(arrangement.unavailable()), props));
    }

    private Dictionary<String, Object> select() {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_SELECT,
                "(" + HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_NAME + "=" + contextName + ")");
        return props;
    }

    @Override
    public boolean handleSecurity(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!settings.servedOn((String) request.getAttribute(Berth.LISTENER_ATTRIBUTE))) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return false;
        }
        inFlight.incrementAndGet();
        if (!(request.getAttribute(TAKEN) instanceof Taken)) {
            request.setAttribute(TAKEN, new Taken(System.nanoTime()));
        }
        return true;
    }

    @Override
    public void finishSecurity(HttpServletRequest request, HttpServletResponse response) {
        if (request.isAsyncStarted()) {
            request.getAsyncContext().addListener(whenComplete);
        } else {
            answered(request, response);
        }
    }

    private void answered(ServletRequest request, ServletResponse response) {
        inFlight.decrementAndGet();
        if (request.getAttribute(TAKEN) instanceof Taken taken && !taken.counted) {
            taken.counted = true;
            stats.answered(taken.nanoTime, ((HttpServletRequest) request).getMethod(),
                    ((HttpServletResponse) response).getStatus());
        }
    }

    @Override
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public synchronized void unregister() {
        // The servlet first: from then on the path resolves past this context.
        for (int i = registrations.size() - 1; i >= 0; i--) {
            unregister(registrations.get(i));
        }
        registrations.clear();
        unregister(registration);
    }

    private static void unregister(ServiceRegistration<?> each) {
        try {
            each.unregister();
        } catch (IllegalStateException alreadyGone) {
            // unregistered with its bundle
        }
    }
}
