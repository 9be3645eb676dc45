package io.berth.pipeline.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.Pipeline;
import io.berth.api.StageMeasures;

/**
 * The pipeline as the shell, JMX and the metrics scrape see it: its state and why, what it runs,
 * and what it has served. Read from any thread, without the pipeline's lock: the state and its
 * reason are one volatile value, the counts are the lock-free {@link PipelineStats}.
 */
final class PipelineStatus implements Pipeline {

    /** Logs as the pipeline, as it did before this was a class of its own. */
    private static final Logger LOG = LoggerFactory.getLogger(PipelineComponent.class);

    /** What the status reads from its pipeline when asked. */
    interface Source {
        /** @return the settings the pipeline serves with, or null while it has none */
        PipelineSettings settings();

        /** @return "no listener NAME, ..." while none of the listeners it names is there, else null */
        String servedNowhere();

        /** @return the live generation's stages with numbers of their own, in order */
        Map<String, StageMeasures> measured();
    }

    private record Condition(State state, String reason) {
    }

    private final String name;
    private final Source source;
    private final PipelineStats stats;
    private volatile Condition condition = new Condition(State.WAITING, "starting");

    PipelineStatus(String name, Source source, PipelineStats stats) {
        this.name = name;
        this.source = source;
        this.stats = stats;
    }

    /** @param reason why it is not LIVE; null when it is */
    void set(State state, String reason) {
        condition = new Condition(state, reason);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String path() {
        PipelineSettings now = source.settings();
        return now == null ? null : now.path;
    }

    @Override
    public List<String> listeners() {
        PipelineSettings now = source.settings();
        return now == null ? List.of() : List.copyOf(now.listeners);
    }

    @Override
    public List<String> stages() {
        PipelineSettings now = source.settings();
        return now == null ? List.of() : now.stages;
    }

    /** LIVE, but served nowhere while none of its listeners is there: WAITING. */
    @Override
    public State state() {
        State now = condition.state();
        return now == State.LIVE && source.servedNowhere() != null ? State.WAITING : now;
    }

    @Override
    public String reason() {
        Condition now = condition;
        String nowhere = now.state() == State.LIVE ? source.servedNowhere() : null;
        return nowhere != null ? nowhere : now.reason();
    }

    @Override
    public long requests() {
        return stats.requests.sum();
    }

    @Override
    public long errors() {
        return stats.errors.sum();
    }

    @Override
    public double latencyMillis(double quantile) {
        return stats.latency.windowQuantileMillis(quantile);
    }

    @Override
    public int latencyWindowSeconds() {
        return LatencyRecorder.WINDOW_SECONDS;
    }

    @Override
    public List<StageTime> stageTimes() {
        return stats.stageTimes(stages());
    }

    @Override
    public List<StageAnswer> stageAnswers() {
        return stats.stageAnswers(stages());
    }

    @Override
    public Map<String, List<StageMeasures.Measure>> stageMeasures() {
        Map<String, List<StageMeasures.Measure>> measures = new LinkedHashMap<>();
        source.measured().forEach((stage, filter) -> {
            try {
                measures.put(stage, List.copyOf(filter.measures()));
            } catch (RuntimeException e) {
                // A stage's bug costs its own numbers, not the scrape.
                LOG.warn("Berth pipeline {}: stage {} could not give its numbers: {}", name, stage, e.toString());
            }
        });
        return measures;
    }

    @Override
    public List<RequestCount> requestCounts() {
        return stats.requestCounts();
    }

    @Override
    public Latency latency() {
        return stats.latencyBuckets();
    }

    @Override
    public long generationSwaps() {
        return stats.swaps.get();
    }

    @Override
    public long requestsWaitedForUpdate() {
        return stats.waited.sum();
    }
}
