package io.berth.socket.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.apache.felix.http.jetty.ConnectorFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.InvalidSettingException;
import io.berth.api.Lifecycle;
import io.berth.api.Listener.State;

/**
 * The life of one listener, apart from OSGi. A listener serves through workers: one socket
 * (workers = 0), or N sockets sharing the port with SO_REUSEPORT so the kernel spreads
 * connections, each with its own acceptor and its own Jetty connector (selectors, bound of
 * max_clients requests in flight). A set of workers with one set of settings is a
 * {@link Generation}.
 * <p>
 * On a change of settings, a new generation serves before the old one drains, so no client sees
 * a refused connection, a reset or a failed request: the new one binds its sockets or takes over
 * the old ones' ({@link SocketPlan}), its connectors start, and then the old ones drain
 * ({@link Drain}). A worker whose socket dies is replaced ({@link Respawn}). Stopping, the listener first stays
 * in service for what is left of shutdown_delay ({@link OutOfService}). Every step is posted as a
 * lifecycle event ({@link LifecycleEvents}). This class keeps which generation serves and which
 * retire, under its lock, and the listener's state.
 */
final class ListenerRuntime implements Respawn.Owner {

    private static final Logger LOG = LoggerFactory.getLogger(ListenerRuntime.class);
    /** How long a reload waits for its new connectors to start before the old ones drain regardless. */
    private static final long START_TIMEOUT_MS = TimeUnit.SECONDS.toMillis(30);

    private final String name;
    private final ConnectorHost host;
    private final BooleanSupplier ready;
    /** The listener's thread: binds, respawns. */
    private final ExecutorService tasks;
    private final ExecutorService drains;
    private final LifecycleEvents events;
    /** Looks at cert_file and key_file every cert_check_interval, when the listener serves TLS. */
    private final CertificateWatch certificates;
    private final ListenerTotals totals = new ListenerTotals();
    private final OutOfService outOfService;
    private final Drain drain;
    private final Respawn respawn;
    private final AtomicInteger generations = new AtomicInteger();

    /** Guarded by this. */
    private Generation current;
    private Future<?> pending;
    private ListenerSettings applied;
    /** Generations replaced by a reload: they serve until the new one does, then drain. */
    private final List<Generation> retiring = new CopyOnWriteArrayList<>();

    private volatile State state = State.STARTING;
    private volatile String reason;
    private volatile String url = "";

    /**
     * @param ready whether the host's application is ready for requests; until it is, new
     *     connections wait in the backlog (Felix's whiteboard adds its servlets just after Jetty starts)
     */
    ListenerRuntime(String name, ConnectorHost host, LifecycleSink events, BooleanSupplier ready) {
        this.name = name;
        this.host = host;
        this.ready = ready;
        this.tasks = Executors.newSingleThreadExecutor(task -> thread(task, "berth-listener-" + name));
        this.drains = Executors.newCachedThreadPool(task -> thread(task, "berth-drain-" + name));
        this.events = new LifecycleEvents(name, events);
        this.certificates = new CertificateWatch(name, this::reload);
        this.outOfService = new OutOfService(name, totals);
        this.drain = new Drain(name, this.events);
        this.respawn = new Respawn(name, tasks, this, this::open, this.events, System::nanoTime, Pause.SLEEP);
    }

    ListenerRuntime(String name, ConnectorHost host, LifecycleSink events) {
        this(name, host, events, () -> true);
    }

    ListenerRuntime(String name, ConnectorHost host) {
        this(name, host, LifecycleSink.NONE);
    }

    private static Thread thread(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    private Acceptor open(String acceptor, ListenerSettings settings) throws IOException, InterruptedException {
        return new Acceptor(acceptor, Binder.bind(settings), ready);
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
        certificates.watch(next);
        int number = generations.incrementAndGet();
        if (base == null) {
            state = State.STARTING;
        } else {
            totals.reloads.incrementAndGet();
            events.publish(Lifecycle.RELOADING, next, number);
        }
        pending = tasks.submit(() -> start(next, base, number));
    }

    /** A seamless reload with the settings in force. */
    synchronized void reload() {
        if (applied != null) {
            apply(applied);
        }
    }

    /** Why the listener is not serving, set by its owner when its settings are invalid. */
    @Override
    public void fail(String line) {
        LOG.error(line);
        state = State.FAILED;
        reason = line;
    }

    /**
     * Out of service for {@code shutdown_delay} first (what is left of it, if an operator's drain
     * or SIGTERM began it earlier), still accepting and serving; then stops accepting (the sockets
     * close), lets requests in flight finish up to {@code graceful_shutdown_timeout}, and stops.
     */
    void stop() throws InterruptedException {
        outOfService.leave(shutdownDelay(), state == State.SERVING);
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
        certificates.stop();
        state = State.DRAINING;
        outOfService.forGood();
        for (Generation generation : all) {
            generation.stopAccepting();
        }
        for (Generation generation : all) {
            drain.generation(generation);
        }
        drains.shutdown();
        drains.awaitTermination(5, TimeUnit.SECONDS);
        state = State.STOPPED;
        ListenerSettings last = applied;
        if (last != null) {
            events.publish(Lifecycle.STOPPED, last, generations.get(), drain.requestsCut());
        }
        events.stop();
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
            count += generation.inFlight();
        }
        return count;
    }

    /** Out of service by an operator's drain(): requests carry the draining flag; stop() sets it for good. */
    void outOfService(boolean out) {
        outOfService.set(out);
    }

    boolean outOfService() {
        return outOfService.out();
    }

    /** The listener's shutdown_delay, zero before it has settings. */
    Duration shutdownDelay() {
        ListenerSettings settings = applied;
        return settings == null ? Duration.ZERO : settings.shutdownDelay;
    }

    long requests() {
        return totals.requests.sum();
    }

    long errors() {
        return totals.errors.sum();
    }

    /** The listener's counters across reloads: accepted, refused, reloads, drains, respawns. */
    ListenerTotals totals() {
        return totals;
    }

    /** Counts of the current generation's workers. */
    List<io.berth.api.Listener.Worker> workerStatus() {
        Generation serving;
        synchronized (this) {
            serving = current;
        }
        return serving == null ? List.of() : serving.status();
    }

    /** The current generation's workers, for tests that need to kill one. */
    synchronized List<Worker> workers() {
        return current == null ? List.of() : current.workers;
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
        SocketPlan plan = SocketPlan.of(base == null ? null : base.settings, next);
        List<Acceptor> acceptors;
        try {
            acceptors = plan.acceptors(name, base, next, this::open);
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
        Generation generation = new Generation(next, number);
        for (int i = 0; i < acceptors.size(); i++) {
            generation.workers.add(new Worker(generation, i, acceptors.get(i), totals, this::workerStarted, this::fail));
        }
        List<Generation> replaced;
        synchronized (this) {
            if (Thread.currentThread().isInterrupted()) {
                plan.release(acceptors);
                return;
            }
            if (plan == SocketPlan.TAKE_OVER) {
                // The sockets now belong to the new generation: draining the old ones leaves them open.
                retiring.forEach(old -> old.handOver(acceptors));
            } else {
                for (Worker worker : generation.workers) {
                    worker.acceptor.start(() -> respawn.died(worker));
                }
            }
            current = generation;
            replaced = new ArrayList<>(retiring);
            events.publish(Lifecycle.BEFORE_SPAWN, next, number);
            for (Worker worker : generation.workers) {
                worker.handle = host.add(worker, "Berth listener " + name + " worker " + worker.index + " on " + next.url());
            }
        }
        if (!replaced.isEmpty()) {
            // The new connectors serve first; then the old ones drain, without holding up the next reload.
            generation.awaitServing(START_TIMEOUT_MS);
            for (Generation old : replaced) {
                drains.execute(() -> {
                    drain.generation(old);
                    retiring.remove(old);
                });
            }
            LOG.info("Berth listener {} reloaded", name);
        }
    }

    /** A worker's connector started: once all of the current generation's have, the listener serves. */
    private void workerStarted(Worker worker) {
        Generation generation = worker.generation;
        synchronized (this) {
            if (current != generation || !generation.serving()) {
                return;
            }
            state = State.SERVING;
            reason = null;
        }
        if (generation.announce()) {
            LOG.info("Berth listener {} started on {}{}", name, generation.settings.url(),
                    generation.settings.workers > 0 ? " with " + generation.settings.workers + " workers" : "");
            events.publish(Lifecycle.STARTED, generation.settings, generation.number);
        }
    }

    @Override
    public synchronized boolean current(Generation generation) {
        return current == generation;
    }

    @Override
    public synchronized boolean adopt(Worker worker, Acceptor acceptor) {
        if (current != worker.generation) {
            return false;
        }
        worker.adopt(acceptor, () -> respawn.died(worker));
        totals.respawns.incrementAndGet();
        return true;
    }

    /**
     * A socket, its acceptor and the connector Jetty asks this worker for: Felix's
     * {@code ConnectorFactoryTracker} (org.apache.felix.http.jetty12 1.1.8) calls
     * {@link #createConnector} when the worker's service is registered, and again for a new
     * {@code Server} after Felix restarts Jetty; the acceptor outlives those connectors.
     */
    static final class Worker implements ConnectorFactory {

        final Generation generation;
        final int index;
        private final ListenerTotals totals;
        private final Consumer<Worker> onStarted;
        private final Consumer<String> onInvalid;
        volatile Acceptor acceptor;
        /** False once a newer generation took the socket over: this worker's drain leaves it open. */
        volatile boolean ownsAcceptor = true;
        volatile ConnectorHost.Handle handle;
        volatile BerthConnector connector;
        /** Its connector has started (Jetty's own state turns STARTED only after the callback). */
        volatile boolean started;

        /**
         * @param totals the listener's counters, which its connectors count into
         * @param onStarted told on Jetty's thread once a connector of this worker has started
         * @param onInvalid told why the settings make no connector (a TLS file gone bad since validation)
         */
        Worker(Generation generation, int index, Acceptor acceptor, ListenerTotals totals, Consumer<Worker> onStarted,
                Consumer<String> onInvalid) {
            this.generation = generation;
            this.index = index;
            this.acceptor = acceptor;
            this.totals = totals;
            this.onStarted = onStarted;
            this.onInvalid = onInvalid;
        }

        @Override
        public Connector createConnector(Server server) {
            ListenerSettings settings = generation.settings;
            try {
                BerthConnector[] made = new BerthConnector[1];
                made[0] = Connectors.create(server, settings, totals, () -> {
                    connector = made[0];
                    started = true;
                    acceptor.serveWith(made[0]);
                    onStarted.accept(this);
                }, () -> {
                    started = false;
                    acceptor.release(made[0]);
                });
                return made[0];
            } catch (InvalidSettingException e) {
                String line = "berth.listener-" + settings.name + ": " + e.getMessage();
                onInvalid.accept(line);
                throw new IllegalStateException(line, e);
            }
        }

        /** A respawn's new socket: it accepts from now on, for the connector serving now. */
        void adopt(Acceptor fresh, Runnable onDeath) {
            acceptor = fresh;
            ownsAcceptor = true;
            fresh.start(onDeath);
            BerthConnector serving = connector;
            if (serving != null) {
                fresh.serveWith(serving);
            }
        }

        /** Kills the worker's socket, as a lost bind would: for tests of the respawn. */
        void kill() throws IOException {
            acceptor.channel.close();
        }
    }
}
