package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.berth.testing.Memcached;

/** {@link MemcacheBuckets} on a real memcached: one limit for several nodes. */
class MemcacheBucketsTest {

    private static final MemcacheRing.Settings SETTINGS = new MemcacheRing.Settings(0.3, 2, 1, 3, 8, 60, 10);

    private static Memcached memcached;
    private static MemcacheRing nodeA;
    private static MemcacheRing nodeB;

    @BeforeAll
    static void start() throws Exception {
        memcached = Memcached.start();
        nodeA = new MemcacheRing(List.of(memcached.server()), SETTINGS, System::nanoTime);
        nodeB = new MemcacheRing(List.of(memcached.server()), SETTINGS, System::nanoTime);
    }

    @AfterAll
    static void stop() throws Exception {
        nodeA.close();
        nodeB.close();
        memcached.close();
    }

    @Test
    void twoNodesShareOneBucket() {
        AtomicLong micros = new AtomicLong(1_700_000_000_000_000L);
        // 10 a second (one per 100 ms), bursts of 5.
        MemcacheBuckets a = new MemcacheBuckets("test-share/", 100_000, 5, micros::get);
        MemcacheBuckets b = new MemcacheBuckets("test-share/", 100_000, 5, micros::get);
        String client = "client-" + System.nanoTime();
        assertThat(a.acquire(nodeA, client)).isZero();
        assertThat(b.acquire(nodeB, client)).isZero();
        assertThat(a.acquire(nodeA, client)).isZero();
        assertThat(b.acquire(nodeB, client)).isZero();
        assertThat(a.acquire(nodeA, client)).isZero();
        assertThat(b.acquire(nodeB, client)).as("the sixth within the burst, on either node")
                .isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(a.acquire(nodeA, client)).as("a refusal takes nothing").isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));

        micros.addAndGet(100_000);
        assertThat(a.acquire(nodeA, client)).isZero();
        assertThat(b.acquire(nodeB, client)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));

        // Idle for a minute: a full bucket again, not a minute's worth of requests.
        micros.addAndGet(60_000_000);
        for (int i = 0; i < 5; i++) {
            assertThat(a.acquire(nodeA, client)).isZero();
        }
        assertThat(b.acquire(nodeB, client)).isPositive();
        assertThat(a.acquire(nodeA, "another-" + client)).as("each client its own bucket").isZero();
    }

    @Test
    void withMemcacheUnreachableEveryRequestGoesThrough() throws Exception {
        MemcacheRing dead = new MemcacheRing(List.of("127.0.0.1:" + Memcached.freePort()), SETTINGS, System::nanoTime);
        try {
            MemcacheBuckets buckets = new MemcacheBuckets("test-dead/", 1_000_000, 1, RateLimitFilter::wallMicros);
            for (int i = 0; i < 50; i++) {
                assertThat(buckets.acquire(dead, "client")).isZero();
            }
        } finally {
            dead.close();
        }
    }

    /**
     * Three nodes, eight threads each asking as fast as they can for about two seconds: what
     * they are let through is the rate times the time plus the burst, within 10%. Not a timed
     * test: a slower machine makes fewer attempts, but still far more than the limit lets through.
     */
    @Test
    void threeNodesHammeringOneKeyGetTheRateBetweenThem() throws Exception {
        List<MemcacheRing> rings = List.of(nodeA, nodeB,
                new MemcacheRing(List.of(memcached.server()), SETTINGS, System::nanoTime));
        String client = "hammer-" + System.nanoTime();
        int rate = 100;
        int burst = 10;
        LongAdder admitted = new LongAdder();
        LongAdder attempts = new LongAdder();
        List<Thread> threads = new ArrayList<>();
        long start = RateLimitFilter.wallMicros();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (MemcacheRing ring : rings) {
            MemcacheBuckets buckets = new MemcacheBuckets("test-hammer/", 1_000_000 / rate, burst,
                    RateLimitFilter::wallMicros);
            for (int t = 0; t < 8; t++) {
                Thread thread = new Thread(() -> {
                    while (System.nanoTime() < until) {
                        attempts.increment();
                        if (buckets.acquire(ring, client) == 0) {
                            admitted.increment();
                        }
                    }
                });
                thread.start();
                threads.add(thread);
            }
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (RateLimitFilter.wallMicros() - start) / 1e6;
        double expected = burst + rate * seconds;
        assertThat(attempts.sum()).as("attempts, to be far above the limit").isGreaterThan((long) (3 * expected));
        assertThat((double) admitted.sum()).as("admitted of %d attempts in %.2f s", attempts.sum(), seconds)
                .isBetween(expected * 0.9, expected * 1.1);
        rings.get(2).close();
    }
}
