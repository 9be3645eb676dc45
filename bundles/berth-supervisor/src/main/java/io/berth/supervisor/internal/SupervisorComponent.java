package io.berth.supervisor.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.Lifecycle;
import io.berth.api.Listener;
import io.berth.api.Supervisor;

/**
 * Reloads listeners on request and on SIGHUP (Swift reloads on SIGUSR1; a JVM cannot take that
 * one, and SIGHUP would otherwise stop it). A reload is seamless: see {@link Listener#reload()}.
 * Tells systemd READY=1 once every listener serves and the Karaf shell is usable (berth-admin's
 * service {@code (berth.ready=shell)}), so that {@code bin/client} works as soon as
 * {@code systemctl start} returns.
 */
@Component(service = {Supervisor.class, EventHandler.class}, immediate = true,
        property = EventConstants.EVENT_TOPIC + "=" + Lifecycle.TOPIC_PREFIX + "*")
public final class SupervisorComponent implements Supervisor, EventHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SupervisorComponent.class);

    /** Selects the service berth-admin registers once bin/client can log in (or never will). */
    static final String SHELL_READY = "(berth.ready=shell)";
    /** Properties of that service: {@code usable}, {@code none} or {@code unusable}, and why. */
    static final String SHELL_STATE = "berth.shell.state";
    static final String SHELL_REASON = "berth.shell.reason";

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Hangup hangup;
    private final Terminate terminate;
    private final SystemdNotify systemd;
    /** Guarded by this: READY=1 is due once every listener serves (again, after a reload). */
    private boolean readyDue = true;
    /** The properties of berth-admin's service, once the shell is usable; they say how. */
    private volatile Map<String, Object> shell;

    @Activate
    public SupervisorComponent() {
        this(SystemdNotify.fromEnvironment());
    }

    SupervisorComponent(SystemdNotify systemd) {
        this.systemd = systemd;
        this.hangup = Hangup.install(() -> {
            LOG.info("SIGHUP received: reloading every listener");
            reloadAll();
        });
        this.terminate = Terminate.install(this::leaveService);
    }

    /**
     * On SIGTERM, before Karaf stops: if a listener has a shutdown_delay, every listener goes out
     * of service (so that none closes while a load balancer still sends to the node).
     *
     * @return how long to keep serving: the longest shutdown_delay
     */
    Duration leaveService() {
        Duration longest = Duration.ZERO;
        for (Listener listener : listeners) {
            Duration delay = listener.shutdownDelay();
            if (delay.compareTo(longest) > 0) {
                longest = delay;
            }
        }
        if (!longest.isZero()) {
            for (Listener listener : listeners) {
                if (!listener.outOfService()) {
                    listener.drain();
                }
            }
            systemd.send("STATUS=Stopping: out of service for " + longest.toMillis() / 1000.0
                    + " s (shutdown_delay), then draining");
        }
        return longest;
    }

    @Deactivate
    void deactivate() {
        hangup.uninstall();
        terminate.uninstall();
        systemd.send("STOPPING=1", "STATUS=Stopping: draining listeners");
    }

    /** Lifecycle events of the listeners drive systemd's READY=1 and RELOADING=1. */
    @Override
    public void handleEvent(Event event) {
        String topic = event.getTopic();
        if (topic.equals(Lifecycle.RELOADING)) {
            boolean announce;
            synchronized (this) {
                announce = !readyDue;
                readyDue = true;
            }
            if (announce) {
                systemd.send("RELOADING=1", "STATUS=Reloading " + event.getProperty(Lifecycle.LISTENER));
            }
        } else if (topic.equals(Lifecycle.STARTED) || topic.equals(Lifecycle.STOPPED)) {
            // A reload is over when its new connectors serve: that is the STARTED that follows.
            checkReady();
        }
    }

    /**
     * READY=1 once every listener serves (a FAILED one does not hold the others back; STATUS says
     * so) and the shell is usable (or berth-admin gave up on it: STATUS says so too).
     */
    void checkReady() {
        Map<String, Object> shell = this.shell;
        if (shell == null) {
            return;
        }
        List<String> states = new ArrayList<>();
        for (Listener listener : listeners) {
            if (listener.state() == Listener.State.STARTING) {
                return;
            }
            states.add(listener.name() + " " + listener.state());
        }
        if (states.isEmpty()) {
            return;
        }
        synchronized (this) {
            if (!readyDue) {
                return;
            }
            readyDue = false;
        }
        Object unusable = "unusable".equals(shell.get(SHELL_STATE)) ? shell.get(SHELL_REASON) : null;
        systemd.send("READY=1", "STATUS=Serving: " + String.join(", ", states)
                + (unusable == null ? "" : "; the Karaf shell is not usable: " + unusable));
    }

    /** A marker service, hence {@code Object}: see berth-admin's ShellReadiness. */
    @Reference(service = Object.class, target = SHELL_READY, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void bindShell(Map<String, Object> properties) {
        shell = properties;
        checkReady();
    }

    void unbindShell(Map<String, Object> properties) {
        shell = null;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addListener(Listener listener) {
        listeners.add(listener);
        checkReady();
    }

    void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    @Override
    public List<String> reloadAll() {
        List<String> reloaded = new ArrayList<>();
        for (Listener listener : listeners) {
            if (listener.state() != Listener.State.FAILED) {
                listener.reload();
                reloaded.add(listener.name());
            }
        }
        LOG.info("Reloading listeners: {}", reloaded.isEmpty() ? "none" : String.join(", ", reloaded));
        return reloaded;
    }

    @Override
    public void reload(String name) {
        for (Listener listener : listeners) {
            if (listener.name().equals(name)) {
                listener.reload();
                return;
            }
        }
        throw new IllegalArgumentException("No listener named '" + name + "'; listeners: "
                + listeners.stream().map(Listener::name).sorted().collect(Collectors.joining(", ")));
    }
}
