package io.berth.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.berth.api.Pipeline;

class LatencyRecorderTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    /** A clock that moves only when told, far from 0 as System.nanoTime() may be. */
    private final AtomicLong clock = new AtomicLong(123_456_789_000_000L);

    private void answer(PipelineStats stats, long nanos, int times) {
        for (int i = 0; i < times; i++) {
            stats.answered(clock.get() - nanos, "GET", 200);
        }
    }

    @Test
    void p99MovesBackDownAMinuteAfterASlowSpellWhileTheCountsSinceStartKeepIt() {
        PipelineStats stats = new PipelineStats(clock::get);
        answer(stats, 1 * MS, 900);
        answer(stats, 2 * S, 100);
        assertThat(stats.latency.windowQuantileMillis(0.99)).as("p99 during the slow spell").isCloseTo(2000, within(100.0));
        assertThat(stats.latency.windowQuantileMillis(0.5)).isCloseTo(1, within(0.05));

        clock.addAndGet(30 * S);
        answer(stats, 1 * MS, 1000);
        assertThat(stats.latency.windowQuantileMillis(0.99)).as("p99 half a minute later: the spell is still in the window")
                .isCloseTo(2000, within(100.0));

        clock.addAndGet(31 * S);
        answer(stats, 1 * MS, 1000);
        assertThat(stats.latency.windowQuantileMillis(0.99)).as("p99 a minute after the slow spell").isCloseTo(1, within(0.05));

        Pipeline.Latency since = stats.latencyBuckets();
        assertThat(since.count()).as("every request since start").isEqualTo(3000);
        assertThat(since.counts()[8]).as("the slow spell in classic bucket le=2.5").isEqualTo(100);
        assertThat(since.exponential().count()).isEqualTo(3000);
        assertThat(since.exponential().indexes()).containsExactly(LatencyRecorder.index(0.001), LatencyRecorder.index(2));
        assertThat(since.exponential().counts()).containsExactly(2900, 100);
    }

    @Test
    void nothingInTheLastMinuteIsNaNAndAnIdleSpellDoesNotBringOldRequestsBack() {
        PipelineStats stats = new PipelineStats(clock::get);
        assertThat(stats.latency.windowQuantileMillis(0.5)).isNaN();
        answer(stats, 3 * S, 10);
        clock.addAndGet(65 * S);
        assertThat(stats.latency.windowQuantileMillis(0.5)).isNaN();
        clock.addAndGet(300 * S);
        answer(stats, 4 * MS, 10);
        assertThat(stats.latency.windowQuantileMillis(0.99)).isCloseTo(4, within(0.2));
        clock.addAndGet(5 * S);
        answer(stats, 4 * MS, 10);
        assertThat(stats.latency.windowQuantileMillis(1)).isCloseTo(4, within(0.2));
    }

    @Test
    void threadsRecordingWhileTheIntervalsTurnLoseNothingFromTheCountsSinceStart() throws Exception {
        PipelineStats stats = new PipelineStats(clock::get);
        int threads = 4;
        int each = 50_000;
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    // Every thread moves the clock on now and then: the ring turns under the others' feet.
                    long now = i % 1000 == 0 ? clock.addAndGet(3 * S) : clock.get();
                    // The recorder itself: answered() would read the clock again, after another thread moved it.
                    stats.latency.record(i % 2 == 0 ? MS : 30 * MS, now);
                }
            }, "recorder-" + t);
            workers[t].start();
        }
        for (Thread worker : workers) {
            worker.join(30_000);
        }
        Pipeline.Latency latency = stats.latencyBuckets();
        assertThat(latency.count()).isEqualTo((long) threads * each);
        assertThat(latency.exponential().count()).isEqualTo((long) threads * each);
        assertThat(latency.counts()[0]).isEqualTo((long) threads * each / 2);
        assertThat(stats.latency.windowQuantileMillis(0.99)).isCloseTo(30, within(1.5));
    }

    @Test
    void latenciesLandInTheBucketOfSchema3() {
        assertThat(LatencyRecorder.index(1.0)).isZero();
        assertThat(LatencyRecorder.index(Math.pow(2, 1.0 / 8))).as("upper bounds are inclusive").isEqualTo(1);
        assertThat(LatencyRecorder.index(Math.pow(2, 1.0 / 8) * 1.0001)).isEqualTo(2);
        assertThat(LatencyRecorder.index(0.5)).isEqualTo(-8);
        assertThat(LatencyRecorder.index(0.999)).isZero();
        assertThat(LatencyRecorder.index(0.005)).as("5 ms: 8 log2(0.005) = -61.2").isEqualTo(-61);
        assertThat(LatencyRecorder.index(1e-9)).isEqualTo(-239);
        assertThat(LatencyRecorder.index(1e9)).isEqualTo(LatencyRecorder.MAX_INDEX);
        Random random = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            double seconds = Math.exp(random.nextDouble() * 30 - 20);
            double exact = 8 * Math.log(seconds) / Math.log(2);
            if (Math.abs(exact - Math.rint(exact)) < 1e-9) {
                continue;
            }
            int index = LatencyRecorder.index(seconds);
            assertThat(index).as("bucket of %s s", seconds).isEqualTo((int) Math.ceil(exact));
            assertThat(seconds).isGreaterThan(LatencyRecorder.lowerSeconds(index)).isLessThanOrEqualTo(LatencyRecorder.upperSeconds(index));
        }
    }

    @Test
    void classicBucketsStayExactAtTheirBoundsThoughANativeBucketStraddlesThem() {
        PipelineStats stats = new PipelineStats(clock::get);
        answer(stats, 5 * MS, 1);
        answer(stats, 5 * MS + 1, 1);
        answer(stats, 10 * S, 1);
        answer(stats, 10 * S + 1, 1);
        answer(stats, 0, 1);
        Pipeline.Latency latency = stats.latencyBuckets();
        assertThat(latency.counts()).containsExactly(2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1);
        Pipeline.ExponentialBuckets exponential = latency.exponential();
        assertThat(exponential.schema()).isEqualTo(3);
        assertThat(exponential.zeroCount()).isEqualTo(1);
        assertThat(exponential.indexes()).containsExactly(-61, 27);
        assertThat(exponential.counts()).containsExactly(2, 2);
        assertThat(exponential.count()).isEqualTo(latency.count());
    }
}
