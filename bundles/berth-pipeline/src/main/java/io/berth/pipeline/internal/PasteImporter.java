package io.berth.pipeline.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.PasteImport;
import io.berth.pipeline.internal.PasteIni.PasteException;
import io.berth.pipeline.internal.PastePlan.Pipeline;

/**
 * Imports paste ini files into pipeline configurations: {@code etc/*.ini}, then the
 * {@code *.ini} files of each config directory named by the system property
 * {@value #DIRS_PROPERTY} or the environment variable {@value #DIRS_ENV} (separated by
 * {@code :}), each directory in sorted file order, later values winning (oslo's
 * {@code --config-dir}). The files are watched: an edit is imported within
 * {@value #POLL_SECONDS} seconds. A file that cannot be imported changes nothing: the error names
 * file, section and line, and what serves keeps serving.
 *
 * <p>Imported pipelines are named {@code paste-SECTION} and carry the private property
 * {@value #SOURCE} (the files they came from); the importer removes those the files no longer
 * make, and never touches a pipeline an operator wrote.
 */
@Component(service = PasteImport.class, immediate = true)
public final class PasteImporter implements PasteImport {

    static final String DIRS_PROPERTY = "berth.config.dirs";
    static final String DIRS_ENV = "BERTH_CONFIG_DIRS";
    static final String SOURCE = ".berth.source";
    /** How the watched files' pipelines are tagged (followed by the files), so that only those are removed with them. */
    static final String WATCHED = "config dirs: ";
    static final int POLL_SECONDS = 1;

    private static final Logger LOG = LoggerFactory.getLogger(PasteImporter.class);

    private final ConfigurationAdmin configurationAdmin;
    private final List<Path> directories;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "berth-paste-import");
        thread.setDaemon(true);
        return thread;
    });

    /** Only the poller thread touches it: the files as last seen (names, sizes, times). */
    private String seen;

    @Activate
    public PasteImporter(@Reference ConfigurationAdmin configurationAdmin) {
        this.configurationAdmin = configurationAdmin;
        this.directories = directories(System.getProperty("karaf.etc"), System.getProperty(DIRS_PROPERTY),
                System.getenv(DIRS_ENV));
        poller.scheduleWithFixedDelay(this::scan, 0, POLL_SECONDS, TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        poller.shutdownNow();
        poller.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** {@code etc/} first, then the configured directories in the order given. */
    static List<Path> directories(String etc, String property, String environment) {
        List<Path> directories = new ArrayList<>();
        if (etc != null) {
            directories.add(Paths.get(etc));
        }
        String extra = property != null && !property.isBlank() ? property : environment;
        if (extra != null) {
            for (String each : extra.split(File.pathSeparator)) {
                if (!each.isBlank()) {
                    directories.add(Paths.get(each.strip()));
                }
            }
        }
        return directories;
    }

    @Override
    public List<Path> searchPath() {
        return searchPath(directories(null, System.getProperty(DIRS_PROPERTY), System.getenv(DIRS_ENV)),
                System.getProperty("karaf.etc"), System.getProperty("user.home"));
    }

    /**
     * oslo's {@code find_file} order: the config directories (oslo's {@code --config-dir}, here
     * after {@code etc/}, which is Berth's own), then {@code ~/.berth/}, {@code ~/},
     * {@code /etc/berth/}, {@code /etc/}.
     */
    static List<Path> searchPath(List<Path> configDirs, String etc, String home) {
        List<Path> path = new ArrayList<>(configDirs);
        if (etc != null) {
            path.add(Paths.get(etc));
        }
        if (home != null && !home.isBlank()) {
            path.add(Paths.get(home, ".berth"));
            path.add(Paths.get(home));
        }
        path.add(Paths.get("/etc/berth"));
        path.add(Paths.get("/etc"));
        return path;
    }

    /** The paste ini files, in the order they are read. */
    List<Path> files() {
        List<Path> files = new ArrayList<>();
        for (Path directory : directories) {
            if (!Files.isDirectory(directory)) {
                continue;
            }
            try (Stream<Path> list = Files.list(directory)) {
                list.filter(file -> file.getFileName().toString().endsWith(".ini") && Files.isRegularFile(file))
                        .sorted()
                        .forEach(files::add);
            } catch (IOException e) {
                LOG.error("Berth paste import: {} cannot be listed ({})", directory, e.getClass().getSimpleName());
            }
        }
        return files;
    }

    private void scan() {
        try {
            List<Path> files = files();
            String now = fingerprint(files);
            if (now.equals(seen)) {
                return;
            }
            seen = now;
            List<Pipeline> plan = plan(files);
            if (plan != null) {
                apply(plan, WATCHED + files.stream().map(Path::toString).collect(Collectors.joining(" ")), true);
            }
        } catch (IOException | InvalidSyntaxException | RuntimeException e) {
            LOG.error("Berth paste import failed: {}", e.toString());
        }
    }

    /**
     * What the files ask for.
     *
     * @return the pipelines, or {@code null} when the files cannot be imported (logged)
     */
    List<Pipeline> plan(List<Path> files) {
        if (files.isEmpty()) {
            return List.of();
        }
        try {
            return PastePlan.of(PasteIni.read(files));
        } catch (PasteException e) {
            LOG.error("Berth paste import: {} (nothing was changed)", e.getMessage());
            return null;
        }
    }

    @Override
    public Map<String, Map<String, String>> plan(Path file, String app) {
        try {
            return described(PastePlan.of(PasteIni.read(List.of(file)), app));
        } catch (PasteException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public synchronized Map<String, Map<String, String>> importFile(Path file, String app) {
        List<Pipeline> plan;
        try {
            plan = PastePlan.of(PasteIni.read(List.of(file)), app);
        } catch (PasteException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        try {
            apply(plan, "file: " + file.toAbsolutePath(), false);
        } catch (IOException | InvalidSyntaxException e) {
            throw new IllegalStateException("Configuration Admin refused the import: " + e.getMessage(), e);
        }
        return described(plan);
    }

    private static Map<String, Map<String, String>> described(List<Pipeline> plan) {
        Map<String, Map<String, String>> described = new TreeMap<>();
        for (Pipeline pipeline : plan) {
            described.put(pipeline.name(), new TreeMap<>(pipeline.properties()));
        }
        return described;
    }

    /**
     * Creates or updates the plan's pipelines.
     *
     * @param removeStale whether pipelines imported earlier from the watched files that the plan no
     *     longer makes are removed
     */
    private synchronized void apply(List<Pipeline> plan, String source, boolean removeStale)
            throws IOException, InvalidSyntaxException {
        Map<String, Configuration> imported = new HashMap<>();
        Set<String> operators = new LinkedHashSet<>();
        Configuration[] existing = configurationAdmin.listConfigurations(
                "(service.factoryPid=" + PipelineSettings.FACTORY_PID + ")");
        for (Configuration configuration : existing == null ? new Configuration[0] : existing) {
            String name = PipelineSettings.nameOf(Map.of("service.pid", configuration.getPid()));
            Dictionary<String, Object> properties = configuration.getProperties();
            Object tag = properties == null ? null : properties.get(SOURCE);
            if (tag != null) {
                if (!removeStale || tag.toString().startsWith(WATCHED)) {
                    imported.put(name, configuration);
                }
            } else {
                operators.add(name);
            }
        }
        if (!removeStale) {
            // An import asked for by hand changes all or nothing, and says why not.
            for (Pipeline pipeline : plan) {
                if (operators.contains(pipeline.name())) {
                    throw new IllegalArgumentException("pipeline " + pipeline.name() + " is configured in etc/"
                            + PipelineSettings.FACTORY_PID + "-" + pipeline.name() + ".cfg already; rename its section "
                            + "(nothing was imported)");
                }
            }
        }
        for (Pipeline pipeline : plan) {
            if (operators.contains(pipeline.name())) {
                LOG.error("Berth paste import: pipeline {} is configured in etc/{}-{}.cfg already and was not imported; "
                        + "rename its section", pipeline.name(), PipelineSettings.FACTORY_PID, pipeline.name());
                continue;
            }
            Hashtable<String, Object> wanted = new Hashtable<>(pipeline.properties());
            wanted.put(SOURCE, source);
            Configuration configuration = imported.remove(pipeline.name());
            if (configuration != null && same(configuration.getProperties(), wanted)) {
                continue;
            }
            if (configuration == null) {
                configuration = configurationAdmin.getFactoryConfiguration(PipelineSettings.FACTORY_PID, pipeline.name(), "?");
            }
            configuration.update(wanted);
            LOG.info("Berth imported pipeline {} from {}: {} at {}", pipeline.name(), source.substring(source.indexOf(": ") + 2),
                    pipeline.stages(), pipeline.path());
        }
        if (!removeStale) {
            return;
        }
        for (Map.Entry<String, Configuration> gone : imported.entrySet()) {
            gone.getValue().delete();
            LOG.info("Berth removed imported pipeline {}: its paste ini no longer makes it", gone.getKey());
        }
    }

    /** Whether a configuration holds exactly these properties, leaving out what the framework adds. */
    private static boolean same(Dictionary<String, Object> current, Map<String, Object> wanted) {
        if (current == null) {
            return false;
        }
        Map<String, Object> mine = new HashMap<>();
        for (Enumeration<String> keys = current.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            if (key.equals(SOURCE) || !PipelineSettings.frameworkKey(key)) {
                mine.put(key, current.get(key));
            }
        }
        return mine.equals(wanted);
    }

    private static String fingerprint(List<Path> files) {
        StringBuilder fingerprint = new StringBuilder();
        for (Path file : files) {
            fingerprint.append(file).append('|');
            try {
                fingerprint.append(Files.size(file)).append('|').append(Files.getLastModifiedTime(file).toMillis());
            } catch (IOException e) {
                fingerprint.append("unreadable");
            }
            fingerprint.append('\n');
        }
        return fingerprint.toString();
    }
}
