package io.berth.pipeline.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the pipelines share: which pipeline serves which path (a path belongs to one pipeline,
 * since every listener shares one whiteboard), and the thread that retires replaced arrangements
 * once their requests have finished.
 */
@Component(service = {PipelineRegistry.class, ConfigurationListener.class})
public final class PipelineRegistry implements ConfigurationListener {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineRegistry.class);

    @Reference
    private ConfigurationAdmin configurationAdmin;

    /** The pipelines by name, to check after each event that they run what Configuration Admin holds. */
    private final Map<String, PipelineComponent> pipelines = new ConcurrentHashMap<>();

    /** Guarded by this: the settings each serving pipeline holds its path with. */
    private final Map<String, PipelineSettings> claims = new HashMap<>();
    /** Guarded by this: pipelines refused for a clash, and how each tries again. */
    private final Map<String, Runnable> refused = new LinkedHashMap<>();

    /** Pipelines holding their requests while a stage is updated; copied on write, read per request. */
    private volatile Map<String, Hold> holds = Map.of();

    /** Runs the registry's and the pipelines' timed tasks, one at a time. */
    interface Scheduler {
        /** Runs {@code task} after {@code delayMillis}; nothing when Berth is stopping. */
        void schedule(Runnable task, long delayMillis);
    }

    /** The thread behind {@link #scheduler}, when it is the registry's own (null in tests). */
    private final ScheduledExecutorService executor;
    private final Scheduler scheduler;

    public PipelineRegistry() {
        ScheduledExecutorService own = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "berth-pipelines");
            thread.setDaemon(true);
            return thread;
        });
        this.executor = own;
        this.scheduler = (task, delayMillis) -> {
            try {
                own.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                // Berth is stopping: the pipelines unregister what they have themselves.
            }
        };
    }

    /** For tests: timed tasks run when the test says so. */
    PipelineRegistry(ConfigurationAdmin configurationAdmin, Scheduler scheduler) {
        this.configurationAdmin = configurationAdmin;
        this.executor = null;
        this.scheduler = scheduler;
    }

    void added(String name, PipelineComponent pipeline) {
        pipelines.put(name, pipeline);
    }

    void removed(String name, PipelineComponent pipeline) {
        pipelines.remove(name, pipeline);
    }

    /**
     * Declarative Services can miss the last of two quick updates of one configuration (it reads
     * a configuration's properties and its change count separately, so it may record the newer
     * count with the older properties, then skip the newer event), and deliver those older
     * properties after the events were handled. So a pipeline's configuration is read again
     * from Configuration Admin at once after every event for it, and after every delivery DS
     * makes ({@link #resync}): whichever comes last, a read of what Configuration Admin holds
     * follows it. Reads run one at a time on the registry's thread; a pipeline applies what it
     * reads only when it differs from what it was last given, and equal settings rebuild nothing.
     *
     * <p>The missed update is Felix SCR's behaviour (its component manager reads the properties and
     * the change count apart), met in CI with {@code org.apache.felix.scr} 2.2.6, the one Karaf
     * 4.4.10's {@code scr} feature installs; not re-read in SCR's source for this note. The re-read
     * costs little: keep it after an upgrade of SCR even if that closes the race.
     */
    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (event.getType() == ConfigurationEvent.CM_UPDATED && PipelineSettings.FACTORY_PID.equals(event.getFactoryPid())) {
            resync(event.getPid());
        }
    }

    /** Reads the pipeline's configuration again, at once, and has the pipeline apply it if it missed it. */
    void resync(String pid) {
        schedule(() -> reread(pid), 0);
    }

    private void reread(String pid) {
        PipelineComponent pipeline = pipelines.get(PipelineSettings.nameOf(Map.of("service.pid", pid)));
        if (pipeline == null) {
            return;
        }
        try {
            Configuration[] found = configurationAdmin.listConfigurations("(service.pid=" + pid + ")");
            Dictionary<String, Object> properties = found == null ? null : found[0].getProperties();
            if (properties != null) {
                pipeline.resync(properties);
            }
        } catch (IOException | InvalidSyntaxException e) {
            // Configuration Admin is going away: so is the pipeline.
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        if (executor != null) {
            executor.shutdownNow();
            executor.awaitTermination(5, TimeUnit.SECONDS);
        }
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

    /**
     * A pipeline's requests waiting for a stage: released when it is back, or at the deadline. At
     * most {@code maxWaiting} wait at once, each holding a server thread; the others are refused.
     */
    static final class Hold {
        final String pipeline;
        final String stages;
        final long deadlineNanos;
        final int maxWaiting;
        private final CountDownLatch released = new CountDownLatch(1);
        private final AtomicInteger waiting = new AtomicInteger();
        private final AtomicInteger refused = new AtomicInteger();
        /** The pipeline's count of requests that waited at the gate, across holds. */
        private final LongAdder waited;

        Hold(String pipeline, String stages, long deadlineNanos, int maxWaiting, LongAdder waited) {
            this.waited = waited;
            this.pipeline = pipeline;
            this.stages = stages;
            this.deadlineNanos = deadlineNanos;
            this.maxWaiting = maxWaiting;
        }

        /**
         * A request asks to wait: call {@link #await} then {@link #leave} if allowed.
         *
         * @return false when {@code maxWaiting} requests wait already: answer 503 at once
         */
        boolean enter() {
            if (waiting.incrementAndGet() <= maxWaiting) {
                waited.increment();
                return true;
            }
            waiting.decrementAndGet();
            if (refused.getAndIncrement() == 0) {
                LOG.warn("Berth pipeline {}: {} requests wait for {} already (update_wait_requests); "
                        + "more are answered 503 until it is back", pipeline, maxWaiting, stages);
            }
            return false;
        }

        void leave() {
            waiting.decrementAndGet();
        }

        /** @return requests waiting now */
        int waiting() {
            return waiting.get();
        }

        /** @return the 503's body for a request refused by {@link #enter} */
        String refusal() {
            return "Pipeline " + pipeline + " is waiting for " + stages + " to be updated, and " + maxWaiting
                    + " requests wait already (update_wait_requests)";
        }

        /** @return seconds until the hold ends at the latest, at least 1: the 503's Retry-After */
        long secondsLeft() {
            return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadlineNanos - System.nanoTime() + 999_999_999L));
        }

        /** @return how long the caller waited, in nanoseconds */
        long await() throws InterruptedException {
            long start = System.nanoTime();
            released.await(Math.max(0, deadlineNanos - start), TimeUnit.NANOSECONDS);
            return System.nanoTime() - start;
        }
    }

    /** From now until {@link #release} or the deadline, requests for the pipeline's path wait at the gate. */
    synchronized void hold(String pipeline, String stages, long waitMillis, int maxWaiting) {
        hold(pipeline, stages, waitMillis, maxWaiting, new LongAdder());
    }

    /** As {@link #hold(String, String, long, int)}, counting each request let in to wait in {@code waited}. */
    synchronized void hold(String pipeline, String stages, long waitMillis, int maxWaiting, LongAdder waited) {
        Map<String, Hold> next = new HashMap<>(holds);
        next.put(pipeline, new Hold(pipeline, stages, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis),
                maxWaiting, waited));
        holds = Map.copyOf(next);
    }

    /** Lets the pipeline's waiting requests go on, to whatever serves its path now. */
    synchronized void unhold(String pipeline) {
        Hold hold = holds.get(pipeline);
        if (hold == null) {
            return;
        }
        Map<String, Hold> next = new HashMap<>(holds);
        next.remove(pipeline);
        holds = Map.copyOf(next);
        hold.released.countDown();
        int refused = hold.refused.get();
        if (refused > 0) {
            LOG.info("Berth pipeline {}: {} requests were answered 503 while {} requests waited for {}", pipeline,
                    refused, hold.maxWaiting, hold.stages);
        }
    }

    /**
     * The hold that applies to a request for {@code path} that came through {@code listener}: that
     * of the pipeline the whiteboard will resolve the path to (the longest path that matches), if
     * it holds and the request is the pipeline's (else it gets 404 at once: no point in waiting).
     * "The longest path that matches" is Felix's order of resolution over servlet contexts
     * ({@code registry.HandlerRegistry#resolveServlet}, contexts sorted by path length; see
     * {@link Generation}), checked against org.apache.felix.http.jetty12 1.1.8, Jetty 12.0.32.
     */
    Hold holdFor(String path, String listener) {
        Map<String, Hold> now = holds;
        if (now.isEmpty()) {
            return null;
        }
        PipelineSettings best = null;
        synchronized (this) {
            for (PipelineSettings claim : claims.values()) {
                String mount = claim.path;
                boolean matches = mount.equals("/") || path.equals(mount) || path.startsWith(mount + "/");
                if (matches && (best == null || mount.length() > best.path.length())) {
                    best = claim;
                }
            }
        }
        return best == null || !best.servedOn(listener) ? null : now.get(best.name);
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
        scheduler.schedule(task, delayMillis);
    }
}
