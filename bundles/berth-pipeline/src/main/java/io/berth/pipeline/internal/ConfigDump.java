package io.berth.pipeline.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.EffectiveConfiguration;

/**
 * Logs the effective configuration of every listener and pipeline once at start, like oslo's
 * {@code log_opt_values}: after Karaf's FileInstall has delivered the files in {@code etc/}
 * (the configurations have been quiet for a second), secrets masked.
 */
@Component(service = {ConfigurationListener.class, EffectiveConfiguration.class}, immediate = true)
public final class ConfigDump implements ConfigurationListener, EffectiveConfiguration {

    static final String FILTER = "(|(service.factoryPid=berth.listener)(service.factoryPid=berth.pipeline))";
    private static final long QUIET_MS = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(ConfigDump.class);

    private final ConfigurationAdmin configurationAdmin;
    private final ScheduledExecutorService timer;
    private ScheduledFuture<?> pending;
    private boolean logged;

    @Activate
    public ConfigDump(@Reference ConfigurationAdmin configurationAdmin) {
        this.configurationAdmin = configurationAdmin;
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "berth-pipeline-dump");
            thread.setDaemon(true);
            return thread;
        });
        schedule();
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        String factoryPid = event.getFactoryPid();
        if ("berth.listener".equals(factoryPid) || "berth.pipeline".equals(factoryPid)) {
            schedule();
        }
    }

    private synchronized void schedule() {
        if (logged || timer.isShutdown()) {
            return;
        }
        if (pending != null) {
            pending.cancel(false);
        }
        pending = timer.schedule(this::logOnce, QUIET_MS, TimeUnit.MILLISECONDS);
    }

    private synchronized void logOnce() {
        if (logged) {
            return;
        }
        logged = true;
        for (String line : lines()) {
            LOG.info(line);
        }
    }

    @Override
    public List<String> lines(String name) {
        if (name == null) {
            return lines();
        }
        List<String> lines = new ArrayList<>();
        for (String line : lines()) {
            if (line.startsWith(name + ".")) {
                lines.add(line);
            }
        }
        if (lines.isEmpty()) {
            List<String> names = new ArrayList<>(configurations().keySet());
            if (!names.contains(name)) {
                throw new IllegalArgumentException("No configuration named " + name + "; there are: "
                        + (names.isEmpty() ? "none" : String.join(", ", names)));
            }
        }
        return lines;
    }

    /** The effective configuration now, as log lines. */
    List<String> lines() {
        List<String> sources = new ArrayList<>();
        Map<String, Dictionary<String, Object>> configurations = configurations(sources);
        sources.sort(null);
        return EffectiveConfig.lines(configurations, sources);
    }

    private Map<String, Dictionary<String, Object>> configurations() {
        return configurations(new ArrayList<>());
    }

    private Map<String, Dictionary<String, Object>> configurations(List<String> sources) {
        Map<String, Dictionary<String, Object>> configurations = new TreeMap<>();
        try {
            Configuration[] found = configurationAdmin.listConfigurations(FILTER);
            if (found != null) {
                for (Configuration configuration : found) {
                    Dictionary<String, Object> properties = configuration.getProperties();
                    if (properties == null) {
                        continue;
                    }
                    configurations.put(EffectiveConfig.displayName(configuration.getPid()), properties);
                    Object file = properties.get("felix.fileinstall.filename");
                    Object imported = properties.get(PasteImporter.SOURCE);
                    String source = file != null ? file.toString()
                            : imported != null ? imported + " (paste ini)" : configuration.getPid() + " (ConfigurationAdmin)";
                    if (!sources.contains(source)) {
                        sources.add(source);
                    }
                }
            }
        } catch (IOException | InvalidSyntaxException e) {
            LOG.warn("The effective configuration cannot be read: {}", e.toString());
        }
        return configurations;
    }
}
