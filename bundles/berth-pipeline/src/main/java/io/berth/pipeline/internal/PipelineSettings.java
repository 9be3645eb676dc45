package io.berth.pipeline.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import io.berth.api.ConfigurationText;
import io.berth.api.StageSettings;
import io.berth.api.InvalidSettingException;

/**
 * One pipeline, read from {@code etc/berth.pipeline-NAME.cfg} and checked value by value: stage
 * names in order with the app last (paste.deploy's {@code [pipeline:main] pipeline = ...}), the
 * path it is mounted at, the listeners that serve it and each stage's settings
 * ({@code STAGE.KEY = value}). Immutable, and compared by value: the same settings written
 * differently (spacing, a trailing {@code /}, listeners in another order, {@code 2} or {@code 2.0}
 * seconds) or with other framework keys ({@code felix.fileinstall.filename}) are equal, so that
 * an edit that changes nothing rebuilds nothing.
 *
 * <p>The pipeline's own keys (the others are {@code STAGE.KEY}):
 * <ul>
 * <li>{@code pipeline}: the stage names, separated by spaces, the app last. Required.</li>
 * <li>{@code path}: where it is mounted; default {@code /}.</li>
 * <li>{@code listeners}: the Berth listeners that serve it, separated by spaces or commas;
 * default every Berth listener (never Felix's own connector).</li>
 * <li>{@code update_wait}: seconds a request waits for a stage of the live arrangement that is
 * being updated, instead of a 503; default 2, at most {@value #MAX_UPDATE_WAIT}, 0: not at all.</li>
 * <li>{@code update_wait_requests}: how many requests may wait so at once; each holds a server
 * thread meanwhile, so past this bound a request is answered 503 at once, with the reason, and
 * an update under load cannot take the threads other pipelines need. Default 100 (a client
 * with up to 100 connections sees an update as a pause, not as 503s), 0 to
 * {@value #MAX_UPDATE_WAIT_REQUESTS}; keep the sum over the pipelines a listener can fill below
 * the server's threads (Felix's Jetty: 200 by default).</li>
 * </ul>
 * The defaults are written once, in {@link PipelineComponent.Config}, which metatype describes.
 */
final class PipelineSettings {

    static final String FACTORY_PID = "berth.pipeline";
    static final String PIPELINE = "pipeline";
    static final String PATH = "path";
    static final String LISTENERS = "listeners";
    static final String UPDATE_WAIT = "update_wait";
    static final String UPDATE_WAIT_REQUESTS = "update_wait_requests";

    private static final Map<String, Object> DEFAULTS = StageSettings.defaults(PipelineComponent.Config.class);

    /** How long requests wait for a stage being updated, by default (seconds), and at most. */
    static final double DEFAULT_UPDATE_WAIT = (Double) DEFAULTS.get(UPDATE_WAIT);
    static final double MAX_UPDATE_WAIT = 30;

    /**
     * How many requests may wait at once for a stage being updated, by default, and at most. Each
     * holds a server thread (Felix's Jetty has 200 by default, shared by every pipeline): past the
     * bound a request gets 503 at once, so that an update under load cannot take every thread.
     * The 200 is Jetty's {@code QueuedThreadPool} default, which Felix keeps while
     * {@code org.apache.felix.http.jetty.threadpool.max} is unset (its {@code JettyConfig} default
     * -1, {@code JettyService}); checked against org.apache.felix.http.jetty12 1.1.8, Jetty 12.0.32.
     */
    static final int DEFAULT_UPDATE_WAIT_REQUESTS = (Integer) DEFAULTS.get(UPDATE_WAIT_REQUESTS);
    private static final String DEFAULT_PATH = (String) DEFAULTS.get(PATH);
    static final int MAX_UPDATE_WAIT_REQUESTS = 10_000;

    /** What a stage name stands for, once a bundle provides it. */
    enum Kind { MIDDLEWARE, APP }

    private static final Pattern STAGE_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
    private static final Pattern LISTENER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    final String name;
    final List<String> stages;
    final String path;
    /** Empty: every Berth listener. */
    final Set<String> listeners;
    /** How long requests wait while a stage of the live arrangement is being updated; 0: not at all. */
    final long updateWaitMillis;
    /** How many requests may wait at once meanwhile; more get 503 at once. */
    final int updateWaitRequests;
    /** Per stage, its settings without the {@code STAGE.} prefix; every stage has an entry. */
    final Map<String, Map<String, String>> settings;

    private PipelineSettings(String name, List<String> stages, String path, Set<String> listeners,
            long updateWaitMillis, int updateWaitRequests, Map<String, Map<String, String>> settings) {
        this.name = name;
        this.updateWaitMillis = updateWaitMillis;
        this.updateWaitRequests = updateWaitRequests;
        this.stages = List.copyOf(stages);
        this.path = path;
        this.listeners = Collections.unmodifiableSet(listeners);
        this.settings = Collections.unmodifiableMap(settings);
    }

    /**
     * Reads and checks a pipeline's configuration.
     *
     * @throws InvalidSettingException naming the key whose value is wrong, and why
     */
    static PipelineSettings parse(String name, Map<String, ?> config) throws InvalidSettingException {
        String notText = ConfigurationText.whyNotText(config, PipelineSettings::frameworkKey);
        if (notText != null) {
            throw new InvalidSettingException(ConfigurationText.fileOf(config, "etc/" + FACTORY_PID + "-" + name + ".cfg"), notText);
        }
        List<String> stages = stages(config.get(PIPELINE));
        String path = path(config.get(PATH));
        Set<String> listeners = listeners(config.get(LISTENERS));
        long updateWait = updateWait(config.get(UPDATE_WAIT));
        int updateWaitRequests = updateWaitRequests(config.get(UPDATE_WAIT_REQUESTS));
        Map<String, Map<String, String>> settings = new LinkedHashMap<>();
        for (String stage : stages) {
            settings.put(stage, new LinkedHashMap<>());
        }
        for (Map.Entry<String, ?> entry : new java.util.TreeMap<>(config).entrySet()) {
            String key = entry.getKey();
            if (key.equals(PIPELINE) || key.equals(PATH) || key.equals(LISTENERS) || key.equals(UPDATE_WAIT)
                    || key.equals(UPDATE_WAIT_REQUESTS) || frameworkKey(key)) {
                continue;
            }
            int dot = key.indexOf('.');
            if (dot <= 0 || dot == key.length() - 1) {
                throw new InvalidSettingException(key, "unknown key; a pipeline has pipeline, path, listeners, "
                        + "update_wait, update_wait_requests and STAGE.KEY settings for its stages");
            }
            String stage = key.substring(0, dot);
            Map<String, String> stageSettings = settings.get(stage);
            if (stageSettings == null) {
                throw new InvalidSettingException(key, "no stage '" + stage + "' in this pipeline ("
                        + String.join(" ", stages) + ")");
            }
            stageSettings.put(key.substring(dot + 1), String.valueOf(entry.getValue()).trim());
        }
        return new PipelineSettings(name, stages, path, listeners, updateWait, updateWaitRequests, settings);
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof PipelineSettings)) {
            return false;
        }
        PipelineSettings that = (PipelineSettings) other;
        return name.equals(that.name) && stages.equals(that.stages) && path.equals(that.path)
                && listeners.equals(that.listeners) && updateWaitMillis == that.updateWaitMillis
                && updateWaitRequests == that.updateWaitRequests && settings.equals(that.settings);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(name, stages, path, listeners, updateWaitMillis, updateWaitRequests, settings);
    }

    @Override
    public String toString() {
        return name + " " + path + " " + stages;
    }

    /** A key ConfigAdmin, FileInstall or DS added, not the operator: Berth's one rule. */
    static boolean frameworkKey(String key) {
        return ConfigurationText.frameworkKey(key);
    }

    /** The pipeline's name: NAME in {@code etc/berth.pipeline-NAME.cfg} (PID {@code berth.pipeline~NAME}). */
    static String nameOf(Map<String, ?> config) {
        Object pid = config.get("service.pid");
        String value = pid == null ? "" : pid.toString();
        int tilde = value.indexOf('~');
        return tilde >= 0 ? value.substring(tilde + 1) : value.isEmpty() ? "unnamed" : value;
    }

    String app() {
        return stages.get(stages.size() - 1);
    }

    List<String> middleware() {
        return stages.subList(0, stages.size() - 1);
    }

    /** Whether this pipeline and {@code other} could both serve a request on one listener. */
    boolean sharesAListenerWith(PipelineSettings other) {
        if (listeners.isEmpty() || other.listeners.isEmpty()) {
            return true;
        }
        return listeners.stream().anyMatch(other.listeners::contains);
    }

    /**
     * Checks the pipeline against the stage kinds bundles provide now.
     *
     * @param installed the kind a stage name stands for, or {@code null} when no bundle provides it
     * @return the stages no bundle provides yet, in pipeline order: empty when the pipeline can go live
     * @throws InvalidSettingException when an app is not last or the last stage is middleware
     */
    List<String> missing(Function<String, Kind> installed) throws InvalidSettingException {
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            String stage = stages.get(i);
            Kind kind = installed.apply(stage);
            boolean last = i == stages.size() - 1;
            if (kind == null) {
                missing.add(stage);
            } else if (kind == Kind.APP && !last) {
                throw new InvalidSettingException(PIPELINE, "'" + stage + "' is an app: only the last stage may be one");
            } else if (kind == Kind.MIDDLEWARE && last) {
                throw new InvalidSettingException(PIPELINE, "the last stage '" + stage
                        + "' is middleware: a pipeline ends with an app");
            }
        }
        return missing;
    }

    /**
     * Whether this pipeline can be served beside {@code other}, which serves already.
     *
     * @return the reason it cannot, for the {@code path} key, or {@code null}
     */
    String clashWith(PipelineSettings other) {
        if (!path.equals(other.path)) {
            return null;
        }
        if (sharesAListenerWith(other)) {
            return "'" + path + "' is served by pipeline '" + other.name + "' on the same listener already";
        }
        // One whiteboard serves every listener: it resolves a path to one servlet context, so the
        // other pipeline's context would answer 404 for this one's listeners.
        return "'" + path + "' is served by pipeline '" + other.name + "' (listeners " + String.join(" ", other.listeners)
                + ") already; all listeners share one servlet whiteboard, so pipelines on different listeners need different paths";
    }

    /**
     * Whether a request that arrived through {@code listener} is this pipeline's. A request that
     * came through no Berth listener (null: Felix's own connector, which cannot be switched off)
     * is no pipeline's: nothing Berth serves is reachable past its listeners' limits.
     */
    boolean servedOn(String listener) {
        return listener != null && (listeners.isEmpty() || listeners.contains(listener));
    }

    private static List<String> stages(Object value) throws InvalidSettingException {
        if (value == null || value.toString().isBlank()) {
            throw new InvalidSettingException(PIPELINE, "is required: stage names separated by spaces, the app last");
        }
        Set<String> stages = new LinkedHashSet<>();
        for (String stage : value.toString().trim().split("\\s+")) {
            if (!STAGE_NAME.matcher(stage).matches()) {
                throw new InvalidSettingException(PIPELINE, "'" + stage
                        + "' is not a stage name (lower case letters, digits, _ and -)");
            }
            if (!stages.add(stage)) {
                throw new InvalidSettingException(PIPELINE, "'" + stage + "' appears twice");
            }
        }
        return new ArrayList<>(stages);
    }

    private static String path(Object value) throws InvalidSettingException {
        if (value == null) {
            return DEFAULT_PATH;
        }
        String path = value.toString().trim();
        if (!path.startsWith("/")) {
            throw new InvalidSettingException(PATH, "'" + path + "' must start with /");
        }
        if (path.matches(".*[*?#;\\s].*") || path.contains("//") || path.matches(".*/\\.{1,2}(/.*)?")) {
            throw new InvalidSettingException(PATH, "'" + path + "' is not a plain path (no *, ?, #, ;, spaces, // or . segments)");
        }
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static long updateWait(Object value) throws InvalidSettingException {
        if (value == null || value.toString().isBlank()) {
            return (long) (DEFAULT_UPDATE_WAIT * 1000);
        }
        double seconds;
        try {
            seconds = Double.parseDouble(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(UPDATE_WAIT, "'" + value + "' is not a number of seconds");
        }
        if (!(seconds >= 0 && seconds <= MAX_UPDATE_WAIT)) {
            throw new InvalidSettingException(UPDATE_WAIT, "'" + value + "' is not between 0 and "
                    + (int) MAX_UPDATE_WAIT + " seconds");
        }
        return (long) (seconds * 1000);
    }

    private static int updateWaitRequests(Object value) throws InvalidSettingException {
        if (value == null || value.toString().isBlank()) {
            return DEFAULT_UPDATE_WAIT_REQUESTS;
        }
        int requests;
        try {
            requests = Integer.parseInt(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(UPDATE_WAIT_REQUESTS, "'" + value + "' is not a whole number of requests");
        }
        if (requests < 0 || requests > MAX_UPDATE_WAIT_REQUESTS) {
            throw new InvalidSettingException(UPDATE_WAIT_REQUESTS, "'" + value + "' is not between 0 and "
                    + MAX_UPDATE_WAIT_REQUESTS);
        }
        return requests;
    }

    private static Set<String> listeners(Object value) throws InvalidSettingException {
        Set<String> listeners = new LinkedHashSet<>();
        if (value == null || value.toString().isBlank()) {
            return listeners;
        }
        for (String listener : value.toString().trim().split("[\\s,]+")) {
            if (!LISTENER_NAME.matcher(listener).matches()) {
                throw new InvalidSettingException(LISTENERS, "'" + listener + "' is not a listener name");
            }
            listeners.add(listener);
        }
        return listeners;
    }
}
