package io.berth.supervisor.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.Listener;
import io.berth.api.Supervisor;

/**
 * Reloads listeners on request and on SIGHUP (Swift reloads on SIGUSR1; a JVM cannot take that
 * one, and SIGHUP would otherwise stop it). A reload is seamless: see {@link Listener#reload()}.
 */
@Component(service = Supervisor.class, immediate = true)
public final class SupervisorComponent implements Supervisor {

    private static final Logger LOG = LoggerFactory.getLogger(SupervisorComponent.class);

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Hangup hangup;

    @Activate
    public SupervisorComponent() {
        this.hangup = Hangup.install(() -> {
            LOG.info("SIGHUP received: reloading every listener");
            reloadAll();
        });
    }

    @Deactivate
    void deactivate() {
        hangup.uninstall();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addListener(Listener listener) {
        listeners.add(listener);
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
