package io.berth.socket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Out of service and shutdown_delay, on a clock the test moves. */
@Timeout(10)
class OutOfServiceTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<Long> waits = new CopyOnWriteArrayList<>();
    private final ListenerTotals totals = new ListenerTotals();
    private final OutOfService outOfService = new OutOfService("main", totals, now::get, nanos -> {
        waits.add(nanos);
        now.addAndGet(nanos);
    });

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void goingOutCountsAsADrainAndStayingOutDoesNot() {
        outOfService.set(true);
        outOfService.set(true);
        assertThat(outOfService.out()).isTrue();
        assertThat(totals.outOfService).as("the flag the connectors read").isTrue();
        assertThat(totals.drains.get()).isEqualTo(1);

        outOfService.set(false);
        assertThat(outOfService.out()).isFalse();

        outOfService.set(true);
        assertThat(totals.drains.get()).isEqualTo(2);
    }

    @Test
    void aServingListenerStaysInServiceOutForTheWholeDelay() {
        outOfService.leave(Duration.ofMillis(1500), true);

        assertThat(waits).containsExactly(Duration.ofMillis(1500).toNanos());
        assertThat(outOfService.out()).isTrue();
        assertThat(totals.drains.get()).isEqualTo(1);
    }

    @Test
    void anOperatorsEarlierDrainCountsTowardsTheDelay() {
        outOfService.set(true);
        now.addAndGet(Duration.ofSeconds(1).toNanos());

        outOfService.leave(Duration.ofMillis(1500), true);

        assertThat(waits).containsExactly(Duration.ofMillis(500).toNanos());
        assertThat(totals.drains.get()).as("one drain, not two").isEqualTo(1);
    }

    @Test
    void outLongerThanTheDelayAlreadyItDoesNotWait() {
        outOfService.set(true);
        now.addAndGet(Duration.ofSeconds(2).toNanos());

        outOfService.leave(Duration.ofMillis(1500), true);

        assertThat(waits).isEmpty();
    }

    @Test
    void withoutDelayOrWhenNotServingItNeitherWaitsNorGoesOut() {
        outOfService.leave(Duration.ZERO, true);
        outOfService.leave(Duration.ofSeconds(1), false);

        assertThat(waits).isEmpty();
        assertThat(outOfService.out()).isFalse();
        assertThat(totals.drains.get()).isZero();
    }

    @Test
    void interruptedItStopsWaitingAndKeepsTheInterrupt() {
        OutOfService interrupted = new OutOfService("main", totals, now::get, nanos -> {
            throw new InterruptedException();
        });

        interrupted.leave(Duration.ofSeconds(30), true);

        assertThat(Thread.currentThread().isInterrupted()).isTrue();
        assertThat(interrupted.out()).isTrue();
    }

    @Test
    void stoppedItIsOutForGoodWithoutADrainCounted() {
        outOfService.forGood();

        assertThat(outOfService.out()).isTrue();
        assertThat(totals.drains.get()).isZero();
    }
}
