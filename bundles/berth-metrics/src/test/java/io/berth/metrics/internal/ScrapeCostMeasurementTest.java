package io.berth.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import io.berth.api.AccessLogs;
import io.berth.api.Listener;
import io.berth.api.Pipeline;
import io.berth.api.StageMeasures;

/**
 * What one scrape of a Berth with 50 pipelines costs, and where: the whole scrape as the metrics
 * servlet makes it (collect, then write), each collector alone, and each format's writer alone on
 * snapshots taken once. The pipelines look like the shipped {@code main}: seven stages, ten
 * method/status combinations, stage answers and stage measures, and latencies spread over four
 * decades (80-odd native buckets, every classic one used); 150 parked threads stand in for
 * Karaf's. Per part: wall time per scrape (median of rounds), CPU time of the thread, bytes
 * allocated. Beside each part Berth has made cheaper, the way it was, in the same run: label sets
 * made anew ({@code LabelsCache(false)}), native buckets built for a text scrape, the body's buffer
 * grown from 16 KB. Interleaved rounds, so that load from others on the machine falls on every part
 * alike; read the ratios, not the absolute numbers. On demand only; it asserts nothing about time:
 * <pre>
 * mvn -o -q test -pl bundles/berth-metrics -Dtest=ScrapeCostMeasurementTest -Dberth.measure=true
 * </pre>
 * With {@code -Dberth.measure.only=pipelines} only the part of that name runs ({@code |} between several; for a JFR
 * recording: {@code -DargLine=-XX:StartFlightRecording=filename=scrape.jfr,settings=profile});
 * {@code berth.measure.rounds} and {@code berth.measure.scrapes} set the rounds (15) and the scrapes per round (100).
 */
@Tag("measure")
@EnabledIfSystemProperty(named = "berth.measure", matches = "true")
class ScrapeCostMeasurementTest {

    private static final Logger LOG = LoggerFactory.getLogger(ScrapeCostMeasurementTest.class);
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    static final int PIPELINES = 50;
    private static final int ROUNDS = Integer.getInteger("berth.measure.rounds", 15);
    private static final int PER_ROUND = Integer.getInteger("berth.measure.scrapes", 100);
    private static final double[] BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    private static final List<String> STAGES = List.of("catch_errors", "gatekeeper", "healthcheck", "proxy_logging",
            "ratelimit", "tempauth", "hello");

    private long sink;
    private final Map<ExpositionFormatWriter, Integer> lastSizes = new java.util.HashMap<>();

    @Test
    void oneScrapeOfFiftyPipelines() throws Exception {
        List<Listener> listeners = List.of(listener("main"), listener("admin"));
        List<Pipeline> pipelines = new ArrayList<>();
        for (int i = 0; i < PIPELINES; i++) {
            pipelines.add(new BusyPipeline(String.format("p%02d", i), new Random(i)));
        }
        List<AccessLogs> accessLogs = List.of(() -> List.of(
                new AccessLogs.File("/opt/berth/data/log/berth-access.log", 1_000_000, 0, 0, 3, 65536)));
        PrometheusRegistry registry = MetricsApp.registry(() -> listeners, () -> pipelines, () -> accessLogs);
        ExpositionFormats formats = ExpositionFormats.init();
        ExpositionFormatWriter text = formats.findWriter(null);
        ExpositionFormatWriter openMetrics = formats.findWriter("application/openmetrics-text; version=1.0.0");
        ExpositionFormatWriter protobuf = formats.findWriter(
                "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited");
        // The baseline: the same collectors making every label set anew, as before LabelsCache
        PrometheusRegistry anew = new PrometheusRegistry();
        LabelsCache none = new LabelsCache(false);
        anew.register(new ListenerCollector(() -> listeners, none));
        anew.register(new PipelineCollector(() -> pipelines, none));
        anew.register(new StageAnswerCollector(() -> pipelines, none));
        anew.register(new StageMeasureCollector(() -> pipelines, none));
        anew.register(new AccessLogCollector(() -> accessLogs));
        JvmMetrics.builder().register(anew);
        MetricSnapshots taken = registry.scrape();
        PrometheusRegistry jvm = new PrometheusRegistry();
        JvmMetrics.builder().register(jvm);

        CountDownLatch release = new CountDownLatch(1);
        List<Thread> parked = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            Thread thread = new Thread(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "parked-" + i);
            thread.setDaemon(true);
            thread.start();
            parked.add(thread);
        }
        try {
            Map<String, Part> parts = new LinkedHashMap<>();
            // As the servlet asks: the text formats show no native histogram, protobuf does
            ScrapeRequest classic = new ScrapeRequest(null, false);
            ScrapeRequest withNative = new ScrapeRequest(null, true);
            parts.put("scrape + text (the servlet)", () -> write(text, registry.scrape(classic)));
            parts.put("scrape + text, native built", () -> write(text, registry.scrape(withNative)));
            parts.put("scrape + text, before (all anew)", () -> writeFrom16k(text, anew.scrape(withNative)));
            parts.put("scrape + protobuf", () -> write(protobuf, registry.scrape(withNative)));
            parts.put("scrape + protobuf, labels anew", () -> write(protobuf, anew.scrape(withNative)));
            parts.put("collect all", () -> registry.scrape(classic).size());
            parts.put("collect all, native built", () -> registry.scrape(withNative).size());
            parts.put("collect all, labels anew", () -> anew.scrape(withNative).size());
            parts.put("  listeners", collect(new ListenerCollector(() -> listeners)));
            PipelineCollector pipelineCollector = new PipelineCollector(() -> pipelines);
            parts.put("  pipelines", () -> pipelineCollector.collect(classic).size());
            parts.put("  pipelines, native built", () -> pipelineCollector.collect(withNative).size());
            parts.put("  pipelines, labels anew", collect(new PipelineCollector(() -> pipelines, none)));
            parts.put("  stage answers", collect(new StageAnswerCollector(() -> pipelines)));
            parts.put("  stage answers, labels anew", collect(new StageAnswerCollector(() -> pipelines, none)));
            parts.put("  stage measures", collect(new StageMeasureCollector(() -> pipelines)));
            parts.put("  stage measures, labels anew", collect(new StageMeasureCollector(() -> pipelines, none)));
            parts.put("  access logs", collect(new AccessLogCollector(() -> accessLogs)));
            parts.put("  jvm", () -> jvm.scrape().size());
            MetricSnapshots takenClassic = registry.scrape(classic);
            parts.put("write text", () -> write(text, takenClassic));
            parts.put("write text, buffer from 16 KB", () -> writeFrom16k(text, takenClassic));
            parts.put("write openmetrics", () -> write(openMetrics, takenClassic));
            parts.put("write protobuf", () -> write(protobuf, taken));

            // -Dberth.measure.only=NAME|NAME runs only the parts so named: for a profiler's recording of one part.
            String only = System.getProperty("berth.measure.only");
            if (only != null) {
                List<String> names = List.of(only.split("\\|"));
                parts.keySet().removeIf(name -> !names.contains(name.trim()));
            }
            LOG.info("scrape of {} pipelines ({} native buckets in the first): {} bytes of text, {} of protobuf, {} families",
                    PIPELINES, ((BusyPipeline) pipelines.get(0)).nativeBuckets(), write(text, taken),
                    write(protobuf, taken), taken.size());
            for (int warm = 0; warm < 5; warm++) {
                for (Part part : parts.values()) {
                    run(part, PER_ROUND);
                }
            }
            Map<String, long[][]> results = new LinkedHashMap<>();
            parts.keySet().forEach(name -> results.put(name, new long[ROUNDS][]));
            for (int round = 0; round < ROUNDS; round++) {
                for (Map.Entry<String, Part> part : parts.entrySet()) {
                    results.get(part.getKey())[round] = run(part.getValue(), PER_ROUND);
                }
            }
            LOG.info(String.format("%-32s %10s %10s %12s", "part", "wall us", "cpu us", "alloc KB"));
            for (Map.Entry<String, long[][]> result : results.entrySet()) {
                LOG.info(String.format("%-32s %10.1f %10.1f %12.1f", result.getKey(),
                        median(result.getValue(), 0) / 1e3, median(result.getValue(), 1) / 1e3,
                        median(result.getValue(), 2) / 1024.0));
            }
            assertThat(sink).isNotZero();
        } finally {
            release.countDown();
            for (Thread thread : parked) {
                thread.join();
            }
        }
    }

    /** One part's cost per call over {@code n} calls: wall ns, thread CPU ns, bytes allocated. */
    private long[] run(Part part, int n) throws IOException {
        long id = Thread.currentThread().getId();
        long allocated = THREADS.getThreadAllocatedBytes(id);
        long cpu = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            sink += part.call();
        }
        long wall = System.nanoTime() - start;
        return new long[] {wall / n, (THREADS.getCurrentThreadCpuTime() - cpu) / n,
                (THREADS.getThreadAllocatedBytes(id) - allocated) / n};
    }

    private static long median(long[][] rounds, int column) {
        long[] values = Arrays.stream(rounds).mapToLong(round -> round[column]).sorted().toArray();
        return values[values.length / 2];
    }

    /** As MetricsServlet writes it: a buffer sized by the last body in this format. */
    private long write(ExpositionFormatWriter writer, MetricSnapshots snapshots) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(MetricsServlet.bufferSize(lastSizes.getOrDefault(writer, 0)));
        writer.write(body, snapshots);
        lastSizes.put(writer, body.size());
        return body.size();
    }

    private static long writeFrom16k(ExpositionFormatWriter writer, MetricSnapshots snapshots) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        writer.write(body, snapshots);
        return body.size();
    }

    private static Part collect(MultiCollector collector) {
        return () -> collector.collect().size();
    }

    @FunctionalInterface
    private interface Part {
        long call() throws IOException;
    }

    private static Listener listener(String name) {
        return new FakeListener(name, Listener.State.SERVING, 1_000_000, 3, 2, 1, 0,
                List.of(new Listener.Worker(0, 40, 12, 500_000, 10), new Listener.Worker(1, 38, 9, 500_000, 12)),
                new long[] {0, 0, 900_000, 1_000, 95_000, 4_000});
    }

    /**
     * A pipeline as Berth's own reads at scrape time: counts and latencies built fresh on every
     * call, as {@code PipelineStats} and {@code LatencyRecorder} build them.
     */
    static final class BusyPipeline implements Pipeline {

        private final String name;
        private final long requests = 20_000;
        private final long[] classic = new long[BOUNDS.length + 1];
        private final int[] indexes;
        private final long[] perIndex;
        private final double sumSeconds;

        BusyPipeline(String name, Random random) {
            this.name = name;
            // Log-normal around 4 ms, a long tail: 0.1 ms to seconds, 80-odd native buckets.
            java.util.TreeMap<Integer, Long> buckets = new java.util.TreeMap<>();
            double sum = 0;
            for (int i = 0; i < requests; i++) {
                double seconds = Math.max(1e-9, 4e-3 * Math.exp(random.nextGaussian() * 1.3));
                sum += seconds;
                int k = 0;
                while (k < BOUNDS.length && seconds > BOUNDS[k]) {
                    k++;
                }
                classic[k]++;
                buckets.merge((int) Math.ceil(Math.log(seconds) / Math.log(2) * 8), 1L, Long::sum);
            }
            sumSeconds = sum;
            indexes = buckets.keySet().stream().mapToInt(Integer::intValue).toArray();
            perIndex = buckets.values().stream().mapToLong(Long::longValue).toArray();
        }

        int nativeBuckets() {
            return indexes.length;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String path() {
            return "/" + name;
        }

        @Override
        public List<String> listeners() {
            return List.of("main");
        }

        @Override
        public List<String> stages() {
            return STAGES;
        }

        @Override
        public State state() {
            return State.LIVE;
        }

        @Override
        public String reason() {
            return null;
        }

        @Override
        public long requests() {
            return requests;
        }

        @Override
        public long errors() {
            return 40;
        }

        @Override
        public double latencyMillis(double quantile) {
            return 4;
        }

        @Override
        public List<StageTime> stageTimes() {
            List<StageTime> times = new ArrayList<>();
            for (String stage : STAGES) {
                times.add(new StageTime(stage, requests, requests * 3_000L));
            }
            return times;
        }

        @Override
        public List<StageAnswer> stageAnswers() {
            return List.of(new StageAnswer("healthcheck", 200, 5_000), new StageAnswer("ratelimit", 429, 120),
                    new StageAnswer("tempauth", 401, 33));
        }

        @Override
        public Map<String, List<StageMeasures.Measure>> stageMeasures() {
            Map<String, List<StageMeasures.Measure>> measures = new LinkedHashMap<>();
            measures.put("ratelimit", List.of(
                    new StageMeasures.Measure("buckets", StageMeasures.Kind.GAUGE, "Clients with a bucket", 310),
                    new StageMeasures.Measure("refusals", StageMeasures.Kind.COUNTER, "Requests refused", 120)));
            measures.put("tempauth", List.of(
                    new StageMeasures.Measure("tokens_issued", StageMeasures.Kind.COUNTER, "Tokens made", 400),
                    new StageMeasures.Measure("tokens_live", StageMeasures.Kind.GAUGE, "Tokens held", 37),
                    new StageMeasures.Measure("logins_refused", StageMeasures.Kind.COUNTER, "Logins refused", 33)));
            return measures;
        }

        @Override
        public List<RequestCount> requestCounts() {
            List<RequestCount> counts = new ArrayList<>();
            String[][] seen = {{"GET", "2xx"}, {"GET", "3xx"}, {"GET", "4xx"}, {"GET", "5xx"}, {"HEAD", "2xx"},
                    {"POST", "2xx"}, {"POST", "4xx"}, {"PUT", "2xx"}, {"DELETE", "2xx"}, {"OPTIONS", "2xx"}};
            for (String[] each : seen) {
                counts.add(new RequestCount(each[0], each[1], 1000));
            }
            return counts;
        }

        @Override
        public Latency latency() {
            // Fresh arrays per call, as LatencyRecorder reads its cells into new ones
            return new Latency(BOUNDS.clone(), classic.clone(), sumSeconds,
                    new ExponentialBuckets(3, 0, indexes.clone(), perIndex.clone()));
        }
    }
}
