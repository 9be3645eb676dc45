package io.berth.metrics.internal;

import static io.berth.metrics.internal.ListenerCollector.count;
import static io.berth.metrics.internal.ListenerCollector.counter;
import static io.berth.metrics.internal.ListenerCollector.gauge;
import static io.berth.metrics.internal.ListenerCollector.level;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import io.berth.api.Pipeline;
import io.berth.api.StageMeasures;

/**
 * The numbers stages keep of their own ({@link StageMeasures}: ratelimit's buckets, tempauth's
 * tokens) as {@code berth_STAGE_NAME} with the label {@code pipeline}, read from the
 * {@link Pipeline} services when Prometheus scrapes. Names come from stage bundles, so they are
 * checked here: one that is not a valid metric name, a counter named {@code _total} or below 0, a stage whose
 * name would land among Berth's own metrics ({@code listener}, {@code pipeline}, {@code stage},
 * {@code access}), or a number whose kind differs from the one shown first under that name, is
 * left out rather than break the whole scrape.
 */
final class StageMeasureCollector implements MultiCollector {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Set<String> RESERVED = Set.of("listener", "pipeline", "stage", "access");

    private final Supplier<List<Pipeline>> pipelines;
    private final LabelsCache labelsCache;

    StageMeasureCollector(Supplier<List<Pipeline>> pipelines) {
        this(pipelines, new LabelsCache());
    }

    StageMeasureCollector(Supplier<List<Pipeline>> pipelines, LabelsCache labelsCache) {
        this.pipelines = pipelines;
        this.labelsCache = labelsCache;
    }

    @Override
    public MetricSnapshots collect() {
        Map<String, Family> families = new LinkedHashMap<>();
        Set<String> refused = new HashSet<>();
        Set<String> seen = new HashSet<>();
        for (Pipeline pipeline : pipelines.get()) {
            if (!seen.add(pipeline.name())) {
                continue; // as in PipelineCollector: of two services of one name, the first counts
            }
            Labels labels = labelsCache.of("pipeline", pipeline.name());
            pipeline.stageMeasures().forEach((stage, measures) -> {
                String prefix = familyPrefix(stage);
                if (prefix == null) {
                    return;
                }
                for (StageMeasures.Measure measure : measures) {
                    if (!valid(measure)) {
                        continue;
                    }
                    String name = prefix + measure.name();
                    Family family = families.get(name);
                    if (family == null && !refused.contains(name)) {
                        try {
                            family = new Family(name, measure);
                            families.put(name, family);
                        } catch (IllegalArgumentException e) {
                            refused.add(name); // a name the library refuses (a reserved suffix, say)
                        }
                    }
                    if (family != null) {
                        family.add(labels, measure);
                    }
                }
            });
        }
        labelsCache.scraped();
        List<MetricSnapshot> snapshots = new ArrayList<>();
        for (Family family : families.values()) {
            snapshots.add(family.build());
        }
        return new MetricSnapshots(snapshots);
    }

    /** {@code berth_ratelimit_} for ratelimit; {@code null} for a stage whose numbers cannot be shown. */
    static String familyPrefix(String stage) {
        String normalised = stage.replace('-', '_');
        if (!NAME.matcher(normalised).matches() || RESERVED.contains(normalised.split("_", 2)[0])) {
            return null;
        }
        return "berth_" + normalised + "_";
    }

    private static boolean valid(StageMeasures.Measure measure) {
        return measure.name() != null && measure.kind() != null && NAME.matcher(measure.name()).matches()
                && !(measure.kind() == StageMeasures.Kind.COUNTER
                        && (measure.name().endsWith("_total") || !(measure.value() >= 0)));
    }

    /** One metric, its kind and help set by the first number shown under its name. */
    private static final class Family {

        private final StageMeasures.Kind kind;
        private final Set<Labels> shown = new HashSet<>();
        private final CounterSnapshot.Builder counter;
        private final GaugeSnapshot.Builder gauge;

        Family(String name, StageMeasures.Measure first) {
            kind = first.kind();
            String help = first.help() == null ? "" : first.help();
            counter = kind == StageMeasures.Kind.COUNTER ? counter(name, help) : null;
            gauge = kind == StageMeasures.Kind.GAUGE ? gauge(name, help) : null;
        }

        void add(Labels labels, StageMeasures.Measure measure) {
            if (measure.kind() != kind || !shown.add(labels)) {
                return;
            }
            if (counter != null) {
                counter.dataPoint(count(labels, measure.value()));
            } else {
                gauge.dataPoint(level(labels, measure.value()));
            }
        }

        MetricSnapshot build() {
            return counter != null ? counter.build() : gauge.build();
        }
    }
}
