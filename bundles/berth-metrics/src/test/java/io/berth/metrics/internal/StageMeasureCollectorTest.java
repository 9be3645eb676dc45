package io.berth.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import io.berth.api.Pipeline;
import io.berth.api.StageMeasures.Kind;
import io.berth.api.StageMeasures.Measure;

class StageMeasureCollectorTest {

    private final List<Pipeline> pipelines = new ArrayList<>();

    /** A pipeline whose live stages have these numbers of their own: stage, then its measures, and so on. */
    private static Pipeline measuring(String name, Object... stagesAndMeasures) {
        Map<String, List<Measure>> measures = new LinkedHashMap<>();
        for (int i = 0; i < stagesAndMeasures.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<Measure> each = (List<Measure>) stagesAndMeasures[i + 1];
            measures.put((String) stagesAndMeasures[i], each);
        }
        FakePipeline plain = new FakePipeline(name, Pipeline.State.LIVE, List.of(),
                new Pipeline.Latency(new double[] {1}, new long[2], 0), 1, 0, List.of());
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
            @Override public Map<String, List<Measure>> stageMeasures() { return measures; }
        };
    }

    private static List<Measure> ratelimit(double buckets, double refusals) {
        return List.of(new Measure("buckets", Kind.GAUGE, "Clients ratelimit tracks a bucket for now (at most max_keys)", buckets),
                new Measure("refusals", Kind.COUNTER, "Requests ratelimit refused (429 or 498) with Retry-After", refusals));
    }

    private String scrape() throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new StageMeasureCollector(() -> List.copyOf(pipelines)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExpositionFormats.init().findWriter(null).write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aStagesNumbersAreBerthStageNameByPipeline() throws IOException {
        pipelines.add(measuring("main", "ratelimit", ratelimit(3, 12), "tempauth",
                List.of(new Measure("tokens_live", Kind.GAUGE, "Tokens tempauth holds that have not expired", 2))));
        pipelines.add(measuring("api", "ratelimit", ratelimit(1, 0)));

        String text = scrape();

        assertThat(text.lines()).contains(
                "# HELP berth_ratelimit_buckets Clients ratelimit tracks a bucket for now (at most max_keys)",
                "# TYPE berth_ratelimit_buckets gauge",
                "berth_ratelimit_buckets{pipeline=\"api\"} 1.0",
                "berth_ratelimit_buckets{pipeline=\"main\"} 3.0",
                "# TYPE berth_ratelimit_refusals_total counter",
                "berth_ratelimit_refusals_total{pipeline=\"api\"} 0.0",
                "berth_ratelimit_refusals_total{pipeline=\"main\"} 12.0",
                "# TYPE berth_tempauth_tokens_live gauge",
                "berth_tempauth_tokens_live{pipeline=\"main\"} 2.0");
    }

    @Test
    void aHyphenInAStageNameBecomesAnUnderscore() throws IOException {
        pipelines.add(measuring("main", "my-stage", List.of(new Measure("things", Kind.GAUGE, "Things", 4))));

        assertThat(scrape().lines()).contains("berth_my_stage_things{pipeline=\"main\"} 4.0");
    }

    @Test
    void numbersThatCannotBeShownAreLeftOutAndTheRestOfTheScrapeStands() throws IOException {
        pipelines.add(measuring("main",
                "stage", List.of(new Measure("answers", Kind.COUNTER, "would clash with berth_stage_answers", 1)),
                "pipeline_x", List.of(new Measure("y", Kind.GAUGE, "among Berth's own", 1)),
                "odd", List.of(
                        new Measure("Bad-Name", Kind.GAUGE, "not a metric name", 1),
                        new Measure("sent_total", Kind.COUNTER, "the library adds _total", 1),
                        new Measure("negative", Kind.COUNTER, "a counter below 0", -1),
                        new Measure("kept", Kind.GAUGE, "Kept", 5))));
        pipelines.add(measuring("other", "odd", List.of(new Measure("kept", Kind.COUNTER, "another kind", 6))));

        String text = scrape();

        assertThat(text.lines().filter(line -> !line.startsWith("#")))
                .containsExactly("berth_odd_kept{pipeline=\"main\"} 5.0");
    }

    @Test
    void twoServicesOfOneNameShowOnce() throws IOException {
        pipelines.add(measuring("main", "ratelimit", ratelimit(1, 1)));
        pipelines.add(measuring("main", "ratelimit", ratelimit(9, 9)));

        assertThat(scrape().lines().filter(line -> line.startsWith("berth_ratelimit_buckets")))
                .containsExactly("berth_ratelimit_buckets{pipeline=\"main\"} 1.0");
    }
}
