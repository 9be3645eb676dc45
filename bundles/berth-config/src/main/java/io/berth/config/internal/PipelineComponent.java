package io.berth.config.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
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
import io.berth.api.StageFactory;

/**
 * One pipeline, from {@code etc/berth.pipeline-NAME.cfg}, turned into whiteboard registrations:
 * a servlet context at the pipeline's path, its middleware as filters in that context ranked by
 * position (the first stage has the highest {@code service.ranking}, so it runs first), and the
 * app as the context's servlet. Fail closed: while a stage is missing or cannot be built, the
 * context's only servlet answers 503 naming what is missing; the app is never served without
 * its middleware. When the stage's bundle arrives, the pipeline goes live by itself.
 */
@Component(configurationPid = PipelineSettings.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
public final class PipelineComponent {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineComponent.class);

    /** Rankings of a pipeline's filters: the first stage gets the highest. */
    static final int FIRST_RANKING = 10_000;

    private final Map<String, StageFactory> middleware = new ConcurrentHashMap<>();
    private final Map<String, AppFactory> apps = new ConcurrentHashMap<>();

    /** Set in activate(): DS binds the stage factories present first, so no pipeline starts out WAITING for nothing. */
    private BundleContext context;
    private String name;

    /** Guarded by this. */
    private PipelineSettings settings;
    private ServiceRegistration<ServletContextHelper> servletContext;
    private final List<ServiceRegistration<?>> stages = new ArrayList<>();
    private String arrangement = "";
    private boolean active;

    @Activate
    synchronized void activate(BundleContext bundleContext, Map<String, Object> properties) {
        this.context = bundleContext;
        this.name = PipelineSettings.nameOf(properties);
        active = true;
        apply(properties);
    }

    @Modified
    synchronized void modified(Map<String, Object> properties) {
        apply(properties);
    }

    @Deactivate
    synchronized void deactivate() {
        active = false;
        clear();
        if (servletContext != null) {
            servletContext.unregister();
            servletContext = null;
        }
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

    private static String stageName(Map<String, Object> properties) {
        return String.valueOf(properties.get(Berth.STAGE_PROPERTY));
    }

    private void apply(Map<String, Object> properties) {
        PipelineSettings next;
        try {
            next = PipelineSettings.parse(name, properties);
        } catch (InvalidSettingException e) {
            String line = PipelineSettings.FACTORY_PID + "-" + name + ": " + e.getMessage();
            if (settings == null) {
                // Nothing is served for it: without valid settings there is no path to answer on.
                LOG.error(line);
            } else {
                LOG.error("{} (the pipeline keeps its previous settings)", line);
            }
            return;
        }
        boolean moved = settings == null || !settings.path.equals(next.path);
        settings = next;
        if (moved) {
            clear();
            registerContext(next.path);
        }
        arrangement = "";
        reconcile();
    }

    /** Brings the registrations in line with the settings and the stage factories present now. */
    private synchronized void reconcile() {
        if (!active || settings == null || servletContext == null) {
            return;
        }
        List<String> missing;
        try {
            missing = settings.missing(stage -> apps.containsKey(stage) ? PipelineSettings.Kind.APP
                    : middleware.containsKey(stage) ? PipelineSettings.Kind.MIDDLEWARE : null);
        } catch (InvalidSettingException e) {
            unavailable("berth.pipeline-" + name + ": " + e.getMessage(), "Pipeline " + name + " is misconfigured: " + e.getMessage());
            return;
        }
        if (!missing.isEmpty()) {
            unavailable("Berth pipeline " + name + " is WAITING (missing: " + String.join(", ", missing) + ")",
                    "Pipeline " + name + " is waiting for stages: " + String.join(", ", missing));
            return;
        }
        String wanted = "live:" + settings.stages + "@" + System.identityHashCode(settings)
                + factoriesIdentity();
        if (wanted.equals(arrangement)) {
            return;
        }
        List<Filter> filters = new ArrayList<>();
        Servlet app;
        String stage = "";
        try {
            for (String each : settings.middleware()) {
                stage = each;
                filters.add(middleware.get(each).create(settings.settings.get(each)));
            }
            stage = settings.app();
            app = apps.get(stage).create(settings.settings.get(stage));
        } catch (RuntimeException e) {
            unavailable("berth.pipeline-" + name + ": " + stage + "." + e.getMessage(),
                    "Pipeline " + name + " cannot build its stage " + stage);
            return;
        }
        clear();
        for (int i = 0; i < filters.size(); i++) {
            Dictionary<String, Object> props = selectContext();
            props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_FILTER_PATTERN, "/*");
            props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_FILTER_ASYNC_SUPPORTED, Boolean.TRUE);
            props.put(Constants.SERVICE_RANKING, FIRST_RANKING - i);
            props.put(Berth.STAGE_PROPERTY, settings.middleware().get(i));
            stages.add(context.registerService(Filter.class, filters.get(i), props));
        }
        Dictionary<String, Object> props = selectContext();
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, "/*");
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_ASYNC_SUPPORTED, Boolean.TRUE);
        props.put(Berth.STAGE_PROPERTY, settings.app());
        stages.add(context.registerService(Servlet.class, app, props));
        arrangement = wanted;
        LOG.info("Berth pipeline {} is LIVE at {}: {}", name, settings.path, String.join(" ", settings.stages));
    }

    private String factoriesIdentity() {
        StringBuilder identity = new StringBuilder();
        for (String stage : settings.stages) {
            Object factory = middleware.containsKey(stage) ? middleware.get(stage) : apps.get(stage);
            identity.append(',').append(System.identityHashCode(factory));
        }
        return identity.toString();
    }

    private void unavailable(String logLine, String reason) {
        String wanted = "unavailable:" + reason;
        if (wanted.equals(arrangement)) {
            return;
        }
        LOG.warn(logLine);
        clear();
        serveUnavailable(reason);
        arrangement = wanted;
    }

    private void serveUnavailable(String reason) {
        Dictionary<String, Object> props = selectContext();
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, "/*");
        stages.add(context.registerService(Servlet.class, new Unavailable(reason), props));
    }

    private void registerContext(String path) {
        if (servletContext != null) {
            servletContext.unregister();
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_NAME, contextName());
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_PATH, path);
        servletContext = context.registerService(ServletContextHelper.class, new ServletContextHelper(context.getBundle()) { }, props);
    }

    private Dictionary<String, Object> selectContext() {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_SELECT,
                "(" + HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_NAME + "=" + contextName() + ")");
        return props;
    }

    private String contextName() {
        return "berth.pipeline." + name;
    }

    private void clear() {
        for (ServiceRegistration<?> registration : stages) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // unregistered with its bundle
            }
        }
        stages.clear();
        arrangement = "";
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
