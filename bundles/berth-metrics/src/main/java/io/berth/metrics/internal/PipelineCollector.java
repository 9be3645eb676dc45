package io.berth.metrics.internal;

import static io.berth.metrics.internal.ListenerCollector.count;
import static io.berth.metrics.internal.ListenerCollector.counter;
import static io.berth.metrics.internal.ListenerCollector.gauge;
import static io.berth.metrics.internal.ListenerCollector.level;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.function.Supplier;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusScrapeRequest;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.NativeHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Unit;

import io.berth.api.Pipeline;

/**
 * Berth's pipelines and their stages as Prometheus metrics, label {@code pipeline} (and
 * {@code stage}), read from the {@link Pipeline} services when Prometheus scrapes.
 */
final class PipelineCollector implements MultiCollector {

    private final Supplier<List<Pipeline>> pipelines;
    private final LabelsCache labelsCache;

    PipelineCollector(Supplier<List<Pipeline>> pipelines) {
        this(pipelines, new LabelsCache());
    }

    PipelineCollector(Supplier<List<Pipeline>> pipelines, LabelsCache labelsCache) {
        this.pipelines = pipelines;
        this.labelsCache = labelsCache;
    }

    /** The states in the order of their names, as the library orders label values. */
    private static final Pipeline.State[] STATES_BY_NAME = Arrays.stream(Pipeline.State.values())
            .sorted(Comparator.comparing(Pipeline.State::name)).toArray(Pipeline.State[]::new);

    @Override
    public MetricSnapshots collect() {
        return collect(true);
    }

    @Override
    public MetricSnapshots collect(PrometheusScrapeRequest request) {
        return collect(ScrapeRequest.wantsNativeHistograms(request));
    }

    private MetricSnapshots collect(boolean nativeHistograms) {
        // The library sorts each family's points by their labels, values in the order of the label
        // names; a list already in that order costs it one comparison a point instead of a sort of
        // thousands. So: pipelines by name (a stable sort: of two of one name the first still
        // counts), states and stages by name, and the requests by method first.
        List<Pipeline> now = new ArrayList<>(pipelines.get());
        now.sort(Comparator.comparing(Pipeline::name));
        Map<String, List<CounterSnapshot.CounterDataPointSnapshot>> requestsByMethod = new TreeMap<>();
        CounterSnapshot.Builder requests = counter("berth_pipeline_requests",
                "Requests the pipeline answered, by method and status class");
        HistogramSnapshot.Builder duration = HistogramSnapshot.builder().name("berth_pipeline_request_duration_seconds")
                .help("Time from the pipeline's first stage to the end of its answer").unit(Unit.SECONDS);
        GaugeSnapshot.Builder state = gauge("berth_pipeline_state",
                "1 for the state the pipeline is in (LIVE, WAITING, FAILED), 0 for the others");
        CounterSnapshot.Builder swaps = counter("berth_pipeline_generation_swaps",
                "Times a new arrangement of stages took over the pipeline's path, the first included");
        CounterSnapshot.Builder waited = counter("berth_pipeline_update_waits",
                "Requests that waited while a stage of the pipeline was updated (update_wait)");
        CounterSnapshot.Builder stageRequests = counter("berth_stage_requests",
                "Requests that entered a stage of a pipeline's live arrangement");
        CounterSnapshot.Builder stageSeconds = CounterSnapshot.builder().name("berth_stage_seconds")
                .help("Time a stage spent on its requests, its own part only (not the stages after it)")
                .unit(Unit.SECONDS);
        // Two services of one name (a pipeline being recreated) would make the scrape fail on a
        // duplicate series: the first one counts.
        Set<String> seen = new HashSet<>();
        for (Pipeline pipeline : now) {
            if (!seen.add(pipeline.name())) {
                continue;
            }
            String name = pipeline.name();
            Labels labels = labelsCache.of("pipeline", name);
            for (Pipeline.RequestCount each : pipeline.requestCounts()) {
                requestsByMethod.computeIfAbsent(each.method(), method -> new ArrayList<>()).add(count(labelsCache.of(
                        "pipeline", name, "method", each.method(), "status_class", each.statusClass()), each.count()));
            }
            Pipeline.Latency latency = pipeline.latency();
            if (latency != null) {
                duration.dataPoint(histogram(labels, latency, nativeHistograms));
            }
            Pipeline.State current = pipeline.state();
            for (Pipeline.State each : STATES_BY_NAME) {
                state.dataPoint(level(labelsCache.of("pipeline", name, "state", each.name()), each == current ? 1 : 0));
            }
            swaps.dataPoint(count(labels, pipeline.generationSwaps()));
            waited.dataPoint(count(labels, pipeline.requestsWaitedForUpdate()));
            List<Pipeline.StageTime> times = new ArrayList<>(pipeline.stageTimes());
            times.sort(Comparator.comparing(Pipeline.StageTime::stage));
            for (Pipeline.StageTime time : times) {
                Labels stage = labelsCache.of("pipeline", name, "stage", time.stage());
                stageRequests.dataPoint(count(stage, time.requests()));
                stageSeconds.dataPoint(count(stage, time.nanos() / 1e9));
            }
        }
        requestsByMethod.values().forEach(points -> points.forEach(requests::dataPoint));
        labelsCache.scraped();
        return MetricSnapshots.of(requests.build(), duration.build(), state.build(), swaps.build(), waited.build(),
                stageRequests.build(), stageSeconds.build());
    }

    /**
     * Berth's fixed buckets as a classic histogram (the bounds with +Inf appended, counts per
     * bucket), and its exponential buckets, where the pipeline has them, as a native histogram of
     * the same requests: the text formats show the classic one, the protobuf format (what
     * Prometheus asks for with native histograms on) both.
     *
     * @param nativeHistograms false when the scrape's format shows no native histogram: the
     *     exponential buckets are left out
     */
    static HistogramDataPointSnapshot histogram(Labels labels, Pipeline.Latency latency, boolean nativeHistograms) {
        double[] bounds = latency.upperBoundsSeconds();
        double[] withInf = new double[bounds.length + 1];
        System.arraycopy(bounds, 0, withInf, 0, bounds.length);
        withInf[bounds.length] = Double.POSITIVE_INFINITY;
        HistogramDataPointSnapshot.Builder point = HistogramDataPointSnapshot.builder().labels(labels)
                .classicHistogramBuckets(ClassicHistogramBuckets.of(withInf, latency.counts()))
                .sum(latency.sumSeconds());
        Pipeline.ExponentialBuckets exponential = nativeHistograms ? latency.exponential() : null;
        // The library refuses a histogram whose classic and native counts differ: Berth's come
        // from one reading, another implementation's might not.
        if (exponential != null && exponential.count() == latency.count()) {
            // Zero threshold 0: only requests of no measurable time (0 ns) are in the zero bucket.
            point.nativeSchema(exponential.schema()).nativeZeroThreshold(0).nativeZeroCount(exponential.zeroCount())
                    .nativeBucketsForPositiveValues(NativeHistogramBuckets.of(exponential.indexes(), exponential.counts()));
        }
        return point.build();
    }
}
