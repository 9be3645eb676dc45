package io.berth.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.berth.api.Pipeline;
import io.berth.api.StageMeasures;
import io.berth.testing.StderrCapture;

/** The pipeline as the shell sees it, read from a source the test sets. */
class PipelineStatusTest {

    private final PipelineStats stats = new PipelineStats();
    private PipelineSettings settings;
    private String servedNowhere;
    private final Map<String, StageMeasures> measured = new LinkedHashMap<>();
    private final PipelineStatus status = new PipelineStatus("api", new PipelineStatus.Source() {
        @Override
        public PipelineSettings settings() {
            return settings;
        }

        @Override
        public String servedNowhere() {
            return servedNowhere;
        }

        @Override
        public Map<String, StageMeasures> measured() {
            return measured;
        }
    }, stats);

    @Test
    void itStartsWaitingAndShowsNoSettingsUntilThereAreSome() throws Exception {
        assertThat(status.state()).isEqualTo(Pipeline.State.WAITING);
        assertThat(status.reason()).isEqualTo("starting");
        assertThat(status.path()).isNull();
        assertThat(status.listeners()).isEmpty();
        assertThat(status.stages()).isEmpty();

        settings = PipelineSettings.parse("api", Map.of("pipeline", "tag-a hello", "path", "/v1", "listeners", "main"));

        assertThat(status.name()).isEqualTo("api");
        assertThat(status.path()).isEqualTo("/v1");
        assertThat(status.listeners()).containsExactly("main");
        assertThat(status.stages()).containsExactly("tag-a", "hello");
    }

    @Test
    void liveButServedNowhereIsWaitingForItsListeners() {
        status.set(Pipeline.State.LIVE, null);
        assertThat(status.state()).isEqualTo(Pipeline.State.LIVE);
        assertThat(status.reason()).isNull();

        servedNowhere = "no listener main";

        assertThat(status.state()).isEqualTo(Pipeline.State.WAITING);
        assertThat(status.reason()).isEqualTo("no listener main");
    }

    @Test
    void failedOrWaitingForAStageSaysWhyWhetherServedOrNot() {
        servedNowhere = "no listener main";

        status.set(Pipeline.State.FAILED, "path: '/v1' is pipeline main's already");
        assertThat(status.state()).isEqualTo(Pipeline.State.FAILED);
        assertThat(status.reason()).isEqualTo("path: '/v1' is pipeline main's already");

        status.set(Pipeline.State.WAITING, "missing: ratelimit");
        assertThat(status.reason()).isEqualTo("missing: ratelimit");
    }

    @Test
    void theCountsAreThePipelinesStats() throws Exception {
        settings = PipelineSettings.parse("api", Map.of("pipeline", "hello"));
        stats.answered(System.nanoTime(), "GET", 200);
        stats.answered(System.nanoTime(), "POST", 503);
        stats.swaps.incrementAndGet();
        stats.waited.add(3);

        assertThat(status.requests()).isEqualTo(2);
        assertThat(status.errors()).isEqualTo(1);
        assertThat(status.requestCounts()).containsExactly(new Pipeline.RequestCount("GET", "2xx", 1),
                new Pipeline.RequestCount("POST", "5xx", 1));
        assertThat(status.generationSwaps()).isEqualTo(1);
        assertThat(status.requestsWaitedForUpdate()).isEqualTo(3);
        assertThat(status.stageTimes()).extracting(Pipeline.StageTime::stage).containsExactly("hello");
    }

    @Test
    void aStageThatCannotGiveItsNumbersCostsOnlyItsOwn() {
        StageMeasures.Measure tokens = new StageMeasures.Measure("tokens", StageMeasures.Kind.GAUGE, "tokens cached", 4);
        measured.put("broken", () -> {
            throw new IllegalStateException("closed");
        });
        measured.put("tempauth", () -> List.of(tokens));
        try (StderrCapture log = new StderrCapture()) {
            assertThat(status.stageMeasures()).containsOnlyKeys("tempauth");
            assertThat(status.stageMeasures().get("tempauth")).containsExactly(tokens);

            assertThat(log.lines("WARN")).first().asString().endsWith(
                    "Berth pipeline api: stage broken could not give its numbers: java.lang.IllegalStateException: closed");
        }
    }
}
