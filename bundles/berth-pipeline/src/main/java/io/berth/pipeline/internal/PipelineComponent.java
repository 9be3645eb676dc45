package io.berth.pipeline.internal;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;

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
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.AppFactory;
import io.berth.api.Berth;
import io.berth.api.InvalidSettingException;
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
 * <p>What it serves is an {@link Arrangement}, a value: settings and stage factories, or a 503's
 * reason. Each new arrangement is a {@link Generation}, a context of its own at the path ranked
 * above the one before, registered complete before it takes over; the one it replaces goes through
 * {@link Retirement} once the requests it took have finished. So an edit never answers a request
 * with a half-built pipeline or cuts one in flight. While a stage of the live arrangement is being
 * updated, its requests wait ({@link UpdateHold}). The listeners a pipeline names are checked
 * against those there are ({@link ListenerPresence}): one that has not appeared within
 * {@value #LISTENER_GRACE_MS} ms is named once in the log, and while none of them is there the
 * shell shows the pipeline {@code WAITING (no listener NAME)} ({@link PipelineStatus}).
 *
 * <p>This class keeps the configuration (what it was given, what it applied) and decides which
 * arrangement serves; its lock guards that decision and nothing a request reads.
 */
@Component(configurationPid = PipelineSettings.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = PipelineComponent.Config.class, factory = true)
public final class PipelineComponent {

    /**
     * Metatype of a pipeline: its own keys and their defaults, written here only (PipelineSettings
     * reads the defaults from it). Each stage's {@code STAGE.KEY} settings are described by the
     * stage's own configuration type.
     */
    @ObjectClassDefinition(name = "Berth pipeline", description = "Stages in order with an app last, mounted at a path "
            + "on Berth's listeners: one etc/berth.pipeline-NAME.cfg per pipeline, plus STAGE.KEY settings for its stages.")
    public @interface Config {
        // Method names map to keys: "__" is "_" (update__wait is update_wait).

        @AttributeDefinition(description = "The stage names, separated by spaces, the app last (required)")
        String pipeline();

        @AttributeDefinition(description = "Where the pipeline is mounted")
        String path() default "/";

        @AttributeDefinition(description = "The Berth listeners that serve it, separated by spaces or commas; "
                + "empty: every Berth listener (never Felix's own connector)")
        String listeners() default "";

        @AttributeDefinition(description = "Seconds a request waits for a stage of the live arrangement that is being "
                + "updated, instead of a 503; at most 30, 0: not at all")
        double update__wait() default 2;

        @AttributeDefinition(description = "How many requests may wait so at once (each holds a server thread); more "
                + "are answered 503 at once. 0 to 10000")
        int update__wait__requests() default 100;
    }

    private static final Logger LOG = LoggerFactory.getLogger(PipelineComponent.class);

    /**
     * How long a listener the pipeline names may be absent before the log says so: at start the
     * listeners' bundle may come up after this one, and an update of it takes them away briefly.
     */
    static final long LISTENER_GRACE_MS = 10_000;

    private final Map<String, StageFactory> middleware = new ConcurrentHashMap<>();
    private final Map<String, AppFactory> apps = new ConcurrentHashMap<>();
    private final ListenerPresence listeners = new ListenerPresence();
    private final PipelineStats stats = new PipelineStats();

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
    private PipelineStatus status;
    private UpdateHold hold;
    private Retirement retirement;
    private ServiceRegistration<Pipeline> statusRegistration;

    /** Written under this; the status and the listener checks read them without it. */
    private volatile boolean active;
    private volatile PipelineSettings settings;
    private volatile Generation current;

    /** Guarded by this. */
    private int generations;
    /** Guarded by this: the arrangement an edit asked for that cannot be served yet, logged once. */
    private Arrangement pending;
    /** Guarded by this: what the pipeline was last configured with (operator's keys only), to notice a missed update. */
    private Map<String, String> configured = Map.of();

    @Activate
    synchronized void activate(BundleContext bundleContext, Map<String, Object> properties) {
        this.context = bundleContext;
        this.name = PipelineSettings.nameOf(properties);
        this.status = new PipelineStatus(name, new PipelineStatus.Source() {
            @Override
            public PipelineSettings settings() {
                return settings;
            }

            @Override
            public String servedNowhere() {
                return listeners.servedNowhere(served());
            }

            @Override
            public Map<String, StageMeasures> measured() {
                Generation now = current;
                return now == null ? Map.of() : now.measured;
            }
        }, stats);
        this.hold = new UpdateHold(name, registry, stats.waited, this::reconcile);
        this.retirement = new Retirement(name, registry::schedule, System::nanoTime);
        active = true;
        registry.added(name, this);
        apply(properties);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Pipeline.NAME_PROPERTY, name);
        statusRegistration = bundleContext.registerService(Pipeline.class, status, props);
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
        if (statusRegistration != null) {
            statusRegistration.unregister();
        }
        hold.stop();
        if (current != null) {
            current.unregister();
            current = null;
        }
        retirement.retireAllNow();
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
    void addListener(Listener listener, Map<String, Object> properties) {
        listeners.added(String.valueOf(properties.get(Listener.NAME_PROPERTY)));
    }

    void removeListener(Listener listener, Map<String, Object> properties) {
        listeners.removed(String.valueOf(properties.get(Listener.NAME_PROPERTY)));
        checkListenersLater();
    }

    /** The settings the pipeline serves with while it is active, else null. */
    private PipelineSettings served() {
        return active ? settings : null;
    }

    /** If a listener the settings name is missing, says so after the grace, unless it has come by then. */
    private void checkListenersLater() {
        if (!listeners.missing(served()).isEmpty()) {
            registry.schedule(() -> listeners.check(served()), LISTENER_GRACE_MS);
        }
    }

    private static String stageName(Map<String, Object> properties) {
        return String.valueOf(properties.get(Berth.STAGE_PROPERTY));
    }

    /** Applies Configuration Admin's properties if they are not what the pipeline was last given. */
    synchronized void resync(Dictionary<String, Object> properties) {
        Map<String, Object> current = new HashMap<>();
        for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements();) {
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
        Map<String, String> keys = new TreeMap<>();
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
        checkListenersLater();
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
            status.set(Pipeline.State.FAILED, reason);
            LOG.error(line);
        } else {
            LOG.error("{} (the pipeline keeps its previous settings)", line);
        }
    }

    /** Brings the registrations in line with the settings and the stage factories present now. */
    private synchronized void reconcile() {
        PipelineSettings settings = this.settings;
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
        if (!missing.isEmpty() && hold.hold(missing, settings,
                current != null && current.arrangement.live() && current.settings.equals(settings))) {
            return;
        }
        if (!missing.isEmpty()) {
            String stages = String.join(", ", missing);
            unavailable("Berth pipeline " + name + " is WAITING (missing: " + stages + "): " + PipelineSettings.FACTORY_PID
                    + "-" + name + ": " + PipelineSettings.PIPELINE + ": no bundle provides " + stages + " yet",
                    "Pipeline " + name + " is waiting for stages: " + stages, Pipeline.State.WAITING, "missing: " + stages);
            return;
        }
        Arrangement arrangement = Arrangement.live(settings, factories(settings));
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
        Generation next = new Generation(context, name, ++generations, arrangement, measured, stats);
        next.serve(filters, app);
        switchTo(next, Pipeline.State.LIVE, null);
        LOG.info("Berth pipeline {} is LIVE at {}: {}", name, settings.path, String.join(" ", settings.stages));
    }

    /** The factory of each stage of {@code of}, in order (null where none is present). */
    private List<Object> factories(PipelineSettings of) {
        List<Object> factories = new ArrayList<>();
        for (String stage : of.stages) {
            factories.add(middleware.containsKey(stage) ? middleware.get(stage) : apps.get(stage));
        }
        return factories;
    }

    private void unavailable(String logLine, String reason) {
        unavailable(logLine, reason, Pipeline.State.FAILED, reason);
    }

    private void unavailable(String logLine, String reason, Pipeline.State state, String why) {
        Arrangement arrangement = Arrangement.unavailable(settings, reason);
        if (current != null && arrangement.equals(current.arrangement)) {
            return;
        }
        if (current != null && !current.settings.equals(settings)
                && current.arrangement.servesWith(factories(current.settings))) {
            // An edit that cannot be served yet: what serves keeps serving until it can.
            if (!arrangement.equals(pending)) {
                pending = arrangement;
                LOG.error("{} (the pipeline keeps its previous settings until it can)", logLine);
            }
            return;
        }
        LOG.warn(logLine);
        Generation next = new Generation(context, name, ++generations, arrangement, Map.of(), stats);
        next.refuse();
        switchTo(next, state, why);
    }

    /** The new generation serves from now on; the one before leaves once its requests are done. */
    private void switchTo(Generation next, Pipeline.State now, String why) {
        Generation old = current;
        current = next;
        stats.swaps.incrementAndGet();
        pending = null;
        status.set(now, why);
        hold.served(now == Pipeline.State.LIVE);
        if (old != null) {
            retirement.retire(old);
        }
    }
}
