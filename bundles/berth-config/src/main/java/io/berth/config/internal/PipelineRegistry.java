package io.berth.config.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * What the pipelines share: which pipeline serves which path (a path belongs to one pipeline,
 * since every listener shares one whiteboard), and the thread that retires replaced arrangements
 * once their requests have finished.
 */
@Component(service = PipelineRegistry.class)
public final class PipelineRegistry {

    /** Guarded by this: the settings each serving pipeline holds its path with. */
    private final Map<String, PipelineSettings> claims = new HashMap<>();
    /** Guarded by this: pipelines refused for a clash, and how each tries again. */
    private final Map<String, Runnable> refused = new LinkedHashMap<>();

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "berth-pipelines");
        thread.setDaemon(true);
        return thread;
    });

    @Deactivate
    void deactivate() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }

    /**
     * Claims a pipeline's path for its settings, replacing the pipeline's earlier claim.
     *
     * @param retry run when another pipeline's claim is released, if this one was refused
     * @return why the path cannot be this pipeline's (for the {@code path} key), or {@code null}
     *     once it is
     */
    String claim(PipelineSettings settings, Runnable retry) {
        PipelineSettings earlier;
        synchronized (this) {
            for (PipelineSettings other : claims.values()) {
                String clash = other.name.equals(settings.name) ? null : settings.clashWith(other);
                if (clash != null) {
                    refused.put(settings.name, retry);
                    return clash;
                }
            }
            refused.remove(settings.name);
            earlier = claims.put(settings.name, settings);
        }
        if (earlier != null && !earlier.path.equals(settings.path)) {
            retryRefused();
        }
        return null;
    }

    /** The pipeline serves nothing any more: pipelines refused for its path try again. */
    void release(String name) {
        synchronized (this) {
            refused.remove(name);
            if (claims.remove(name) == null) {
                return;
            }
        }
        retryRefused();
    }

    private void retryRefused() {
        List<Runnable> retries;
        synchronized (this) {
            retries = new ArrayList<>(refused.values());
        }
        for (Runnable retry : retries) {
            execute(retry);
        }
    }

    void execute(Runnable task) {
        schedule(task, 0);
    }

    void schedule(Runnable task, long delayMillis) {
        try {
            executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // Berth is stopping: the pipelines unregister what they have themselves.
        }
    }
}
