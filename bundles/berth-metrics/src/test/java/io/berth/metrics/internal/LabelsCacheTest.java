package io.berth.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;

import io.berth.api.Pipeline;

class LabelsCacheTest {

    @Test
    void aLabelSetIsMadeOnceAndKeptWhileScrapesUseIt() {
        LabelsCache cache = new LabelsCache();

        Labels first = cache.of("pipeline", "main", "stage", "hello");
        cache.scraped();
        Labels second = cache.of("pipeline", "main", "stage", "hello");

        assertThat((Object) second).isSameAs(first).isEqualTo(Labels.of("stage", "hello", "pipeline", "main"));
        assertThat((Object) cache.of("pipeline", "main")).isNotEqualTo(first);
    }

    @Test
    void setsOfPipelinesThatAreGoneAreDroppedAfterTwoScrapes() {
        LabelsCache cache = new LabelsCache();
        for (int scrape = 0; scrape < 10_000; scrape++) {
            // Each scrape sees a pipeline of a new name, and main
            cache.of("pipeline", "p" + scrape, "state", "LIVE");
            cache.of("pipeline", "main", "state", "LIVE");
            cache.scraped();
        }
        assertThat(cache.size()).as("label sets held").isLessThanOrEqualTo(3);
        Labels main = cache.of("pipeline", "main", "state", "LIVE");
        cache.scraped();
        assertThat((Object) cache.of("pipeline", "main", "state", "LIVE")).as("in use: kept").isSameAs(main);
    }

    @Test
    void aBadLabelNameIsRefusedAsTheLibraryRefusesIt() {
        assertThatThrownBy(() -> new LabelsCache().of("__reserved", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aScrapeWithKeptLabelsIsTheScrapeWithLabelsMadeAnew() throws IOException {
        List<Pipeline> pipelines = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            pipelines.add(new ScrapeCostMeasurementTest.BusyPipeline("p" + i, new Random(i)));
        }
        PrometheusRegistry kept = new PrometheusRegistry();
        PrometheusRegistry anew = new PrometheusRegistry();
        LabelsCache none = new LabelsCache(false);
        kept.register(new PipelineCollector(() -> pipelines));
        kept.register(new StageAnswerCollector(() -> pipelines));
        kept.register(new StageMeasureCollector(() -> pipelines));
        anew.register(new PipelineCollector(() -> pipelines, none));
        anew.register(new StageAnswerCollector(() -> pipelines, none));
        anew.register(new StageMeasureCollector(() -> pipelines, none));

        String first = text(kept);
        assertThat(text(kept)).isEqualTo(first).isEqualTo(text(anew)).contains(
                "berth_stage_seconds_total{pipeline=\"p3\",stage=\"tempauth\"} ",
                "berth_stage_answers_total{code=\"429\",pipeline=\"p4\",stage=\"ratelimit\"} 120.0",
                "berth_ratelimit_buckets{pipeline=\"p0\"} 310.0");
    }

    private static String text(PrometheusRegistry registry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExpositionFormats.init().findWriter(null).write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }
}
