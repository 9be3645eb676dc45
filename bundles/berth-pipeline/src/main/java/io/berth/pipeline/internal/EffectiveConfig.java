package io.berth.pipeline.internal;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.berth.api.EffectiveConfiguration;

/**
 * The effective configuration of Berth's listeners and pipelines as one block of log lines,
 * like oslo.config's {@code log_opt_values}: one {@code NAME.KEY = value} line per setting,
 * secrets masked.
 */
final class EffectiveConfig {

    static final String RULE = "*".repeat(80);

    private EffectiveConfig() {
    }

    /**
     * @param configurations per configuration (named {@code berth.listener-main}, ...), its properties
     * @param sources where they were read from (files), in the order read
     */
    static List<String> lines(Map<String, Dictionary<String, Object>> configurations, List<String> sources) {
        List<String> lines = new ArrayList<>();
        lines.add(RULE);
        lines.add("Berth configuration, effective now (secrets masked)");
        lines.add("Configuration gathered from:");
        sources.forEach(source -> lines.add("  " + source));
        for (Map.Entry<String, Dictionary<String, Object>> configuration : new TreeMap<>(configurations).entrySet()) {
            Map<String, Object> sorted = new TreeMap<>();
            Dictionary<String, Object> properties = configuration.getValue();
            for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements();) {
                String key = keys.nextElement();
                if (!PipelineSettings.frameworkKey(key)) {
                    sorted.put(key, properties.get(key));
                }
            }
            sorted.forEach((key, value) -> lines.add(configuration.getKey() + "." + key + " = "
                    + (EffectiveConfiguration.secret(key) ? EffectiveConfiguration.MASK : String.valueOf(value))));
        }
        lines.add(RULE);
        return lines;
    }


    /** {@code berth.listener~main} is shown as {@code berth.listener-main}, the name of its file. */
    static String displayName(String pid) {
        return pid.replace('~', '-');
    }
}
