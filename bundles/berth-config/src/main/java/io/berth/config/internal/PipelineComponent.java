package io.berth.config.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.servlet.context.ServletContextHelper;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.AppFactory;
import io.berth.api.Berth;
import io.berth.api.Listener;
import io.berth.api.Pipeline;
import io.berth.api.StageFactory;
import io.berth.api.StageMeasures;

/**
 * One pipeline, from {@code etc/berth.pipeline-NAME.cfg}, turned into whiteboard registrations:
 * a servlet context at the pipeline's path, its middleware as filters in that context ranked by
 * position (the first stage has the highest {@code service.ranking}, so it runs first), and the
 * app as the context's servlet. Fail closed: while a stage is missing or cannot be built, the
 * context's only servlet answers 503 naming what is missing; the app is never served without
 * its middleware. When the stage's bundle arrives, the pipeline goes live by itself.
 *
 * <p>Each arrangement (settings and stages) is a generation: a context of its own at the path,
 * ranked above the one before. A new generation is registered complete — filters, then the
 * servlet; until its servlet is there the whiteboard still resolves the path to the old one — and
 * the old generation is unregistered once the requests it took have finished. So an edit
 * never answers a request with a half-built pipeline or cuts one in flight.
 *
 * <p>The listeners a pipeline names are checked against the Berth listeners there are
 * ({@link Listener} services): one that has not appeared within {@value #LISTENER_GRACE_MS} ms is
 * named once in the log, and while none of them is there the shell shows the pipeline
 * {@code WAITING (no listener NAME)}.
 */
@Component(configurationPid = PipelineSettings.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
public final class PipelineComponent {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineComponent.class);

    /** Rankings of a pipeline's filters: the first stage gets the highest. */
    static final int FIRST_RANKING = 10_000;

    /**
     * How long a replaced generation stays registered at least: a request the whiteboard
     * resolved to it just before the switch reaches its context's handleSecurity within this.
     */
    static final long RETIRE_GRACE_MS = 1_000;

    /** How long a replaced generation waits for its requests, at most. */
    static final long RETIRE_LIMIT_MS = 60_000;

    private static final long RETIRE_POLL_MS = 50;

    /**
     * How long a listener the pipeline names may be absent before the log says so: at start the
     * listeners' bundle may come up after this one, and an update of it takes them away briefly.
     */
    static final long LISTENER_GRACE_MS = 10_000;

    /** Request attributes: when the pipeline took the request (System.nanoTime()), and that it was counted. */
    private static final String STARTED = "io.berth.pipeline.started";
    private static final String COUNTED = "io.berth.pipeline.counted";

    private final Map<String, StageFactory> middleware = new ConcurrentHashMap<>();
    private final Map<String, AppFactory> apps = new ConcurrentHashMap<>();

    @Reference
    private PipelineRegistry registry;

    public PipelineComponent() {
    }

    /** For tests: built without Declarative Services. */
    PipelineComponent(PipelineRegistry registry) {
        this.registry = registry;
    }

    /** Set in activate(): DS binds the stage factories present first, so no pipeline starts out WAITING for nothing. */
    private BundleContext context;
    private String name;

    /** Guarded by this. */
    private PipelineSettings settings;
    private Generation current;
    private final List<Generation> retiring = new ArrayList<>();
    private int generations;
    /** The arrangement an edit asked for that cannot be served yet, logged once. */
    private Arrangement pending;
    /** Requests wait at the gate for a stage of the live arrangement that went away (an update). */
    private boolean holding;
    /** Which hold a scheduled expiry belongs to: a later hold is not ended by an earlier one's timer. */
    private int holds;
    /** The hold ran out without the stage coming back: fail closed until the pipeline is live again. */
    private boolean holdSpent;

    /** The Berth listeners there are ({@link Listener} services, whatever their state), by name; guarded by this. */
    private final Map<String, Integer> listenersThere = new HashMap<>();
    /** Listeners the pipeline names that the log said were missing; guarded by this. */
    private final Set<String> listenersMissed = new HashSet<>();

    private final PipelineStats stats = new PipelineStats();
    private volatile Pipeline.State state = Pipeline.State.WAITING;
    private volatile String reason = "starting";
    private ServiceRegistration<Pipeline> status;
    private boolean active;

    @Activate
    synchronized void activate(BundleContext bundleContext, Map<String, Object> properties) {
        this.context = bundleContext;
        this.name = PipelineSettings.nameOf(properties);
        active = true;
        registry.added(name, this);
        apply(properties);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Pipeline.NAME_PROPERTY, name);
        status = bundleContext.registerService(Pipeline.class, new Status(), props);
        registry.resync(String.valueOf(properties.get(Constants.SERVICE_PID)));
    }

    @Modified
    synchronized void modified(Map<String, Object> properties) {
        // The registry's read of Configuration Admin may have applied these already: once is enough
        // (an invalid edit is logged once).
        if (!operatorKeys(properties).equals(configured)) {
            apply(properties);
        }
        // DS may have handed over older properties than Configuration Admin holds (see PipelineRegistry).
        registry.resync(String.valueOf(properties.get(Constants.SERVICE_PID)));
    }

    @Deactivate
    synchronized void deactivate() {
        active = false;
        registry.removed(name, this);
        if (status != null) {
            status.unregister();
        }
        registry.unhold(name);
        if (current != null) {
            current.unregister();
            current = null;
        }
        retiring.forEach(Generation::unregister);
        retiring.clear();
        registry.release(name);
        LOG.info("Berth pipeline {} removed", name);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addStageFactory(StageFactory factory, Map<String, Object> properties) {
        middleware.put(stageName(properties), factory);
        reconcile();
    }

    void removeStageFactory(StageFactory factory, Map<String, Object> properties) {
        middleware.remove(stageName(properties), factory);
        reconcile();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addAppFactory(AppFactory factory, Map<String, Object> properties) {
        apps.put(stageName(properties), factory);
        reconcile();
    }

    void removeAppFactory(AppFactory factory, Map<String, Object> properties) {
        apps.remove(stageName(properties), factory);
        reconcile();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    synchronized void addListener(Listener listener, Map<String, Object> properties) {
        String listenerName = String.valueOf(properties.get(Listener.NAME_PROPERTY));
        listenersThere.merge(listenerName, 1, Integer::sum);
        if (listenersMissed.remove(listenerName)) {
            LOG.info("Berth pipeline {}: listener {} is there now, and serves it", name, listenerName);
        }
    }

    synchronized void removeListener(Listener listener, Map<String, Object> properties) {
        String listenerName = String.valueOf(properties.get(Listener.NAME_PROPERTY));
        listenersThere.computeIfPresent(listenerName, (key, count) -> count == 1 ? null : count - 1);
        if (!missingListeners().isEmpty()) {
            registry.schedule(this::checkListeners, LISTENER_GRACE_MS);
        }
    }

    /** The listeners the settings name that are not there, in the order named. */
    private List<String> missingListeners() {
        List<String> missing = new ArrayList<>();
        if (active && settings != null) {
            for (String listener : settings.listeners) {
                if (!listenersThere.containsKey(listener)) {
                    missing.add(listener);
                }
            }
        }
        return missing;
    }

    /** Says, once per listener, that a listener the pipeline names has not appeared. */
    private synchronized void checkListeners() {
        listenersMissed.retainAll(missingListeners());
        List<String> missing = missingListeners();
        missing.removeAll(listenersMissed);
        if (missing.isEmpty()) {
            return;
        }
        listenersMissed.addAll(missing);
        boolean nowhere = settings.listeners.stream().noneMatch(listenersThere::containsKey);
        LOG.warn("Berth pipeline {} names listener{} {}, but there {} ({}): {}", name,
                missing.size() == 1 ? "" : "s", String.join(", ", missing),
                missing.size() == 1 ? "is no such listener" : "are no such listeners",
                missing.stream().map(each -> "etc/berth.listener-" + each + ".cfg").collect(Collectors.joining(", ")),
                nowhere ? "it is served nowhere" : "it is not served there");
    }

    /** @return "no listener NAME, ..." while none of the listeners the pipeline names is there, else null */
    private synchronized String servedNowhere() {
        List<String> missing = missingListeners();
        return missing.isEmpty() || missing.size() < settings.listeners.size() ? null
                : "no listener " + String.join(", ", missing);
    }

    private static String stageName(Map<String, Object> properties) {
        return String.valueOf(properties.get(Berth.STAGE_PROPERTY));
    }

    /** What the pipeline was last configured with (operator's keys only), to notice a missed update. */
    private Map<String, String> configured = Map.of();

    /** Applies Configuration Admin's properties if they are not what the pipeline was last given. */
    synchronized void resync(Dictionary<String, Object> properties) {
        Map<String, Object> current = new java.util.HashMap<>();
        for (java.util.Enumeration<String> keys = properties.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            current.put(key, properties.get(key));
        }
        if (active && !operatorKeys(current).equals(configured)) {
            // Often simply ahead of DS's own delivery of the same update; the apply logs what changes.
            LOG.debug("Berth pipeline {}: applying the configuration Configuration Admin holds now", name);
            apply(current);
        }
    }

    private static Map<String, String> operatorKeys(Map<String, Object> properties) {
        Map<String, String> keys = new java.util.TreeMap<>();
        properties.forEach((key, value) -> {
            if (!PipelineSettings.frameworkKey(key)) {
                keys.put(key, String.valueOf(value));
            }
        });
        return keys;
    }

    private void apply(Map<String, Object> properties) {
        configured = operatorKeys(properties);
        PipelineSettings next;
        try {
            next = PipelineSettings.parse(name, properties);
        } catch (InvalidSettingException e) {
            refuse(e.getMessage());
            return;
        }
        String clash = registry.claim(next, () -> retry(properties));
        if (clash != null) {
            refuse(PipelineSettings.PATH + ": " + clash);
            return;
        }
        settings = next;
        if (!missingListeners().isEmpty()) {
            registry.schedule(this::checkListeners, LISTENER_GRACE_MS);
        }
        reconcile();
    }

    private synchronized void retry(Map<String, Object> properties) {
        if (active) {
            apply(properties);
        }
    }

    private void refuse(String reason) {
        String line = PipelineSettings.FACTORY_PID + "-" + name + ": " + reason;
        if (settings == null) {
            // Nothing is served for it: without valid settings there is no path to answer on.
            state = Pipeline.State.FAILED;
            this.reason = reason;
            LOG.error(line);
        } else {
            LOG.error("{} (the pipeline keeps its previous settings)", line);
        }
    }

    /** Brings the registrations in line with the settings and the stage factories present now. */
    private synchronized void reconcile() {
        if (!active || settings == null) {
            return;
        }
        List<String> missing;
        try {
            missing = settings.missing(stage -> apps.containsKey(stage) ? PipelineSettings.Kind.APP
                    : middleware.containsKey(stage) ? PipelineSettings.Kind.MIDDLEWARE : null);
        } catch (InvalidSettingException e) {
            unavailable(PipelineSettings.FACTORY_PID + "-" + name + ": " + e.getMessage(),
                    "Pipeline " + name + " is misconfigured: " + e.getMessage());
            return;
        }
        if (!missing.isEmpty() && holdFor(missing)) {
            return;
        }
        if (!missing.isEmpty()) {
            String stages = String.join(", ", missing);
            unavailable("Berth pipeline " + name + " is WAITING (missing: " + stages + "): " + PipelineSettings.FACTORY_PID
                    + "-" + name + ": " + PipelineSettings.PIPELINE + ": no bundle provides " + stages + " yet",
                    "Pipeline " + name + " is waiting for stages: " + stages, Pipeline.State.WAITING, "missing: " + stages);
            return;
        }
        Arrangement arrangement = Arrangement.live(settings, factories());
        if (current != null && arrangement.equals(current.arrangement)) {
            return;
        }
        List<Filter> filters = new ArrayList<>();
        Map<String, StageMeasures> measured = new LinkedHashMap<>();
        Servlet app;
        String stage = "";
        try {
            for (String each : settings.middleware()) {
                stage = each;
                Filter filter = middleware.get(each).create(settings.settings.get(each));
                if (filter instanceof StageMeasures measures) {
                    measured.put(each, measures);
                }
                filters.add(stats.timed(each, filter));
            }
            stage = settings.app();
            app = stats.timed(stage, apps.get(stage).create(settings.settings.get(stage)));
        } catch (RuntimeException e) {
            unavailable(PipelineSettings.FACTORY_PID + "-" + name + ": " + stage + "." + e.getMessage(),
                    "Pipeline " + name + " cannot build its stage " + stage);
            return;
        }
        Generation next = new Generation(arrangement);
        next.measured = measured;
        for (int i = 0; i < filters.size(); i++) {
            Dictionary<String, Object> props = next.select();
            props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_FILTER_PATTERN, "/*");
            props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_FILTER_ASYNC_SUPPORTED, Boolean.TRUE);
            props.put(Constants.SERVICE_RANKING, FIRST_RANKING - i);
            props.put(Berth.STAGE_PROPERTY, settings.middleware().get(i));
            next.register(Filter.class, filters.get(i), props);
        }
        Dictionary<String, Object> props = next.select();
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, "/*");
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_ASYNC_SUPPORTED, Boolean.TRUE);
        props.put(Berth.STAGE_PROPERTY, settings.app());
        next.register(Servlet.class, app, props);
        switchTo(next, Pipeline.State.LIVE, null);
        LOG.info("Berth pipeline {} is LIVE at {}: {}", name, settings.path, String.join(" ", settings.stages));
    }

    /**
     * A stage of the live arrangement went away: it is being updated (a new jar in deploy/,
     * bundle:update), or removed. Its requests wait at the gate for up to update_wait; the old
     * arrangement stays registered meanwhile, for the requests already past the gate.
     *
     * @return whether requests are held (else the pipeline fails closed now)
     */
    private boolean holdFor(List<String> missing) {
        if (holding) {
            return true;
        }
        if (holdSpent || current == null || !current.arrangement.live() || !current.settings.equals(settings)
                || settings.updateWaitMillis == 0 || settings.updateWaitRequests == 0) {
            return false;
        }
        holding = true;
        String stages = String.join(", ", missing);
        registry.hold(name, stages, settings.updateWaitMillis, settings.updateWaitRequests, stats.waited);
        LOG.info("Berth pipeline {}: {} went away; its requests wait up to {} ms for it to come back (update_wait)",
                name, stages, settings.updateWaitMillis);
        int hold = ++holds;
        registry.schedule(() -> holdExpired(hold), settings.updateWaitMillis);
        return true;
    }

    private synchronized void holdExpired(int hold) {
        if (!holding || hold != holds) {
            return;
        }
        holding = false;
        holdSpent = true;
        reconcile();
        // Whatever serves now (the 503 naming the missing stage) answers the requests that waited.
        registry.unhold(name);
    }

    /** The factory of each stage of {@code settings}, in order (null where none is present). */
    private List<Object> factories() {
        return factories(settings);
    }

    private List<Object> factories(PipelineSettings of) {
        List<Object> factories = new ArrayList<>();
        for (String stage : of.stages) {
            factories.add(middleware.containsKey(stage) ? middleware.get(stage) : apps.get(stage));
        }
        return Collections.unmodifiableList(factories);
    }

    private void unavailable(String logLine, String reason) {
        unavailable(logLine, reason, Pipeline.State.FAILED, reason);
    }

    private void unavailable(String logLine, String reason, Pipeline.State state, String why) {
        Arrangement arrangement = Arrangement.unavailable(settings, reason);
        if (current != null && arrangement.equals(current.arrangement)) {
            return;
        }
        if (current != null && !current.settings.equals(settings) && current.intact()) {
            // An edit that cannot be served yet: what serves keeps serving until it can.
            if (!arrangement.equals(pending)) {
                pending = arrangement;
                LOG.error("{} (the pipeline keeps its previous settings until it can)", logLine);
            }
            return;
        }
        LOG.warn(logLine);
        Generation next = new Generation(arrangement);
        Dictionary<String, Object> props = next.select();
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, "/*");
        next.register(Servlet.class, new Unavailable(reason), props);
        switchTo(next, state, why);
    }

    /** The new generation serves from now on; the one before leaves once its requests are done. */
    private void switchTo(Generation next, Pipeline.State now, String why) {
        Generation old = current;
        current = next;
        stats.swaps.incrementAndGet();
        pending = null;
        state = now;
        reason = why;
        if (now == Pipeline.State.LIVE) {
            holdSpent = false;
        }
        if (holding) {
            holding = false;
            registry.unhold(name);
        }
        if (old != null) {
            retiring.add(old);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETIRE_LIMIT_MS);
            registry.schedule(() -> retire(old, deadline), RETIRE_GRACE_MS);
        }
    }

    private void retire(Generation old, long deadline) {
        synchronized (this) {
            if (!retiring.contains(old)) {
                return;
            }
            int inFlight = old.inFlight.get();
            if (inFlight > 0 && System.nanoTime() < deadline) {
                registry.schedule(() -> retire(old, deadline), RETIRE_POLL_MS);
                return;
            }
            if (inFlight > 0) {
                LOG.warn("Berth pipeline {}: {} request(s) still running on its replaced arrangement after {} s; "
                        + "its stages are removed now", name, inFlight, RETIRE_LIMIT_MS / 1000);
            }
            retiring.remove(old);
            old.unregister();
        }
    }

    /**
     * What a generation serves, compared by value: the app through these stage factories (compared
     * by identity: a factory re-registered is new code) with these settings, or only a 503 with
     * this reason. An edit or an event that leaves it equal changes nothing.
     *
     * @param factories the factory of each stage, in order; null while it only answers 503
     * @param unavailable the 503's reason; null when it serves the app
     */
    private record Arrangement(PipelineSettings settings, List<Object> factories, String unavailable) {

        static Arrangement live(PipelineSettings settings, List<Object> factories) {
            return new Arrangement(settings, factories, null);
        }

        static Arrangement unavailable(PipelineSettings settings, String reason) {
            return new Arrangement(settings, null, reason);
        }

        boolean live() {
            return factories != null;
        }
    }

    /**
     * One arrangement's servlet context and its registrations. As the context's helper it also
     * keeps the pipeline to its listeners and counts the requests it serves.
     */
    private final class Generation extends ServletContextHelper {

        final Arrangement arrangement;
        final PipelineSettings settings;
        final AtomicInteger inFlight = new AtomicInteger();
        /** The stages whose filters have numbers of their own, in order; set before it serves, read under the component's lock. */
        Map<String, StageMeasures> measured = Map.of();
        private final String contextName;
        private final ServiceRegistration<ServletContextHelper> registration;
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

        Generation(Arrangement arrangement) {
            super(context.getBundle());
            this.arrangement = arrangement;
            this.settings = arrangement.settings();
            int number = ++generations;
            this.contextName = "berth.pipeline." + name + "." + number;
            Dictionary<String, Object> props = new Hashtable<>();
            props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_NAME, contextName);
            props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_PATH, settings.path);
            // At the same path, the whiteboard resolves to the context ranked highest: the newest.
            props.put(Constants.SERVICE_RANKING, number);
            props.put("berth.pipeline", name);
            registration = context.registerService(ServletContextHelper.class, this, props);
        }

        /** Whether it serves the app and every factory it was built with is still there. */
        boolean intact() {
            return arrangement.live() && arrangement.factories().equals(factories(settings));
        }

        Dictionary<String, Object> select() {
            Dictionary<String, Object> props = new Hashtable<>();
            props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_SELECT,
                    "(" + HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_NAME + "=" + contextName + ")");
            return props;
        }

        <S> void register(Class<S> type, S service, Dictionary<String, Object> props) {
            registrations.add(context.registerService(type, service, props));
        }

        @Override
        public boolean handleSecurity(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (!settings.servedOn((String) request.getAttribute(Berth.LISTENER_ATTRIBUTE))) {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
                return false;
            }
            inFlight.incrementAndGet();
            if (request.getAttribute(STARTED) == null) {
                request.setAttribute(STARTED, System.nanoTime());
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
            Object started = request.getAttribute(STARTED);
            if (started instanceof Long && request.getAttribute(COUNTED) == null) {
                request.setAttribute(COUNTED, Boolean.TRUE);
                stats.answered((Long) started, ((HttpServletRequest) request).getMethod(), ((HttpServletResponse) response).getStatus());
            }
        }

        void unregister() {
            // The servlet first: from then on the path resolves past this context.
            for (int i = registrations.size() - 1; i >= 0; i--) {
                unregister(registrations.get(i));
            }
            registrations.clear();
            unregister(registration);
        }

        private void unregister(ServiceRegistration<?> each) {
            try {
                each.unregister();
            } catch (IllegalStateException alreadyGone) {
                // unregistered with its bundle
            }
        }
    }

    /** The pipeline as the shell sees it. */
    private final class Status implements Pipeline {

        @Override
        public String name() {
            return name;
        }

        @Override
        public String path() {
            PipelineSettings now = settingsNow();
            return now == null ? null : now.path;
        }

        @Override
        public List<String> listeners() {
            PipelineSettings now = settingsNow();
            return now == null ? List.of() : List.copyOf(now.listeners);
        }

        @Override
        public List<String> stages() {
            PipelineSettings now = settingsNow();
            return now == null ? List.of() : now.stages;
        }

        @Override
        public State state() {
            State now = state;
            return now == State.LIVE && servedNowhere() != null ? State.WAITING : now;
        }

        @Override
        public String reason() {
            String nowhere = state == State.LIVE ? servedNowhere() : null;
            return nowhere != null ? nowhere : reason;
        }

        @Override
        public long requests() {
            return stats.requests.sum();
        }

        @Override
        public long errors() {
            return stats.errors.sum();
        }

        @Override
        public double latencyMillis(double quantile) {
            return stats.latency.windowQuantileMillis(quantile);
        }

        @Override
        public int latencyWindowSeconds() {
            return LatencyRecorder.WINDOW_SECONDS;
        }

        @Override
        public List<StageTime> stageTimes() {
            return stats.stageTimes(stages());
        }

        @Override
        public List<StageAnswer> stageAnswers() {
            return stats.stageAnswers(stages());
        }

        @Override
        public Map<String, List<StageMeasures.Measure>> stageMeasures() {
            Map<String, List<StageMeasures.Measure>> measures = new LinkedHashMap<>();
            measuredNow().forEach((stage, filter) -> {
                try {
                    measures.put(stage, List.copyOf(filter.measures()));
                } catch (RuntimeException e) {
                    // A stage's bug costs its own numbers, not the scrape.
                    LOG.warn("Berth pipeline {}: stage {} could not give its numbers: {}", name, stage, e.toString());
                }
            });
            return measures;
        }

        @Override
        public List<RequestCount> requestCounts() {
            return stats.requestCounts();
        }

        @Override
        public Latency latency() {
            return stats.latencyBuckets();
        }

        @Override
        public long generationSwaps() {
            return stats.swaps.get();
        }

        @Override
        public long requestsWaitedForUpdate() {
            return stats.waited.sum();
        }
    }

    private synchronized PipelineSettings settingsNow() {
        return settings;
    }

    /** The live generation's stages with numbers of their own: a copy, so that reading them holds no lock. */
    private synchronized Map<String, StageMeasures> measuredNow() {
        return current == null ? Map.of() : new LinkedHashMap<>(current.measured);
    }

    /** The pipeline's only servlet while it cannot serve: 503 with the reason, never the app. */
    private static final class Unavailable extends HttpServlet {

        private static final long serialVersionUID = 1L;
        private final byte[] body;

        Unavailable(String reason) {
            this.body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            response.setHeader("Retry-After", "5");
            response.setContentType("text/plain;charset=utf-8");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }
}
