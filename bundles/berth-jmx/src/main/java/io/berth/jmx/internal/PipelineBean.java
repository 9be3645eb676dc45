package io.berth.jmx.internal;

import java.util.List;

import io.berth.api.Pipeline;

/** Reads the pipeline service at each call. */
final class PipelineBean implements PipelineMXBean {

    private final Pipeline pipeline;

    PipelineBean(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public String getName() {
        return pipeline.name();
    }

    @Override
    public String getPath() {
        return pipeline.path();
    }

    @Override
    public List<String> getListeners() {
        return pipeline.listeners();
    }

    @Override
    public List<String> getStages() {
        return pipeline.stages();
    }

    @Override
    public String getState() {
        return pipeline.state().name();
    }

    @Override
    public String getReason() {
        return pipeline.reason();
    }

    @Override
    public long getRequests() {
        return pipeline.requests();
    }

    @Override
    public long getErrors() {
        return pipeline.errors();
    }

    @Override
    public double getLatencyP50Millis() {
        return pipeline.latencyMillis(0.5);
    }

    @Override
    public double getLatencyP99Millis() {
        return pipeline.latencyMillis(0.99);
    }

    @Override
    public List<StageTimeStats> getStageTimes() {
        return pipeline.stageTimes().stream().map(StageTimeStats::of).toList();
    }
}
