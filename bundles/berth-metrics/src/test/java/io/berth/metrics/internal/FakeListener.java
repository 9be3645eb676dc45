package io.berth.metrics.internal;

import java.util.List;

import io.berth.api.Listener;

/** A listener with fixed counts, as a scrape sees one. */
record FakeListener(String name, State state, long connectionsAccepted, long refusedAtMaxClients, long reloads,
        long drains, long workerRespawns, List<Worker> workers) implements Listener {

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
