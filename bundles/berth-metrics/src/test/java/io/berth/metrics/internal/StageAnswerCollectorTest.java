package io.berth.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import io.berth.api.Pipeline;
import io.berth.api.Pipeline.StageAnswer;

class StageAnswerCollectorTest {

    private final List<Pipeline> pipelines = new ArrayList<>();

    /** A pipeline whose stages answered these requests themselves. */
    private static Pipeline answering(String name, StageAnswer... answers) {
        Pipeline.Latency empty = new Pipeline.Latency(new double[] {1}, new long[2], 0);
        FakePipeline plain = new FakePipeline(name, Pipeline.State.LIVE, List.of(), empty, 1, 0, List.of());
        return new Pipeline() {
            @Override public String name() { return plain.name(); }
            @Override public String path() { return plain.path(); }
            @Override public List<String> listeners() { return plain.listeners(); }
            @Override public List<String> stages() { return plain.stages(); }
            @Override public State state() { return plain.state(); }
            @Override public String reason() { return plain.reason(); }
            @Override public long requests() { return plain.requests(); }
            @Override public long errors() { return plain.errors(); }
            @Override public double latencyMillis(double quantile) { return plain.latencyMillis(quantile); }
            @Override public List<StageTime> stageTimes() { return plain.stageTimes(); }
            @Override public List<StageAnswer> stageAnswers() { return List.of(answers); }
        };
    }

    private String scrape() throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new StageAnswerCollector(() -> List.copyOf(pipelines)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExpositionFormats.init().findWriter(null).write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void eachStagesOwnAnswersAreACounterByPipelineStageAndCode() throws IOException {
        pipelines.add(answering("main", new StageAnswer("ratelimit", 429, 12), new StageAnswer("tempauth", 200, 3),
                new StageAnswer("tempauth", 401, 2)));
        pipelines.add(answering("admin", new StageAnswer("healthcheck", 200, 5)));

        String text = scrape();

        assertThat(text.lines()).contains(
                "# HELP berth_stage_answers_total Requests a stage answered itself instead of passing them on "
                        + "(a refusal, a health check, a CORS preflight), by status code",
                "# TYPE berth_stage_answers_total counter",
                "berth_stage_answers_total{code=\"429\",pipeline=\"main\",stage=\"ratelimit\"} 12.0",
                "berth_stage_answers_total{code=\"200\",pipeline=\"main\",stage=\"tempauth\"} 3.0",
                "berth_stage_answers_total{code=\"401\",pipeline=\"main\",stage=\"tempauth\"} 2.0",
                "berth_stage_answers_total{code=\"200\",pipeline=\"admin\",stage=\"healthcheck\"} 5.0");
    }

    @Test
    void twoServicesOfOneNameShowOnce() throws IOException {
        pipelines.add(answering("main", new StageAnswer("ratelimit", 429, 1)));
        pipelines.add(answering("main", new StageAnswer("ratelimit", 429, 7)));

        String text = scrape();

        assertThat(text.lines().filter(line -> line.startsWith("berth_stage_answers_total")))
                .containsExactly("berth_stage_answers_total{code=\"429\",pipeline=\"main\",stage=\"ratelimit\"} 1.0");
    }

    @Test
    void aPipelineThatDoesNotCountAnswersShowsNoSeries() throws IOException {
        pipelines.add(new FakePipeline("old", Pipeline.State.LIVE, List.of(),
                new Pipeline.Latency(new double[] {1}, new long[2], 0), 1, 0, List.of()));

        assertThat(scrape()).doesNotContain("berth_stage_answers_total{");
    }
}
