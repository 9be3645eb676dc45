package io.berth.socket.internal;

import static io.berth.socket.internal.TestGenerations.generation;
import static io.berth.socket.internal.TestGenerations.settings;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class GenerationTest {

    private final Generation generation = generation(settings(8080, "workers", 2), 1);

    @AfterEach
    void close() {
        Thread.interrupted();
        for (ListenerRuntime.Worker worker : generation.workers) {
            worker.acceptor.stopQuietly();
        }
    }

    @Test
    void itServesOnceTheConnectorOfEveryWorkerHasStarted() {
        assertThat(generation.serving()).isFalse();
        generation.workers.get(0).started = true;
        assertThat(generation.serving()).isFalse();
        generation.workers.get(1).started = true;
        assertThat(generation.serving()).isTrue();
    }

    @Test
    void awaitingItReturnsWhenTheLastWorkerStarts() {
        generation.workers.get(0).started = true;
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        try {
            later.schedule(() -> generation.workers.get(1).started = true, 100, TimeUnit.MILLISECONDS);
            long start = System.nanoTime();

            generation.awaitServing(20_000);

            assertThat(generation.serving()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        } finally {
            later.shutdownNow();
        }
    }

    @Test
    void awaitingItOutlastsAnInterruptAndKeepsIt() {
        Thread.currentThread().interrupt();
        long start = System.nanoTime();

        generation.awaitServing(200);

        // A newer reload interrupts the binding thread: the old generations still wait for this one.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
    }

    @Test
    void itClosesOnlyTheSocketsNoSuccessorTookOver() {
        Acceptor taken = generation.workers.get(0).acceptor;
        Acceptor own = generation.workers.get(1).acceptor;

        generation.handOver(List.of(taken));
        generation.stopAccepting();

        assertThat(taken.channel.isOpen()).as("taken over").isTrue();
        assertThat(own.channel.isOpen()).as("its own").isFalse();
        taken.stopQuietly();
    }

    @Test
    void itsAcceptorsAreInWorkerOrder() {
        assertThat(generation.acceptors()).extracting(acceptor -> acceptor.name).containsExactly("main-0", "main-1");
    }

    @Test
    void oneCallerClaimsTheDrainAndOthersWaitForItsEnd() throws Exception {
        assertThat(generation.claimDrain()).isTrue();
        assertThat(generation.claimDrain()).isFalse();
        CompletableFuture<Void> other = CompletableFuture.runAsync(generation::awaitDrained);

        generation.drained();

        other.get(10, TimeUnit.SECONDS);
    }

    @Test
    void itIsAnnouncedOnce() {
        assertThat(generation.announce()).isTrue();
        assertThat(generation.announce()).isFalse();
    }

    @Test
    void withoutConnectorsNothingIsInFlightOrStartedAndOnlyTheAddedLeaveTheHost() {
        AtomicInteger removed = new AtomicInteger();
        generation.workers.get(1).handle = removed::incrementAndGet;

        generation.removeConnectors();

        assertThat(generation.inFlight()).isZero();
        assertThat(generation.startedConnectors()).isEmpty();
        assertThat(generation.status()).containsExactly(new io.berth.api.Listener.Worker(0, 0, 0, 0, 0),
                new io.berth.api.Listener.Worker(1, 0, 0, 0, 0));
        assertThat(removed).hasValue(1);
    }
}
