package io.berth.socket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.berth.api.InvalidSettingException;
import io.berth.api.Lifecycle;

@Timeout(30)
class LifecycleEventsTest {

    private final List<String> posted = new CopyOnWriteArrayList<>();
    private final List<Map<String, Object>> properties = new CopyOnWriteArrayList<>();

    @Test
    void anEventNamesTheListenerItsUrlAndTheGeneration() throws Exception {
        LifecycleEvents events = new LifecycleEvents("main", this::record);

        events.publish(Lifecycle.STARTED, settings(), 3);
        events.stop();

        assertThat(posted).containsExactly(Lifecycle.STARTED);
        assertThat(properties.get(0)).containsExactlyInAnyOrderEntriesOf(Map.of(Lifecycle.LISTENER, "main",
                Lifecycle.URL, "http://127.0.0.1:8080/", Lifecycle.GENERATION, 3));
    }

    @Test
    void theRequestsCutAreNamedWhenGiven() throws Exception {
        LifecycleEvents events = new LifecycleEvents("main", this::record);

        events.publish(Lifecycle.STOPPED, settings(), 2, 5L);
        events.stop();

        assertThat(properties.get(0)).containsEntry(Lifecycle.REQUESTS_CUT, 5L);
    }

    @Test
    void eventsArriveInTheOrderTheyHappenedOnTheListenersOwnThread() throws Exception {
        List<String> threads = new CopyOnWriteArrayList<>();
        LifecycleEvents events = new LifecycleEvents("main", (topic, props) -> {
            threads.add(Thread.currentThread().getName());
            record(topic, props);
        });
        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            events.publish(Lifecycle.RELOADING, settings(), i);
            expected.add(i);
        }
        events.stop();

        assertThat(properties).extracting(p -> (Integer) p.get(Lifecycle.GENERATION)).containsExactlyElementsOf(expected);
        assertThat(threads).containsOnly("berth-events-main");
    }

    @Test
    void aSlowEventAdminHoldsUpNobodyWhoPublishes() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        LifecycleEvents events = new LifecycleEvents("main", (topic, props) -> {
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            record(topic, props);
        });

        // Returns although the first event is stuck in the sink (the test's timeout says otherwise).
        events.publish(Lifecycle.BEFORE_SPAWN, settings(), 1);
        events.publish(Lifecycle.STARTED, settings(), 1);
        assertThat(posted).isEmpty();

        release.countDown();
        events.stop();
        assertThat(posted).containsExactly(Lifecycle.BEFORE_SPAWN, Lifecycle.STARTED);
    }

    @Test
    void anEventThatFailsIsLoggedAndTheNextIsPosted() throws Exception {
        LifecycleEvents events = new LifecycleEvents("main", (topic, props) -> {
            if (topic.equals(Lifecycle.WORKER_DIED)) {
                throw new IllegalStateException("EventAdmin refused it");
            }
            record(topic, props);
        });

        events.publish(Lifecycle.WORKER_DIED, settings(), 1);
        events.publish(Lifecycle.DRAINING, settings(), 1);
        events.stop();

        assertThat(posted).containsExactly(Lifecycle.DRAINING);
    }

    @Test
    void onceStoppedEventsAreDropped() throws Exception {
        LifecycleEvents events = new LifecycleEvents("main", this::record);
        events.stop();

        events.publish(Lifecycle.STOPPED, settings(), 1, 0L);

        assertThat(posted).isEmpty();
    }

    private void record(String topic, Map<String, Object> props) {
        properties.add(props);
        posted.add(topic);
    }

    static ListenerSettings settings() throws InvalidSettingException {
        return ListenerSettings.parse("main", Map.of("bind_ip", "127.0.0.1", "bind_port", 8080));
    }
}
