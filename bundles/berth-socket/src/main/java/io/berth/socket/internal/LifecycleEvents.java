package io.berth.socket.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.Lifecycle;

/**
 * Posts one listener's lifecycle events ({@link Lifecycle}'s topics, oslo's
 * {@code registry.publish}) in the order they happened: one thread of the listener's own posts
 * them all, so a slow or failing EventAdmin holds up no bind, reload or drain. An event that
 * fails is logged and the next is posted; once stopped, events are dropped.
 */
final class LifecycleEvents {

    /** Logs as the listener, as it did before this was a class of its own. */
    private static final Logger LOG = LoggerFactory.getLogger(ListenerRuntime.class);

    private final String listener;
    private final LifecycleSink sink;
    private final ExecutorService publisher;

    LifecycleEvents(String listener, LifecycleSink sink) {
        this.listener = listener;
        this.sink = sink;
        this.publisher = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "berth-events-" + listener);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** An event of this generation, naming the listener, its URL and the generation. */
    void publish(String topic, ListenerSettings settings, int generation) {
        publish(topic, settings, generation, null);
    }

    /** @param cut requests cut by a drain, for {@link Lifecycle#STOPPED}; null: none named */
    void publish(String topic, ListenerSettings settings, int generation, Long cut) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(Lifecycle.LISTENER, listener);
        properties.put(Lifecycle.URL, settings.url());
        properties.put(Lifecycle.GENERATION, generation);
        if (cut != null) {
            properties.put(Lifecycle.REQUESTS_CUT, cut);
        }
        try {
            publisher.execute(() -> {
                try {
                    sink.publish(topic, properties);
                } catch (RuntimeException e) {
                    LOG.warn("Lifecycle event {} of listener {} could not be posted", topic, listener, e);
                }
            });
        } catch (RejectedExecutionException stopped) {
            LOG.debug("Listener {} stopped: event {} not posted", listener, topic);
        }
    }

    /** Posts what is queued, for up to five seconds, and no more events after. */
    void stop() throws InterruptedException {
        publisher.shutdown();
        publisher.awaitTermination(5, TimeUnit.SECONDS);
    }
}
