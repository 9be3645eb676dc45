package io.berth.supervisor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SIGTERM's order of things, without sending a signal: leave service, wait, then stop; twice stops now. */
@Timeout(30)
class TerminateTest {

    private final List<String> happened = new CopyOnWriteArrayList<>();

    @Test
    void theListenersLeaveServiceThenBerthServesForTheDelayThenStops() {
        Terminate terminate = new Terminate(() -> {
            happened.add("out of service");
            return Duration.ofSeconds(7);
        }, duration -> happened.add("served for " + duration.toSeconds() + " s"));

        terminate.received(() -> happened.add("stopped"));

        assertThat(happened).containsExactly("out of service", "served for 7 s", "stopped");
    }

    @Test
    void withoutADelayItStopsAtOnce() {
        Terminate terminate = new Terminate(() -> Duration.ZERO, duration -> happened.add("waited"));

        terminate.received(() -> happened.add("stopped"));

        assertThat(happened).containsExactly("stopped");
    }

    @Test
    void aSecondSigtermStopsWithoutWaitingForTheFirst() throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        Terminate terminate = new Terminate(() -> Duration.ofMinutes(10), duration -> {
            waiting.countDown();
            never.await(20, TimeUnit.SECONDS);
        });
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> terminate.received(() -> happened.add("first")));
        assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();

        terminate.received(() -> happened.add("second"));

        assertThat(happened).containsExactly("second");
        never.countDown();
        first.get(10, TimeUnit.SECONDS);
    }
}
