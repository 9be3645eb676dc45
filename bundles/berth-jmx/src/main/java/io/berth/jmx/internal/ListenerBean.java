package io.berth.jmx.internal;

import java.util.List;

import io.berth.api.Listener;

/** Reads the listener service at each call: JMX shows what the shell shows, at that moment. */
final class ListenerBean implements ListenerMXBean {

    private final Listener listener;

    ListenerBean(Listener listener) {
        this.listener = listener;
    }

    @Override
    public String getName() {
        return listener.name();
    }

    @Override
    public String getState() {
        return listener.state().name();
    }

    @Override
    public String getReason() {
        return listener.reason();
    }

    @Override
    public String getUrl() {
        return listener.url();
    }

    @Override
    public long getRequests() {
        return listener.requests();
    }

    @Override
    public long getErrors() {
        return listener.errors();
    }

    @Override
    public long getRequestsInFlight() {
        return listener.requestsInFlight();
    }

    @Override
    public boolean isOutOfService() {
        return listener.outOfService();
    }

    @Override
    public List<WorkerStats> getWorkers() {
        return listener.workers().stream().map(WorkerStats::of).toList();
    }

    @Override
    public void reload() {
        listener.reload();
    }

    @Override
    public void drain() {
        listener.drain();
    }

    @Override
    public void resume() {
        listener.resume();
    }
}
