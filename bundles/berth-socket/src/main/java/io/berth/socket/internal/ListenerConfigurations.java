package io.berth.socket.internal;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Makes each listener serve what Configuration Admin holds, whatever Declarative Services
 * delivered. DS can miss the last of two quick updates of one configuration (it reads a
 * configuration's properties and its change count separately, so it may record the newer count
 * with the older properties and skip the newer event), and may deliver those older properties
 * after the events were handled. So a listener's configuration is read again from Configuration
 * Admin at once after every event for it and after every delivery DS makes: whichever comes
 * last, a read of what Configuration Admin holds follows it. Reads run one at a time on one
 * thread; a listener applies what it reads only when it differs from what it was given last
 * (and equal settings reload nothing). The pipelines do the same (berth-pipeline's PipelineRegistry).
 */
@Component(service = {ListenerConfigurations.class, ConfigurationListener.class})
public final class ListenerConfigurations implements ConfigurationListener {

    private final ConfigurationAdmin configurationAdmin;
    /** The listeners by PID, each with how it applies properties read from Configuration Admin. */
    private final Map<String, Consumer<Map<String, Object>>> listeners = new ConcurrentHashMap<>();
    private final ExecutorService reads = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "berth-listener-configurations");
        thread.setDaemon(true);
        return thread;
    });

    @Activate
    public ListenerConfigurations(@Reference ConfigurationAdmin configurationAdmin) {
        this.configurationAdmin = configurationAdmin;
    }

    void added(String pid, Consumer<Map<String, Object>> apply) {
        listeners.put(pid, apply);
    }

    void removed(String pid, Consumer<Map<String, Object>> apply) {
        listeners.remove(pid, apply);
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (event.getType() == ConfigurationEvent.CM_UPDATED && ListenerSettings.FACTORY_PID.equals(event.getFactoryPid())) {
            resync(event.getPid());
        }
    }

    /** Reads the listener's configuration again, at once, on the reading thread. */
    void resync(String pid) {
        try {
            reads.execute(() -> reread(pid));
        } catch (RejectedExecutionException stopping) {
            // Berth is stopping: so are its listeners.
        }
    }

    private void reread(String pid) {
        Consumer<Map<String, Object>> apply = listeners.get(pid);
        if (apply == null) {
            return;
        }
        try {
            Configuration[] found = configurationAdmin.listConfigurations("(service.pid=" + pid + ")");
            Dictionary<String, Object> properties = found == null ? null : found[0].getProperties();
            if (properties != null) {
                Map<String, Object> map = new HashMap<>();
                for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements();) {
                    String key = keys.nextElement();
                    map.put(key, properties.get(key));
                }
                apply.accept(map);
            }
        } catch (IOException | InvalidSyntaxException e) {
            // Configuration Admin is going away: so is the listener.
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        reads.shutdownNow();
        reads.awaitTermination(5, TimeUnit.SECONDS);
    }
}
