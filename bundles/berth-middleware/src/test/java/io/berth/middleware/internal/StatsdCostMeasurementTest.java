package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.StageSettings;

/**
 * What StatsD costs per request, as thread CPU time: on the request's thread (sampling and handing
 * one event to the sender), and on the sender's (three lines written and sent as three datagrams to
 * a receiver on loopback). The request is {@link AccessLogCostMeasurementTest}'s. On demand only; it
 * measures, it asserts nothing about time:
 * <pre>
 * mvn -o -q test -pl bundles/berth-middleware -Dtest=StatsdCostMeasurementTest -Dberth.measure=true
 * </pre>
 */
@Tag("measure")
@EnabledIfSystemProperty(named = "berth.measure", matches = "true")
class StatsdCostMeasurementTest {

    private static final Logger LOG = LoggerFactory.getLogger(StatsdCostMeasurementTest.class);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int WARMUP = 200_000;
    private static final int REQUESTS = 500_000;
    private static final int BATCH = 5_000;

    @Test
    void perRequest() throws Exception {
        AccessRecord record = AccessLogCostMeasurementTest.record();
        record.firstByteNanos = record.startNanoTime + 100_000;
        record.firstByteStatus = 200;
        try (StatsdReceiver receiver = new StatsdReceiver()) {
            Map<String, String> settings = new HashMap<>();
            settings.put("log_statsd_host", "127.0.0.1");
            settings.put("log_statsd_port", Integer.toString(receiver.port()));
            ProxyLoggingStage.Config config = StageSettings.of(ProxyLoggingStage.Config.class, "proxy_logging", settings);
            StatsdSender sender = new StatsdSender();
            StatsdClient client = StatsdClient.of(config, sender);
            client.open();
            try {
                StatsdSender.Worker worker = sender.worker();
                send(client, worker, record, WARMUP);
                long senderBefore = THREADS.getThreadCpuTime(worker.thread.getId());
                long requestNanos = send(client, worker, record, REQUESTS);
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(1))
                        .until(() -> worker.sent.sum() + worker.unsent.sum() == 3L * (WARMUP + REQUESTS));
                long senderNanos = THREADS.getThreadCpuTime(worker.thread.getId()) - senderBefore;
                assertThat(worker.queueFull.sum()).isZero();
                LOG.info("StatsD, request thread: {} ns/request (sample + offer); sender thread: {} ns/request "
                        + "(3 lines, 3 datagrams; {} not sent)", requestNanos / REQUESTS, senderNanos / REQUESTS,
                        worker.unsent.sum());
            } finally {
                client.close();
            }
        }
    }

    /** In batches the sender keeps up with, so that none is dropped; waiting is not CPU time. */
    private static long send(StatsdClient client, StatsdSender.Worker worker, AccessRecord record, int requests) {
        long cpu = 0;
        long target = worker.sent.sum() + worker.unsent.sum();
        for (int done = 0; done < requests; done += BATCH) {
            long start = THREADS.getCurrentThreadCpuTime();
            for (int i = 0; i < BATCH; i++) {
                client.request(record);
            }
            cpu += THREADS.getCurrentThreadCpuTime() - start;
            long expected = target + 3L * (done + BATCH) - 3L * BATCH;
            await("the sender kept up").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1))
                    .until(() -> worker.sent.sum() + worker.unsent.sum() >= expected);
        }
        return cpu;
    }
}
