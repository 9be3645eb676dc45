package io.berth.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

import io.berth.api.Pipeline;
import io.berth.api.Pipeline.RequestCount;

class PipelineStatsTest {

    @Test
    void requestsAreCountedByMethodAndStatusClassAndOddMethodsAreOther() {
        PipelineStats stats = new PipelineStats();
        long now = System.nanoTime();
        stats.answered(now, "GET", 200);
        stats.answered(now, "GET", 204);
        stats.answered(now, "GET", 404);
        stats.answered(now, "PUT", 503);
        stats.answered(now, "PROPFIND", 207);

        assertThat(stats.requestCounts()).containsExactlyInAnyOrder(
                new RequestCount("GET", "2xx", 2),
                new RequestCount("GET", "4xx", 1),
                new RequestCount("PUT", "5xx", 1),
                new RequestCount("OTHER", "2xx", 1));
        assertThat(stats.requests.sum()).isEqualTo(5);
        assertThat(stats.errors.sum()).isEqualTo(1);
    }

    @Test
    void latencyLandsInTheBucketOfItsUpperBoundAndTheSumIsInSeconds() {
        long now = System.nanoTime();
        PipelineStats stats = new PipelineStats(() -> now);
        stats.answered(now - 30_000_000L, "GET", 200); // 30 ms: the 0.05 s bucket
        stats.answered(now - 3_000_000_000L, "GET", 200); // 3 s: the 5 s bucket
        stats.answered(now - 60_000_000_000L, "GET", 200); // 60 s: +Inf

        Pipeline.Latency latency = stats.latencyBuckets();
        assertThat(latency.upperBoundsSeconds()).containsExactly(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10);
        assertThat(latency.counts()).hasSize(12);
        assertThat(latency.counts()[3]).as("bucket le=0.05").isEqualTo(1);
        assertThat(latency.counts()[9]).as("bucket le=5").isEqualTo(1);
        assertThat(latency.counts()[11]).as("bucket +Inf").isEqualTo(1);
        assertThat(latency.count()).isEqualTo(3);
        assertThat(latency.sumSeconds()).isCloseTo(63.03, within(0.1));
    }
}
