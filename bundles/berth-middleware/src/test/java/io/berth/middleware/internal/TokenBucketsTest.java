package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The buckets against a clock the test moves: no sleeps. */
class TokenBucketsTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    /** Starts far from 0, as nanoTime may. */
    private final AtomicLong clock = new AtomicLong(-5_000 * SECOND);

    @Test
    void admitsABurstThenSaysHowLongToWait() {
        TokenBuckets buckets = new TokenBuckets(SECOND, 3, 100, clock::get);

        assertThat(buckets.acquire("a")).isZero();
        assertThat(buckets.acquire("a")).isZero();
        assertThat(buckets.acquire("a")).isZero();
        assertThat(buckets.acquire("a")).isEqualTo(SECOND);

        clock.addAndGet(SECOND / 4);
        assertThat(buckets.acquire("a")).isEqualTo(3 * SECOND / 4);
    }

    @Test
    void refillsAtTheRateAndRefusalsCostNothing() {
        TokenBuckets buckets = new TokenBuckets(SECOND / 10, 2, 100, clock::get);
        buckets.acquire("a");
        buckets.acquire("a");
        for (int i = 0; i < 50; i++) {
            assertThat(buckets.acquire("a")).isPositive();
        }

        clock.addAndGet(SECOND / 10);

        assertThat(buckets.acquire("a")).isZero();
        assertThat(buckets.acquire("a")).isEqualTo(SECOND / 10);
    }

    @Test
    void refillsNoFurtherThanTheBurst() {
        TokenBuckets buckets = new TokenBuckets(SECOND, 2, 100, clock::get);
        buckets.acquire("a");

        clock.addAndGet(3600 * SECOND);

        assertThat(buckets.acquire("a")).isZero();
        assertThat(buckets.acquire("a")).isZero();
        assertThat(buckets.acquire("a")).isPositive();
    }

    @Test
    void keysHaveTheirOwnBuckets() {
        TokenBuckets buckets = new TokenBuckets(SECOND, 1, 100, clock::get);

        assertThat(buckets.acquire("a")).isZero();
        assertThat(buckets.acquire("a")).isPositive();
        assertThat(buckets.acquire("b")).isZero();
        assertThat(buckets.tracked()).isEqualTo(2);
    }

    @Test
    void idleBucketsExpireOnceRefilled() {
        // Refill time 3 s: sweeps run every 3 s, on a request.
        TokenBuckets buckets = new TokenBuckets(SECOND, 3, 100_000, clock::get);
        for (int i = 0; i < 10_000; i++) {
            buckets.acquire("client-" + i);
        }
        assertThat(buckets.tracked()).isEqualTo(10_000);

        clock.addAndGet(3 * SECOND - 1);
        buckets.acquire("early");
        assertThat(buckets.tracked()).as("no sweep is due yet").isEqualTo(10_001);

        clock.addAndGet(1);
        buckets.acquire("late");

        assertThat(buckets.tracked()).as("only the buckets that are not full remain").isEqualTo(2);
    }

    @Test
    void aSweepKeepsBucketsThatAreNotFull() {
        TokenBuckets buckets = new TokenBuckets(SECOND, 3, 100, clock::get);
        buckets.acquire("light");
        buckets.acquire("heavy");
        buckets.acquire("heavy");
        buckets.acquire("heavy");

        clock.addAndGet(2 * SECOND);
        buckets.sweep(clock.get());

        assertThat(buckets.tracked()).isEqualTo(1);
        assertThat(buckets.acquire("heavy")).as("two tokens back of three").isZero();
        assertThat(buckets.acquire("heavy")).isZero();
        assertThat(buckets.acquire("heavy")).isPositive();
    }

    @Test
    void aForgottenClientStartsWithAFullBurstAsItWouldHave() {
        TokenBuckets buckets = new TokenBuckets(SECOND, 2, 100, clock::get);
        buckets.acquire("a");
        clock.addAndGet(SECOND);
        buckets.sweep(clock.get());
        assertThat(buckets.tracked()).isZero();

        assertThat(buckets.acquire("a")).isZero();
        assertThat(buckets.acquire("a")).isZero();
        assertThat(buckets.acquire("a")).isPositive();
    }

    @Test
    void whenFullNewKeysShareOneOverflowBucket() {
        TokenBuckets buckets = new TokenBuckets(SECOND, 1, 2, clock::get);
        buckets.acquire("a");
        buckets.acquire("b");

        assertThat(buckets.acquire("c")).isZero();
        assertThat(buckets.acquire("d")).as("d never asked, but c took the shared token").isPositive();
        assertThat(buckets.tracked()).isEqualTo(2);
        assertThat(buckets.acquire("a")).as("tracked keys keep their own bucket").isPositive();

        // Once a and b are idle (full) a request that finds the map full sweeps it.
        clock.addAndGet(SECOND);
        assertThat(buckets.acquire("d")).isZero();
        assertThat(buckets.tracked()).isEqualTo(1);
        assertThat(buckets.acquire("d")).isPositive();
        assertThat(buckets.acquire("e")).as("its own bucket again").isZero();
    }

    @Test
    void aFullMapIsSweptAtMostEvery100Milliseconds() {
        long ms = TimeUnit.MILLISECONDS.toNanos(1);
        TokenBuckets buckets = new TokenBuckets(10 * ms, 1, 1, clock::get);
        buckets.acquire("a");

        clock.addAndGet(50 * ms);
        assertThat(buckets.acquire("b")).isZero();
        assertThat(buckets.tracks("a")).as("full since 40 ms, but no sweep yet").isTrue();
        assertThat(buckets.tracks("b")).isFalse();

        clock.addAndGet(50 * ms);
        assertThat(buckets.acquire("b")).isZero();
        assertThat(buckets.tracks("a")).isFalse();
        assertThat(buckets.tracks("b")).isTrue();
    }

    @Test
    void concurrentRequestsAndSweepsNeverAdmitMoreThanTheRateAllows() throws Exception {
        int keys = 64;
        long interval = 100;
        int burst = 2;
        // Time moves one tick per clock read; with 64 keys a key is sometimes drained, sometimes full
        // (and then swept while requests race for it).
        AtomicLong ticks = new AtomicLong(Long.MAX_VALUE - 1_000_000);
        TokenBuckets buckets = new TokenBuckets(interval, burst, 1_000, ticks::incrementAndGet);
        long start = ticks.get();
        AtomicInteger[] admitted = new AtomicInteger[keys];
        for (int i = 0; i < keys; i++) {
            admitted[i] = new AtomicInteger();
        }
        AtomicBoolean done = new AtomicBoolean();
        Thread sweeper = new Thread(() -> {
            while (!done.get()) {
                buckets.sweep(ticks.get());
            }
        }, "test-sweeper");
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            threads.add(new Thread(() -> {
                for (int i = 0; i < 50_000; i++) {
                    int key = ThreadLocalRandom.current().nextInt(keys);
                    if (buckets.acquire("k" + key) == 0) {
                        admitted[key].incrementAndGet();
                    }
                }
            }, "test-client-" + t));
        }
        sweeper.start();
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join(10_000);
        }
        done.set(true);
        sweeper.join(10_000);

        long elapsed = ticks.get() - start;
        int total = 0;
        for (int i = 0; i < keys; i++) {
            assertThat((long) admitted[i].get()).as("key " + i).isLessThanOrEqualTo(burst + elapsed / interval + 1);
            total += admitted[i].get();
        }
        assertThat(total).as("the rate limits, and sweeps happened while full buckets were in use").isLessThan(150_000);
    }
}
