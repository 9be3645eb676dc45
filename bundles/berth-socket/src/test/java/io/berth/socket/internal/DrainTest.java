package io.berth.socket.internal;

import static io.berth.socket.internal.TestGenerations.generation;
import static io.berth.socket.internal.TestGenerations.settings;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.berth.api.Lifecycle;

/** Draining, on a clock the test moves and with connectors that close when the test says. */
@Timeout(30)
class DrainTest {

    private final AtomicLong now = new AtomicLong(5_000_000_000L);
    private final AtomicInteger pauses = new AtomicInteger();
    private final List<String> posted = new CopyOnWriteArrayList<>();
    private final LifecycleEvents events = new LifecycleEvents("main", (topic, properties) -> posted.add(topic));
    private final Drain drain = new Drain("main", events, now::get, nanos -> {
        pauses.incrementAndGet();
        now.addAndGet(nanos);
    });

    @AfterEach
    void stop() throws InterruptedException {
        events.stop();
    }

    /** A connector whose connections close after it has been told to drain {@code drainsToIdle} times. */
    private static final class Connector implements Drain.Drainable {

        private final int drainsToIdle;
        private final long inFlight;
        private int drains;

        Connector(int drainsToIdle, long inFlight) {
            this.drainsToIdle = drainsToIdle;
            this.inFlight = inFlight;
        }

        @Override
        public void drain() {
            drains++;
        }

        @Override
        public boolean idle() {
            return drains >= drainsToIdle;
        }

        @Override
        public long inFlight() {
            return idle() ? 0 : inFlight;
        }
    }

    @Test
    void idleConnectorsDrainAtOnce() {
        Connector first = new Connector(1, 0);
        Connector second = new Connector(1, 0);

        long cut = drain.connectors(List.of(first, second), Duration.ofSeconds(60));

        assertThat(cut).isZero();
        assertThat(pauses).hasValue(0);
        assertThat(first.drains).isEqualTo(1);
        assertThat(second.drains).isEqualTo(1);
    }

    @Test
    void connectorsAreToldAgainUntilTheirLastConnectionClosed() {
        // A keep-alive connection between requests becomes idle only after its request finished.
        Connector busy = new Connector(4, 1);

        long cut = drain.connectors(List.of(busy), Duration.ofSeconds(60));

        assertThat(cut).isZero();
        assertThat(busy.drains).isEqualTo(4);
        assertThat(pauses).hasValue(3);
    }

    @Test
    void requestsStillRunningAtGracefulShutdownTimeoutAreCut() {
        long start = now.get();

        long cut = drain.connectors(List.of(new Connector(Integer.MAX_VALUE, 2), new Connector(1, 0),
                new Connector(Integer.MAX_VALUE, 1)), Duration.ofSeconds(1));

        assertThat(cut).isEqualTo(3);
        assertThat(Duration.ofNanos(now.get() - start)).isBetween(Duration.ofSeconds(1),
                Duration.ofSeconds(1).plusNanos(Drain.POLL_NANOS));
    }

    @Test
    void withoutTimeoutItWaitsForTheLastRequestHoweverLong() {
        Connector slow = new Connector(10_000, 1);

        long cut = drain.connectors(List.of(slow), Duration.ZERO);

        assertThat(cut).isZero();
        assertThat(slow.idle()).isTrue();
    }

    @Test
    void aGenerationIsDrainedOnceItsSocketsCloseAndItsConnectorsLeaveTheHost() throws Exception {
        Generation generation = generation(settings(8080), 4);
        AtomicInteger removed = new AtomicInteger();
        generation.workers.get(0).handle = removed::incrementAndGet;

        drain.generation(generation);
        drain.generation(generation);
        events.stop();

        assertThat(generation.workers.get(0).acceptor.channel.isOpen()).isFalse();
        assertThat(posted).containsExactly(Lifecycle.DRAINING);
        assertThat(removed).hasValue(1);
        assertThat(drain.requestsCut()).isZero();
    }

    @Test
    void whoeverAsksSecondWaitsForTheDrainUnderWay() throws Exception {
        Generation generation = generation(settings(8080), 4);
        assertThat(generation.claimDrain()).as("a reload's drain under way").isTrue();

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> drain.generation(generation));
        generation.drained();
        stopping.get(10, TimeUnit.SECONDS);
        events.stop();

        assertThat(posted).as("posted by the drain under way, not again").isEmpty();
        assertThat(generation.workers.get(0).acceptor.channel.isOpen()).as("closed by the drain under way").isTrue();
        generation.workers.get(0).acceptor.stopQuietly();
    }

    @Test
    void theDrainingEventNamesTheGeneration() throws Exception {
        List<Map<String, Object>> properties = new CopyOnWriteArrayList<>();
        LifecycleEvents named = new LifecycleEvents("main", (topic, props) -> properties.add(props));
        Generation generation = generation(settings(8080), 7);

        new Drain("main", named).generation(generation);
        named.stop();

        assertThat(properties).singleElement().satisfies(props -> assertThat(props).containsEntry(Lifecycle.GENERATION, 7));
    }
}
