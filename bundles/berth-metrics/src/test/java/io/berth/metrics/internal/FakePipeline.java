package io.berth.metrics.internal;

import java.util.List;

import io.berth.api.Pipeline;

/** A pipeline with fixed counts, as a scrape sees one. */
record FakePipeline(String name, State state, List<RequestCount> requestCounts, Latency latency,
        long generationSwaps, long requestsWaitedForUpdate, List<StageTime> stageTimes) implements Pipeline {

    @Override
    public String path() {
        return "/";
    }

    @Override
    public List<String> listeners() {
        return List.of();
    }

    @Override
    public List<String> stages() {
        return stageTimes.stream().map(StageTime::stage).toList();
    }

    @Override
    public String reason() {
        return null;
    }

    @Override
    public long requests() {
        return requestCounts.stream().mapToLong(RequestCount::count).sum();
    }

    @Override
    public long errors() {
        return 0;
    }

    @Override
    public double latencyMillis(double quantile) {
        return Double.NaN;
    }
}
