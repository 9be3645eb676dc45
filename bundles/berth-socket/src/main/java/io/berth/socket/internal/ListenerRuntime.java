package io.berth.socket.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.felix.http.jetty.ConnectorFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.Lifecycle;
import io.berth.api.Listener.State;

/**
 * The life of one listener, apart from OSGi: binds its socket, serves it through a connector
 * on the host's Jetty, and on a change of settings starts a new connector before the old one
 * drains, so no client sees a refused connection, a reset or a failed request:
 * <ul>
 * <li>same socket (address, port, backlog, reuse_port unchanged): the new connector takes over
 * the same listening socket, which never closes;</li>
 * <li>new address or port: the new socket is bound first, then the old one closes;</li>
 * <li>same address and port with another backlog or reuse_port: the old socket must close
 * before the new one binds, so there is a gap of a few milliseconds.</li>
 * </ul>
 * Draining a connector: its responses close their connections, its idle connections are
 * closed, and requests in flight finish, for up to {@code graceful_shutdown_timeout}.
 */
final class ListenerRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(ListenerRuntime.class);
    private static final long POLL_MS = 20;

    private final String name;
    private final ConnectorHost host;
    private final LifecycleSink events;
    private final ExecutorService tasks;
    private final ExecutorService drains;
    /** One thread posts every event of this listener, so they arrive in the order they happened. */
    private final ExecutorService publisher;
    private final AtomicInteger generations = new AtomicInteger();
    private final AtomicLong requestsCut = new AtomicLong();

    /** Guarded by this. */
    private Generation current;
    private Future<?> pending;
    private ListenerSettings applied;
    /** Generations replaced by a reload: they serve until the new one does, then drain. */
    private final List<Generation> retiring = new CopyOnWriteArrayList<>();

    private volatile State state = State.STARTING;
    private volatile String reason;
    private volatile String url = "";

    ListenerRuntime(String name, ConnectorHost host, LifecycleSink events) {
        this.name = name;
        this.host = host;
        this.events = events;
        this.tasks = Executors.newSingleThreadExecutor(task -> thread(task, "berth-listener-" + name));
        this.drains = Executors.newCachedThreadPool(task -> thread(task, "berth-drain-" + name));
        this.publisher = Executors.newSingleThreadExecutor(task -> thread(task, "berth-events-" + name));
    }

    ListenerRuntime(String name, ConnectorHost host) {
        this(name, host, LifecycleSink.NONE);
    }

    private static Thread thread(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Serves with these settings: the first time, or as a reload. Binding happens on the listener's thread. */
    synchronized void apply(ListenerSettings next) {
        if (pending != null) {
            pending.cancel(true); // a bind still waiting for its port is abandoned
        }
        Generation base = current != null ? current : newestRetiring();
        if (current != null) {
            retiring.add(current);
            current = null;
        }
        applied = next;
        url = next.url();
        int generation = generations.incrementAndGet();
        if (base == null) {
            state = State.STARTING;
        } else {
            publish(Lifecycle.RELOADING, next, generation, null);
        }
        pending = tasks.submit(() -> start(next, base, generation));
    }

    /** A seamless reload with the settings in force. */
    synchronized void reload() {
        if (applied != null) {
            apply(applied);
        }
    }

    private void publish(String topic, ListenerSettings settings, int generation, Long cut) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(Lifecycle.LISTENER, name);
        properties.put(Lifecycle.URL, settings.url());
        properties.put(Lifecycle.GENERATION, generation);
        if (cut != null) {
            properties.put(Lifecycle.REQUESTS_CUT, cut);
        }
        try {
            publisher.execute(() -> {
                try {
                    events.publish(topic, properties);
                } catch (RuntimeException e) {
                    LOG.warn("Lifecycle event {} of listener {} could not be posted", topic, name, e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            LOG.debug("Listener {} stopped: event {} not posted", name, topic);
        }
    }

    /** Why the listener is not serving, set by its owner when its settings are invalid. */
    void fail(String line) {
        LOG.error(line);
        state = State.FAILED;
        reason = line;
    }

    /**
     * Stops accepting (the socket closes), lets requests in flight finish up to
     * {@code graceful_shutdown_timeout}, then stops.
     */
    void stop() throws InterruptedException {
        List<Generation> all;
        synchronized (this) {
            if (pending != null) {
                pending.cancel(true);
                pending = null;
            }
            all = new ArrayList<>(retiring);
            if (current != null) {
                all.add(current);
                current = null;
            }
        }
        tasks.shutdownNow();
        tasks.awaitTermination(5, TimeUnit.SECONDS);
        state = State.DRAINING;
        for (Generation generation : all) {
            generation.stopAccepting();
        }
        for (Generation generation : all) {
            drain(generation);
        }
        drains.shutdown();
        drains.awaitTermination(5, TimeUnit.SECONDS);
        state = State.STOPPED;
        ListenerSettings last = applied;
        if (last != null) {
            publish(Lifecycle.STOPPED, last, generations.get(), requestsCut.get());
        }
        publisher.shutdown();
        publisher.awaitTermination(5, TimeUnit.SECONDS);
    }

    State state() {
        return state;
    }

    String reason() {
        return reason;
    }

    String url() {
        return url;
    }

    /** Requests in flight on every connector of this listener, draining ones included. */
    long inFlight() {
        long count = 0;
        for (Generation generation : generations()) {
            BerthConnector connector = generation.connector;
            count += connector == null ? 0 : connector.inFlight.get();
        }
        return count;
    }

    private synchronized List<Generation> generations() {
        List<Generation> all = new ArrayList<>(retiring);
        if (current != null) {
            all.add(current);
        }
        return all;
    }

    private Generation newestRetiring() {
        return retiring.isEmpty() ? null : retiring.get(retiring.size() - 1);
    }

    /** On the listener's thread. */
    private void start(ListenerSettings next, Generation base, int number) {
        Acceptor acceptor;
        boolean sameSocket = base != null && base.settings.sameSocket(next);
        try {
            if (sameSocket) {
                acceptor = base.acceptor;
            } else {
                if (base != null && base.settings.socketAddress().equals(next.socketAddress())) {
                    // Same address and port but a new backlog or reuse_port: the socket cannot be
                    // shared, and a second one cannot be bound beside it.
                    base.stopAccepting();
                }
                acceptor = new Acceptor(name, Binder.bind(next));
                acceptor.start();
            }
        } catch (Binder.BindTimeoutException e) {
            fail(e.getMessage());
            return;
        } catch (IOException e) {
            fail("berth.listener-" + name + ": " + ListenerSettings.BIND_IP + ": cannot bind " + next.hostPort()
                    + " (" + e.getMessage() + ")");
            return;
        } catch (InterruptedException e) {
            return; // replaced or stopped while waiting for the port
        }
        Generation generation = new Generation(next, acceptor, number);
        List<Generation> replaced;
        synchronized (this) {
            if (Thread.currentThread().isInterrupted()) {
                if (!sameSocket) {
                    acceptor.stopQuietly();
                }
                return;
            }
            if (sameSocket) {
                // The socket now belongs to the new generation: draining the old ones leaves it open.
                for (Generation old : retiring) {
                    if (old.acceptor == acceptor) {
                        old.ownsAcceptor = false;
                    }
                }
            }
            current = generation;
            replaced = new ArrayList<>(retiring);
            publish(Lifecycle.BEFORE_SPAWN, next, number, null);
            generation.handle = host.add(generation, "Berth listener " + name + " on " + next.url());
        }
        if (!replaced.isEmpty()) {
            // The new connector serves first; then the old ones drain, without holding up the next reload.
            awaitServing(generation);
            for (Generation old : replaced) {
                drains.execute(() -> {
                    drain(old);
                    retiring.remove(old);
                });
            }
            LOG.info("Berth listener {} reloaded", name);
        }
    }

    private static void awaitServing(Generation generation) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (generation.connector == null || !generation.connector.isStarted()) {
            if (System.nanoTime() > deadline || Thread.currentThread().isInterrupted()) {
                return;
            }
            sleep();
        }
    }

    /** Once per generation, whoever asks first (a reload's drain, or stop()). */
    private void drain(Generation generation) {
        if (!generation.draining.compareAndSet(false, true)) {
            generation.awaitDrained();
            return;
        }
        try {
            generation.stopAccepting();
            publish(Lifecycle.DRAINING, generation.settings, generation.number, null);
            BerthConnector connector = generation.connector;
            if (connector != null && connector.isStarted()) {
                Duration limit = generation.settings.gracefulShutdownTimeout;
                long deadline = limit.isZero() ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
                connector.drain();
                while (!connector.idle() && System.nanoTime() < deadline) {
                    sleep();
                    // Connections that finished their last request meanwhile are idle now.
                    connector.drain();
                }
                long cut = connector.inFlight.get();
                if (cut > 0) {
                    requestsCut.addAndGet(cut);
                    LOG.warn("Berth listener {}: {} request(s) still running after graceful_shutdown_timeout ({} s) were cut",
                            name, cut, ListenerSettings.format(limit.toMillis() / 1000.0));
                }
            }
            if (generation.handle != null) {
                generation.handle.remove();
            }
        } finally {
            generation.drained.countDown();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One set of settings serving: the connectors Jetty asks for while they are current. */
    private final class Generation implements ConnectorFactory {

        final ListenerSettings settings;
        final Acceptor acceptor;
        final int number;
        final AtomicBoolean draining = new AtomicBoolean();
        final CountDownLatch drained = new CountDownLatch(1);
        volatile boolean ownsAcceptor = true;
        volatile ConnectorHost.Handle handle;
        volatile BerthConnector connector;

        Generation(ListenerSettings settings, Acceptor acceptor, int number) {
            this.settings = settings;
            this.acceptor = acceptor;
            this.number = number;
        }

        @Override
        public Connector createConnector(Server server) {
            try {
                BerthConnector[] made = new BerthConnector[1];
                made[0] = Connectors.create(server, settings, () -> {
                    connector = made[0];
                    acceptor.serveWith(made[0]);
                    if (isCurrent()) {
                        state = State.SERVING;
                        reason = null;
                        LOG.info("Berth listener {} started on {}", name, settings.url());
                        publish(Lifecycle.STARTED, settings, number, null);
                    }
                }, () -> acceptor.release(made[0]));
                return made[0];
            } catch (InvalidSettingException e) {
                String line = "berth.listener-" + name + ": " + e.getMessage();
                fail(line);
                throw new IllegalStateException(line, e);
            }
        }

        /** Closes the socket unless a newer generation took it over. */
        void stopAccepting() {
            if (ownsAcceptor) {
                acceptor.stopQuietly();
            }
        }

        void awaitDrained() {
            try {
                drained.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private boolean isCurrent() {
            synchronized (ListenerRuntime.this) {
                return current == this;
            }
        }
    }
}
