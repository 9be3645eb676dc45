package io.berth.metrics.internal;

import java.util.List;

import io.berth.api.Listener;

/** A listener with fixed counts, as a scrape sees one; {@code answered[c]}: requests answered with a status of class c. */
record FakeListener(String name, State state, long connectionsAccepted, long refusedAtMaxClients, long reloads,
        long drains, long workerRespawns, List<Worker> workers, long[] answered) implements Listener {

    FakeListener(String name, State state, long connectionsAccepted, long refusedAtMaxClients, long reloads,
            long drains, long workerRespawns, List<Worker> workers) {
        this(name, state, connectionsAccepted, refusedAtMaxClients, reloads, drains, workerRespawns, workers, new long[6]);
    }

    @Override
    public long answered(int statusClass) {
        return statusClass >= 1 && statusClass <= 5 ? answered[statusClass] : 0;
    }

    @Override
    public String reason() {
        return null;
    }

    @Override
    public String url() {
        return "http://127.0.0.1:9180/";
    }

    @Override
    public long requestsInFlight() {
        return workers.stream().mapToLong(Worker::inFlight).sum();
    }

    @Override
    public long requests() {
        return workers.stream().mapToLong(Worker::requests).sum();
    }

    @Override
    public long errors() {
        return workers.stream().mapToLong(Worker::errors).sum();
    }

    @Override
    public void reload() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void drain() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void resume() {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean outOfService() {
        return false;
    }
}
