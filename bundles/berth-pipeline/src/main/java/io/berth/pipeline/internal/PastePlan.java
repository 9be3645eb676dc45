package io.berth.pipeline.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.berth.pipeline.internal.PasteIni.Option;
import io.berth.pipeline.internal.PasteIni.PasteException;
import io.berth.pipeline.internal.PasteIni.Section;

/**
 * What a paste ini means for Berth: the pipelines ({@code berth.pipeline} configurations) that
 * paste.deploy would load as the app {@code main}. {@code [composite:main]} with
 * {@code use = egg:Paste#urlmap} (or {@code berth#urlmap}) mounts pipelines and apps at paths,
 * nested composites joining their paths; {@code [pipeline:X]} lists {@code [filter:Y]} sections
 * and ends with an {@code [app:Z]}; each filter or app says {@code use = berth#TYPE} (or
 * {@code egg:swift#TYPE} for the types Berth has of Swift's: {@code egg:swift#memcache} is the
 * {@code cache} stage). Section options become the
 * stage's settings; {@code set key = value} overrides a [DEFAULT] value, {@code get key = name}
 * takes one, as in paste.deploy.
 */
final class PastePlan {

    /** Swift's middleware Berth provides: Swift's entry point name to Berth's stage type. */
    static final Map<String, String> SWIFT_TYPES = Map.of("catch_errors", "catch_errors", "gatekeeper", "gatekeeper",
            "healthcheck", "healthcheck", "memcache", "cache", "proxy_logging", "proxy_logging", "ratelimit",
            "ratelimit", "read_only", "read_only", "tempauth", "tempauth");

    static final String PREFIX = "paste-";

    private static final Pattern TYPE = Pattern.compile("[a-z0-9][a-z0-9_-]*");

    /** One pipeline to create: its configuration name and properties. */
    record Pipeline(String name, Map<String, String> properties) {

        String path() {
            return properties.get(PipelineSettings.PATH);
        }

        String stages() {
            return properties.get(PipelineSettings.PIPELINE);
        }
    }

    private final PasteIni ini;
    private final Map<String, Pipeline> pipelines = new LinkedHashMap<>();

    private PastePlan(PasteIni ini) {
        this.ini = ini;
    }

    /** The section that may name the app to load: {@code [berth]} with {@code app = NAME}; paste.deploy ignores it. */
    static final String BERTH_SECTION = "berth";
    static final String MAIN = "main";
    private static final Pattern APP = Pattern.compile("[A-Za-z0-9_.-]+");

    /**
     * The app the files name ({@code [berth] app}), else {@code main}.
     *
     * @return the pipelines, in the order paste would mount them
     * @throws PasteException naming file, section and line of the first problem
     */
    static List<Pipeline> of(PasteIni ini) throws PasteException {
        return of(ini, null);
    }

    /**
     * @param app the app to load, as paste.deploy's {@code loadapp(..., name=APP)} and oslo's
     *     {@code load_paste_app(APP)} take it (Neutron's is {@code neutron}); {@code null}: the one
     *     the files name in {@code [berth] app}, else {@code main}
     * @return the pipelines, in the order paste would mount them
     * @throws PasteException naming file, section and line of the first problem
     */
    static List<Pipeline> of(PasteIni ini, String app) throws PasteException {
        PastePlan plan = new PastePlan(ini);
        String name = app;
        String from = "berth:import-paste --app";
        if (name == null) {
            Section berth = ini.section(BERTH_SECTION);
            Option option = berth == null ? null : berth.options.get("app");
            name = option == null ? MAIN : ini.interpolate(berth, option).strip();
            from = option == null ? null : berth.where(option);
        }
        if (!APP.matcher(name).matches()) {
            throw new PasteException((from == null ? sources(ini) : from) + ": app: '" + name
                    + "' is not an app name (letters, digits, '_', '.', '-')");
        }
        String entry = null;
        for (String candidate : List.of("composite:" + name, "pipeline:" + name, "app:" + name)) {
            if (ini.section(candidate) != null) {
                if (entry != null) {
                    throw new PasteException(ini.section(candidate).where() + ": [" + entry
                            + "] names the app '" + name + "' already");
                }
                entry = candidate;
            }
        }
        if (entry == null) {
            throw new PasteException(sources(ini) + ": no [composite:" + name + "], [pipeline:" + name + "] or [app:"
                    + name + "]: nothing to serve" + (name.equals(MAIN) ? others(ini) : " (the app to load is '" + name
                    + "', from " + (from == null ? "[berth] app" : from) + ")"));
        }
        plan.mount(entry, "/", new ArrayList<>(), null);
        return new ArrayList<>(plan.pipelines.values());
    }

    /** For a file without {@code main}: the composites it has, which one of may be the app to load. */
    private static String others(PasteIni ini) {
        List<String> composites = new ArrayList<>();
        for (String section : ini.sections.keySet()) {
            if (section.startsWith("composite:")) {
                composites.add(section.substring("composite:".length()));
            }
        }
        return composites.isEmpty() ? "" : "; its composites are " + String.join(", ", composites)
                + ": name the app to load with berth:import-paste --app NAME or a section [berth] with app = NAME";
    }

    private static String sources(PasteIni ini) {
        Set<String> files = new LinkedHashSet<>();
        ini.sections.values().forEach(section -> files.add(section.file.toString()));
        return files.isEmpty() ? "the paste ini files" : String.join(", ", files);
    }

    /** Mounts section {@code name} at {@code path}; {@code via} is the chain of composites leading here. */
    private void mount(String name, String path, List<String> via, String from) throws PasteException {
        Section section = ini.section(name);
        if (section == null) {
            throw new PasteException(from + ": no section [" + name + "]");
        }
        if (via.contains(name)) {
            throw new PasteException(section.where() + ": cycle: " + String.join(" -> ", via) + " -> " + name);
        }
        if (name.startsWith("composite:")) {
            composite(section, path, via);
        } else if (name.startsWith("pipeline:")) {
            pipeline(section, path);
        } else {
            add(section, path, List.of(), section);
        }
    }

    private void composite(Section section, String path, List<String> via) throws PasteException {
        Option use = section.options.get("use");
        if (use == null) {
            throw new PasteException(section.where() + ": a composite needs 'use = egg:Paste#urlmap' (or berth#urlmap)");
        }
        String scheme = ini.interpolate(section, use).toLowerCase(Locale.ROOT);
        if (!scheme.equals("egg:paste#urlmap") && !scheme.equals("berth#urlmap") && !scheme.equals("egg:berth#urlmap")) {
            throw new PasteException(section.where(use) + ": unknown use '" + use.value()
                    + "': Berth's composites are egg:Paste#urlmap and berth#urlmap");
        }
        List<String> chain = new ArrayList<>(via);
        chain.add(section.name);
        for (Option option : section.options.values()) {
            if (option.key().equals("use")) {
                continue;
            }
            String mapped = option.key();
            if (!mapped.startsWith("/")) {
                throw new PasteException(section.where(option) + ": '" + mapped
                        + "' is not a path: urlmap entries are '/path = name' (host names are not supported)");
            }
            String target = ini.interpolate(section, option);
            String resolved = resolve(target, section, option);
            mount(resolved, join(path, mapped), chain, section.where(option));
        }
    }

    /** The section a urlmap entry or pipeline's last word names: a pipeline, an app or a composite. */
    private String resolve(String target, Section section, Option option) throws PasteException {
        for (String kind : List.of("pipeline:", "app:", "composite:")) {
            if (ini.section(kind + target) != null) {
                return kind + target;
            }
        }
        throw new PasteException(section.where(option) + ": no [pipeline:" + target + "], [app:" + target
                + "] or [composite:" + target + "]");
    }

    private void pipeline(Section section, String path) throws PasteException {
        Option list = section.options.get("pipeline");
        if (list == null || list.value().isBlank()) {
            throw new PasteException(section.where() + ": a pipeline needs 'pipeline = filter ... app'");
        }
        String[] names = ini.interpolate(section, list).trim().split("\\s+");
        List<Section> filters = new ArrayList<>();
        for (int i = 0; i < names.length - 1; i++) {
            Section filter = ini.section("filter:" + names[i]);
            if (filter == null) {
                throw new PasteException(section.where(list) + ": no [filter:" + names[i] + "]"
                        + (ini.section("app:" + names[i]) != null ? " ('" + names[i] + "' is an app: only the last entry may be one)" : ""));
            }
            filters.add(filter);
        }
        String last = names[names.length - 1];
        Section app = ini.section("app:" + last);
        if (app == null) {
            throw new PasteException(section.where(list) + ": the pipeline has no app: its last entry '" + last
                    + "' must name an [app:" + last + "]");
        }
        add(app, path, filters, section);
    }

    private void add(Section app, String path, List<Section> filters, Section owner) throws PasteException {
        Map<String, String> properties = new LinkedHashMap<>();
        List<String> types = new ArrayList<>();
        Map<String, String> sectionOfType = new LinkedHashMap<>();
        List<Section> stages = new ArrayList<>(filters);
        stages.add(app);
        for (Section stage : stages) {
            String type = type(stage);
            String earlier = sectionOfType.put(type, stage.name);
            if (earlier != null) {
                throw new PasteException(owner.where() + ": [" + earlier + "] and [" + stage.name + "] are both of type "
                        + type + "; a Berth pipeline runs each stage type once");
            }
            types.add(type);
            for (Map.Entry<String, String> setting : settings(stage).entrySet()) {
                properties.put(type + "." + setting.getKey(), setting.getValue());
            }
        }
        properties.put(PipelineSettings.PIPELINE, String.join(" ", types));
        properties.put(PipelineSettings.PATH, path);
        String base = PREFIX + owner.name.substring(owner.name.indexOf(':') + 1).strip();
        String name = base;
        for (int n = 2; pipelines.containsKey(name); n++) {
            name = base + "-" + n;
        }
        pipelines.put(name, new Pipeline(name, properties));
    }

    private String type(Section stage) throws PasteException {
        Option use = stage.options.get("use");
        if (use == null) {
            throw new PasteException(stage.where() + ": 'use = berth#TYPE' is required"
                    + (stage.options.containsKey("paste.filter_factory") || stage.options.containsKey("paste.app_factory")
                            ? " (Berth cannot load Python factories)" : ""));
        }
        String value = ini.interpolate(stage, use);
        int hash = value.indexOf('#');
        String scheme = hash < 0 ? value : value.substring(0, hash).toLowerCase(Locale.ROOT);
        String type = hash < 0 ? "" : value.substring(hash + 1).strip();
        boolean berth = scheme.equals("berth") || scheme.equals("egg:berth");
        boolean swift = scheme.equals("egg:swift");
        if (!berth && !swift || !TYPE.matcher(type).matches()) {
            throw new PasteException(stage.where(use) + ": unknown use '" + value
                    + "': Berth takes berth#TYPE, or egg:swift#TYPE for " + swiftTypes());
        }
        if (swift && !SWIFT_TYPES.containsKey(type)) {
            throw new PasteException(stage.where(use) + ": unknown use '" + value + "': Berth has no stage named " + type
                    + " (of Swift's, it has " + swiftTypes() + ")");
        }
        return swift ? SWIFT_TYPES.get(type) : type;
    }

    private static String swiftTypes() {
        return String.join(", ", new java.util.TreeSet<>(SWIFT_TYPES.keySet()));
    }

    /** A filter's or app's settings: its own options, {@code set} overrides and {@code get} references. */
    private Map<String, String> settings(Section stage) throws PasteException {
        Section defaults = ini.section(PasteIni.DEFAULT);
        Map<String, String> settings = new LinkedHashMap<>();
        for (Option option : stage.options.values()) {
            String key = option.key();
            if (key.equals("use")) {
                continue;
            }
            if (key.startsWith("set ")) {
                settings.put(key.substring(4).strip(), ini.interpolate(stage, option));
            } else if (key.startsWith("get ")) {
                String name = option.value();
                Option global = defaults == null ? null : defaults.options.get(name);
                if (global == null) {
                    throw new PasteException(stage.where(option) + ": " + key + ": '" + name + "' is not set in [DEFAULT]");
                }
                settings.put(key.substring(4).strip(), ini.interpolate(defaults, global));
            } else if (defaults != null && defaults.options.containsKey(key)) {
                // paste.deploy would silently use [DEFAULT]'s value here: say so instead.
                throw new PasteException(stage.where(option) + ": " + key + " is also set in [DEFAULT], which paste.deploy "
                        + "lets win; write 'set " + key + " = " + option.value() + "' to override it here");
            } else {
                settings.put(key, ini.interpolate(stage, option));
            }
        }
        return settings;
    }

    private static String join(String base, String path) {
        String joined = base.endsWith("/") ? base + path.substring(1) : base + path;
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }
}
