package io.berth.metrics.internal;

import static io.berth.metrics.internal.ListenerCollector.count;
import static io.berth.metrics.internal.ListenerCollector.counter;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import io.berth.api.Pipeline;

/**
 * The requests each stage answered itself (its refusals, a health check, a CORS preflight), by
 * pipeline, stage and status code, read from the {@link Pipeline} services when Prometheus scrapes.
 */
final class StageAnswerCollector implements MultiCollector {

    private final Supplier<List<Pipeline>> pipelines;
    private final LabelsCache labelsCache;

    StageAnswerCollector(Supplier<List<Pipeline>> pipelines) {
        this(pipelines, new LabelsCache());
    }

    StageAnswerCollector(Supplier<List<Pipeline>> pipelines, LabelsCache labelsCache) {
        this.pipelines = pipelines;
        this.labelsCache = labelsCache;
    }

    @Override
    public MetricSnapshots collect() {
        CounterSnapshot.Builder answers = counter("berth_stage_answers",
                "Requests a stage answered itself instead of passing them on (a refusal, a health check, "
                        + "a CORS preflight), by status code");
        // As in PipelineCollector: of two services of one name, the first counts.
        Set<String> seen = new HashSet<>();
        for (Pipeline pipeline : pipelines.get()) {
            if (!seen.add(pipeline.name())) {
                continue;
            }
            for (Pipeline.StageAnswer each : pipeline.stageAnswers()) {
                answers.dataPoint(count(labelsCache.of("pipeline", pipeline.name(), "stage", each.stage(),
                        "code", Integer.toString(each.status())), each.count()));
            }
        }
        labelsCache.scraped();
        return MetricSnapshots.of(answers.build());
    }
}
