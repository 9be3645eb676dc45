package io.berth.pipeline.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Berth listeners there are ({@link io.berth.api.Listener} services, whatever their state),
 * checked against those a pipeline names: a listener that is missing is named once in the log,
 * and again only after it has come and gone; while none of them is there, the pipeline is
 * served nowhere.
 */
final class ListenerPresence {

    /** Logs as the pipeline, as it did before this was a class of its own. */
    private static final Logger LOG = LoggerFactory.getLogger(PipelineComponent.class);

    /** Guarded by this: the pipeline the log named listeners missing for (known once it has settings). */
    private String pipeline;
    /** Guarded by this: how many listener services there are by name. */
    private final Map<String, Integer> there = new HashMap<>();
    /** Guarded by this: listeners the pipeline names that the log said were missing. */
    private final Set<String> missed = new HashSet<>();

    synchronized void added(String listener) {
        there.merge(listener, 1, Integer::sum);
        if (missed.remove(listener)) {
            LOG.info("Berth pipeline {}: listener {} is there now, and serves it", pipeline, listener);
        }
    }

    synchronized void removed(String listener) {
        there.computeIfPresent(listener, (key, count) -> count == 1 ? null : count - 1);
    }

    /**
     * @param settings what the pipeline serves now; null: nothing
     * @return the listeners the settings name that are not there, in the order named
     */
    synchronized List<String> missing(PipelineSettings settings) {
        List<String> missing = new ArrayList<>();
        if (settings != null) {
            for (String listener : settings.listeners) {
                if (!there.containsKey(listener)) {
                    missing.add(listener);
                }
            }
        }
        return missing;
    }

    /**
     * Says, once per listener, that a listener the pipeline names has not appeared.
     *
     * @param settings what the pipeline serves now; null: nothing
     */
    synchronized void check(PipelineSettings settings) {
        List<String> missing = missing(settings);
        missed.retainAll(missing);
        missing.removeAll(missed);
        if (missing.isEmpty()) {
            return;
        }
        missed.addAll(missing);
        pipeline = settings.name;
        boolean nowhere = settings.listeners.stream().noneMatch(there::containsKey);
        LOG.warn("Berth pipeline {} names listener{} {}, but there {} ({}): {}", pipeline,
                missing.size() == 1 ? "" : "s", String.join(", ", missing),
                missing.size() == 1 ? "is no such listener" : "are no such listeners",
                missing.stream().map(each -> "etc/berth.listener-" + each + ".cfg").collect(Collectors.joining(", ")),
                nowhere ? "it is served nowhere" : "it is not served there");
    }

    /**
     * @param settings what the pipeline serves now; null: nothing
     * @return "no listener NAME, ..." while none of the listeners the settings name is there, else null
     */
    synchronized String servedNowhere(PipelineSettings settings) {
        List<String> missing = missing(settings);
        return missing.isEmpty() || missing.size() < settings.listeners.size() ? null
                : "no listener " + String.join(", ", missing);
    }
}
