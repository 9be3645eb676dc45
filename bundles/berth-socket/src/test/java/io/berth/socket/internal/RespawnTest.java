package io.berth.socket.internal;

import static io.berth.socket.internal.TestGenerations.boundAcceptor;
import static io.berth.socket.internal.TestGenerations.generation;
import static io.berth.socket.internal.TestGenerations.settings;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.berth.api.Lifecycle;

/** Respawning dead workers, on a clock the test moves, with the listener played by the test. */
@Timeout(30)
class RespawnTest {

    private final AtomicLong now = new AtomicLong(7_000_000_000L);
    private final List<Long> waits = new CopyOnWriteArrayList<>();
    private final List<String> posted = new CopyOnWriteArrayList<>();
    private final List<String> opened = new CopyOnWriteArrayList<>();
    private final List<Acceptor> adopted = new CopyOnWriteArrayList<>();
    private final List<Acceptor> made = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final ExecutorService tasks = Executors.newSingleThreadExecutor();
    private final LifecycleEvents events = new LifecycleEvents("main", (topic, properties) -> posted.add(topic));
    private final Generation generation = generation(settings(8080, "workers", 2), 3);
    private final ListenerRuntime.Worker worker = generation.workers.get(1);

    private boolean current = true;
    private boolean adopts = true;
    private IOException bindFailure;

    private final Respawn respawn = new Respawn("main", tasks, new Respawn.Owner() {
        @Override
        public boolean current(Generation generation) {
            return current && generation == RespawnTest.this.generation;
        }

        @Override
        public boolean adopt(ListenerRuntime.Worker worker, Acceptor acceptor) {
            if (adopts) {
                adopted.add(acceptor);
            }
            return adopts;
        }

        @Override
        public void fail(String line) {
            failures.add(line);
        }
    }, (name, settings) -> {
        opened.add(name + " " + settings.url());
        if (bindFailure != null) {
            throw bindFailure;
        }
        Acceptor acceptor = boundAcceptor(name);
        made.add(acceptor);
        return acceptor;
    }, events, now::get, nanos -> {
        waits.add(nanos);
        now.addAndGet(nanos);
    });

    @AfterEach
    void stop() throws InterruptedException {
        tasks.shutdownNow();
        events.stop();
        made.forEach(Acceptor::stopQuietly);
        generation.workers.forEach(each -> each.acceptor.stopQuietly());
    }

    @Test
    void aDeadWorkerGetsANewSocketAtOnceTheFirstTime() throws Exception {
        respawn.died(worker);
        settle();

        assertThat(opened).containsExactly("main-1 http://127.0.0.1:8080/");
        assertThat(adopted).containsExactlyElementsOf(made);
        assertThat(waits).containsExactly(0L);
        events.stop();
        assertThat(posted).containsExactly(Lifecycle.WORKER_DIED);
    }

    @Test
    void workersDyingFasterThanOnceASecondAreRespawnedOnceASecond() throws Exception {
        respawn.died(worker);
        settle();
        now.addAndGet(Duration.ofMillis(300).toNanos());

        respawn.died(worker);
        settle();

        assertThat(waits).containsExactly(0L, Duration.ofMillis(700).toNanos());
        assertThat(adopted).hasSize(2);
    }

    @Test
    void aWorkerOfAReplacedGenerationIsLeftDead() throws Exception {
        current = false;

        respawn.died(worker);
        settle();

        assertThat(opened).isEmpty();
        events.stop();
        assertThat(posted).isEmpty();
    }

    @Test
    void aStoppingListenerRespawnsNothing() throws Exception {
        tasks.shutdown();

        respawn.died(worker);

        assertThat(tasks.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(opened).isEmpty();
    }

    @Test
    void aNewSocketWhoseGenerationWasReplacedMeanwhileIsClosed() throws Exception {
        adopts = false;

        respawn.died(worker);
        settle();

        assertThat(made).hasSize(1).noneMatch(acceptor -> acceptor.channel.isOpen());
    }

    @Test
    void aWorkerThatCannotBindAgainFailsTheListener() throws Exception {
        bindFailure = new IOException("Address already in use");

        respawn.died(worker);
        settle();

        assertThat(failures).containsExactly("berth.listener-main: worker 1 could not be respawned: Address already in use");
    }

    /** Waits until what died() queued on the listener's thread has run. */
    private void settle() throws Exception {
        tasks.submit(() -> { }).get(10, TimeUnit.SECONDS);
    }
}
