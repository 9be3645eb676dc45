package io.berth.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import io.berth.api.AccessLogs;
import io.berth.api.Listener;
import io.berth.api.Pipeline;
import io.berth.api.Pipeline.Latency;
import io.berth.api.Pipeline.RequestCount;
import io.berth.api.Pipeline.StageTime;

class CollectorsTest {

    private final List<Listener> listeners = new ArrayList<>();
    private final List<Pipeline> pipelines = new ArrayList<>();
    private final List<AccessLogs> accessLogs = new ArrayList<>();

    private String scrape(String accept) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new ListenerCollector(() -> List.copyOf(listeners)));
        registry.register(new PipelineCollector(() -> List.copyOf(pipelines)));
        registry.register(new AccessLogCollector(() -> List.copyOf(accessLogs)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExpositionFormats.init().findWriter(accept).write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aListenerIsShownWithItsCountsUnderItsName() throws IOException {
        listeners.add(new FakeListener("admin", Listener.State.SERVING, 42, 3, 2, 1, 5,
                List.of(new Listener.Worker(0, 4, 1, 100, 7), new Listener.Worker(1, 2, 0, 50, 0)),
                new long[] {0, 0, 120, 4, 20, 5}));

        String text = scrape(null);

        assertThat(text.lines()).contains(
                "# TYPE berth_listener_connections_accepted_total counter",
                "berth_listener_connections_accepted_total{listener=\"admin\"} 42.0",
                "berth_listener_connections_open{listener=\"admin\"} 6.0",
                "berth_listener_max_clients_refusals_total{listener=\"admin\"} 3.0",
                "berth_listener_requests_in_flight{listener=\"admin\"} 1.0",
                "berth_listener_requests_total{listener=\"admin\"} 150.0",
                "berth_listener_request_errors_total{listener=\"admin\"} 7.0",
                "# TYPE berth_listener_responses_total counter",
                "berth_listener_responses_total{listener=\"admin\",status_class=\"1xx\"} 0.0",
                "berth_listener_responses_total{listener=\"admin\",status_class=\"2xx\"} 120.0",
                "berth_listener_responses_total{listener=\"admin\",status_class=\"3xx\"} 4.0",
                "berth_listener_responses_total{listener=\"admin\",status_class=\"4xx\"} 20.0",
                "berth_listener_responses_total{listener=\"admin\",status_class=\"5xx\"} 5.0",
                "berth_listener_reloads_total{listener=\"admin\"} 2.0",
                "berth_listener_drains_total{listener=\"admin\"} 1.0",
                "berth_listener_workers{listener=\"admin\"} 2.0",
                "berth_listener_worker_respawns_total{listener=\"admin\"} 5.0",
                "berth_listener_out_of_service{listener=\"admin\"} 0.0",
                "berth_listener_state{listener=\"admin\",state=\"SERVING\"} 1.0",
                "berth_listener_state{listener=\"admin\",state=\"FAILED\"} 0.0");
    }

    @Test
    void aPipelineIsShownByMethodAndStatusClassWithAHistogramInSeconds() throws IOException {
        long[] counts = new long[12];
        counts[0] = 5; // <= 5 ms
        counts[3] = 2; // <= 50 ms
        counts[11] = 1; // > 10 s
        pipelines.add(new FakePipeline("main", Pipeline.State.LIVE,
                List.of(new RequestCount("GET", "2xx", 7), new RequestCount("POST", "5xx", 1)),
                new Latency(new double[] {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}, counts, 12.5),
                3, 4, List.of(new StageTime("catch_errors", 8, 2_000_000_000L), new StageTime("hello", 8, 500_000_000L))));

        String text = scrape(null);

        assertThat(text.lines()).contains(
                "berth_pipeline_requests_total{method=\"GET\",pipeline=\"main\",status_class=\"2xx\"} 7.0",
                "berth_pipeline_requests_total{method=\"POST\",pipeline=\"main\",status_class=\"5xx\"} 1.0",
                "# TYPE berth_pipeline_request_duration_seconds histogram",
                "berth_pipeline_request_duration_seconds_bucket{pipeline=\"main\",le=\"0.005\"} 5",
                "berth_pipeline_request_duration_seconds_bucket{pipeline=\"main\",le=\"0.05\"} 7",
                "berth_pipeline_request_duration_seconds_bucket{pipeline=\"main\",le=\"10.0\"} 7",
                "berth_pipeline_request_duration_seconds_bucket{pipeline=\"main\",le=\"+Inf\"} 8",
                "berth_pipeline_request_duration_seconds_count{pipeline=\"main\"} 8",
                "berth_pipeline_request_duration_seconds_sum{pipeline=\"main\"} 12.5",
                "berth_pipeline_state{pipeline=\"main\",state=\"LIVE\"} 1.0",
                "berth_pipeline_state{pipeline=\"main\",state=\"WAITING\"} 0.0",
                "berth_pipeline_state{pipeline=\"main\",state=\"FAILED\"} 0.0",
                "berth_pipeline_generation_swaps_total{pipeline=\"main\"} 3.0",
                "berth_pipeline_update_waits_total{pipeline=\"main\"} 4.0",
                "berth_stage_requests_total{pipeline=\"main\",stage=\"catch_errors\"} 8.0",
                "berth_stage_seconds_total{pipeline=\"main\",stage=\"catch_errors\"} 2.0",
                "berth_stage_seconds_total{pipeline=\"main\",stage=\"hello\"} 0.5");
    }

    @Test
    void exponentialBucketsGoOutAsANativeHistogramBesideTheClassicOne() throws IOException {
        long[] counts = new long[12];
        counts[0] = 5;
        counts[3] = 3;
        // 5 requests of 1 ms (schema 3: 8 log2(0.001) = -79.7, bucket -79), 1 of 0 ns, 2 of 30 ms (bucket -40)
        Pipeline.ExponentialBuckets exponential = new Pipeline.ExponentialBuckets(3, 1, new int[] {-79, -40}, new long[] {5, 2});
        pipelines.add(new FakePipeline("main", Pipeline.State.LIVE, List.of(new RequestCount("GET", "2xx", 8)),
                new Latency(new double[] {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}, counts, 0.065, exponential),
                1, 0, List.of()));

        MetricSnapshots snapshots = new PipelineCollector(() -> List.copyOf(pipelines)).collect();
        HistogramSnapshot.HistogramDataPointSnapshot point = ((HistogramSnapshot) snapshots
                .stream().filter(s -> s.getMetadata().getName().equals("berth_pipeline_request_duration_seconds"))
                .findFirst().orElseThrow()).getDataPoints().get(0);
        assertThat(point.hasClassicHistogramData()).isTrue();
        assertThat(point.hasNativeHistogramData()).isTrue();
        assertThat(point.getNativeSchema()).isEqualTo(3);
        assertThat(point.getNativeZeroCount()).isEqualTo(1);
        assertThat(point.getNativeBucketsForPositiveValues().stream().map(b -> b.getBucketIndex() + ":" + b.getCount()))
                .containsExactly("-79:5", "-40:2");
        assertThat(point.getCount()).isEqualTo(8);

        String proto = ExpositionFormats.init().getPrometheusProtobufWriter().toDebugString(snapshots,
                EscapingScheme.DEFAULT);
        assertThat(proto).contains("schema: 3", "zero_count: 1", "sample_count: 8")
                .contains("positive_span {\n      offset: -79\n      length: 1\n    }")
                .contains("positive_span {\n      offset: 38\n      length: 1\n    }")
                .contains("positive_delta: 5", "positive_delta: -3")
                .contains("upper_bound: 0.05");
        assertThat(scrape(null)).as("the text format keeps the classic buckets only")
                .contains("berth_pipeline_request_duration_seconds_bucket{pipeline=\"main\",le=\"0.005\"} 5");
    }

    @Test
    void aScrapeInATextFormatLeavesTheNativeBucketsOutAndIsTheSameBytes() throws IOException {
        for (int i = 0; i < 3; i++) {
            pipelines.add(new ScrapeCostMeasurementTest.BusyPipeline("p" + i, new java.util.Random(i)));
        }
        PipelineCollector collector = new PipelineCollector(() -> List.copyOf(pipelines));

        MetricSnapshots classic = collector.collect(new ScrapeRequest(null, false));
        MetricSnapshots full = collector.collect(new ScrapeRequest(null, true));

        assertThat(duration(classic).hasNativeHistogramData()).isFalse();
        assertThat(duration(full).hasNativeHistogramData()).isTrue();
        assertThat(duration(collector.collect()).hasNativeHistogramData()).as("a scrape not from the servlet").isTrue();
        ExpositionFormats formats = ExpositionFormats.init();
        for (ExpositionFormatWriter writer : List.of(formats.getPrometheusTextFormatWriter(),
                formats.getOpenMetricsTextFormatWriter())) {
            assertThat(write(writer, classic)).as(writer.getContentType()).isEqualTo(write(writer, full))
                    .contains("berth_pipeline_request_duration_seconds_bucket{pipeline=\"p1\",le=\"0.005\"} ");
        }
        assertThat(write(formats.getPrometheusProtobufWriter(), full))
                .isNotEqualTo(write(formats.getPrometheusProtobufWriter(), classic));
    }

    private static HistogramSnapshot.HistogramDataPointSnapshot duration(MetricSnapshots snapshots) {
        return ((HistogramSnapshot) snapshots.stream()
                .filter(s -> s.getMetadata().getName().equals("berth_pipeline_request_duration_seconds"))
                .findFirst().orElseThrow()).getDataPoints().get(0);
    }

    private static String write(ExpositionFormatWriter writer, MetricSnapshots snapshots) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.write(out, snapshots);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void twoServicesOfOneNameShowOnceInsteadOfBreakingTheScrape() throws IOException {
        Pipeline.Latency empty = new Latency(new double[] {1}, new long[2], 0);
        pipelines.add(new FakePipeline("main", Pipeline.State.LIVE, List.of(), empty, 1, 0, List.of()));
        pipelines.add(new FakePipeline("main", Pipeline.State.FAILED, List.of(), empty, 2, 0, List.of()));

        String text = scrape(null);

        assertThat(text.lines().filter(line -> line.startsWith("berth_pipeline_generation_swaps_total")))
                .containsExactly("berth_pipeline_generation_swaps_total{pipeline=\"main\"} 1.0");
    }

    @Test
    void accessLogFilesAreShownByPathWithWrittenDroppedLostAndTheQueue() throws IOException {
        accessLogs.add(() -> List.of(new AccessLogs.File("/var/log/berth/access.log", 1000, 12, 3, 5, 65536)));

        String text = scrape(null);

        assertThat(text.lines()).contains(
                "berth_access_log_lines_written_total{file=\"/var/log/berth/access.log\"} 1000.0",
                "berth_access_log_lines_dropped_total{file=\"/var/log/berth/access.log\"} 12.0",
                "berth_access_log_lines_lost_total{file=\"/var/log/berth/access.log\"} 3.0",
                "berth_access_log_queue_lines{file=\"/var/log/berth/access.log\"} 5.0",
                "berth_access_log_queue_capacity_lines{file=\"/var/log/berth/access.log\"} 65536.0");
    }

    @Test
    void openMetricsWhenAskedEndsWithEof() throws IOException {
        listeners.add(new FakeListener("main", Listener.State.SERVING, 1, 0, 0, 0, 0, List.of()));

        String text = scrape("application/openmetrics-text; version=1.0.0; charset=utf-8");

        assertThat(text).contains("berth_listener_connections_accepted_total{listener=\"main\"} 1.0\n");
        assertThat(text).endsWith("# EOF\n");
    }
}
