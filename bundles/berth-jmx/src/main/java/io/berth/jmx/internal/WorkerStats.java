package io.berth.jmx.internal;

import javax.management.ConstructorParameters;

import io.berth.api.Listener;

/** One worker's counts, shown by JMX as a CompositeData (an MXBean type: getters only). */
public final class WorkerStats {

    private final int index;
    private final long connections;
    private final long inFlight;
    private final long requests;
    private final long errors;

    @ConstructorParameters({"index", "connections", "inFlight", "requests", "errors"})
    public WorkerStats(int index, long connections, long inFlight, long requests, long errors) {
        this.index = index;
        this.connections = connections;
        this.inFlight = inFlight;
        this.requests = requests;
        this.errors = errors;
    }

    static WorkerStats of(Listener.Worker worker) {
        return new WorkerStats(worker.index(), worker.connections(), worker.inFlight(), worker.requests(),
                worker.errors());
    }

    /** @return the worker's number, from 0 */
    public int getIndex() {
        return index;
    }

    /** @return connections open now */
    public long getConnections() {
        return connections;
    }

    /** @return requests being served now */
    public long getInFlight() {
        return inFlight;
    }

    /** @return requests served by this worker's current connector */
    public long getRequests() {
        return requests;
    }

    /** @return of those, the ones that failed */
    public long getErrors() {
        return errors;
    }
}
