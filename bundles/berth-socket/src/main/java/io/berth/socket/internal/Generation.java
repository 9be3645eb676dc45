package io.berth.socket.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One set of a listener's settings and the workers serving with it. A reload makes a new
 * generation; the one it replaces serves until the new one does, then drains, once, whoever asks
 * first (the reload, or the listener stopping). The sockets a generation took over from the one
 * before it stay open when that one drains.
 */
final class Generation {

    private static final long POLL_MS = 20;

    final ListenerSettings settings;
    /** The listener's count of generations: the first is 1. */
    final int number;
    /** Filled before the generation is made current, not changed after. */
    final List<ListenerRuntime.Worker> workers = new ArrayList<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final CountDownLatch drained = new CountDownLatch(1);
    private final AtomicBoolean announced = new AtomicBoolean();

    Generation(ListenerSettings settings, int number) {
        this.settings = settings;
        this.number = number;
    }

    /** Whether the connector of every worker has started. */
    boolean serving() {
        for (ListenerRuntime.Worker worker : workers) {
            if (!worker.started) {
                return false;
            }
        }
        return true;
    }

    /**
     * Waits until every worker serves, for up to {@code timeoutMillis}, even if the thread is
     * interrupted meanwhile (a newer reload): the generations before it must not drain before it
     * takes connections. The interrupt is kept for the caller.
     */
    void awaitServing(long timeoutMillis) {
        boolean interrupted = Thread.interrupted();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!serving() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The workers' acceptors, in worker order: what a successor with the same sockets takes over. */
    List<Acceptor> acceptors() {
        List<Acceptor> acceptors = new ArrayList<>();
        for (ListenerRuntime.Worker worker : workers) {
            acceptors.add(worker.acceptor);
        }
        return acceptors;
    }

    /** A successor took over these sockets: this generation's drain leaves them open. */
    void handOver(List<Acceptor> taken) {
        for (ListenerRuntime.Worker worker : workers) {
            worker.ownsAcceptor = !taken.contains(worker.acceptor) && worker.ownsAcceptor;
        }
    }

    /** Closes the sockets no newer generation took over. */
    void stopAccepting() {
        for (ListenerRuntime.Worker worker : workers) {
            if (worker.ownsAcceptor) {
                worker.acceptor.stopQuietly();
            }
        }
    }

    /** The connectors Jetty has started for the workers (after a Jetty restart, the new ones). */
    List<BerthConnector> startedConnectors() {
        List<BerthConnector> connectors = new ArrayList<>();
        for (ListenerRuntime.Worker worker : workers) {
            BerthConnector connector = worker.connector;
            if (connector != null && connector.isStarted()) {
                connectors.add(connector);
            }
        }
        return connectors;
    }

    /** Requests in flight on the workers' connectors. */
    long inFlight() {
        long count = 0;
        for (ListenerRuntime.Worker worker : workers) {
            BerthConnector connector = worker.connector;
            count += connector == null ? 0 : connector.inFlight();
        }
        return count;
    }

    /** Counts of the workers, for the listener's status: zeros for a worker whose connector has not started yet. */
    List<io.berth.api.Listener.Worker> status() {
        List<io.berth.api.Listener.Worker> status = new ArrayList<>();
        for (ListenerRuntime.Worker worker : workers) {
            BerthConnector connector = worker.connector;
            status.add(connector == null ? new io.berth.api.Listener.Worker(worker.index, 0, 0, 0, 0)
                    : new io.berth.api.Listener.Worker(worker.index, connector.getConnectedEndPoints().size(),
                            connector.inFlight(), connector.requests.sum(), connector.errors.sum()));
        }
        return status;
    }

    /** Takes the workers' connectors off the host: they stop and leave Jetty. */
    void removeConnectors() {
        for (ListenerRuntime.Worker worker : workers) {
            ConnectorHost.Handle handle = worker.handle;
            if (handle != null) {
                handle.remove();
            }
        }
    }

    /** @return true to the first caller only, who drains it and then calls {@link #drained()} */
    boolean claimDrain() {
        return draining.compareAndSet(false, true);
    }

    void drained() {
        drained.countDown();
    }

    /** Waits for the drain someone else claimed; interrupted: stops waiting, keeps the interrupt. */
    void awaitDrained() {
        try {
            drained.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return true the first time only: its start is logged and posted once */
    boolean announce() {
        return announced.compareAndSet(false, true);
    }
}
