package io.berth.metrics.internal;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import io.berth.api.Listener;

/**
 * Berth's listeners as Prometheus metrics, one label {@code listener}, read from the
 * {@link Listener} services when Prometheus scrapes: the request path only counts (adders in
 * berth-socket), this reads the sums.
 */
final class ListenerCollector implements MultiCollector {

    /** The label values of status classes 1 to 5, as berth_pipeline_requests_total has them. */
    private static final String[] STATUS_CLASSES = {null, "1xx", "2xx", "3xx", "4xx", "5xx"};

    private final Supplier<List<Listener>> listeners;
    private final LabelsCache labelsCache;

    ListenerCollector(Supplier<List<Listener>> listeners) {
        this(listeners, new LabelsCache());
    }

    ListenerCollector(Supplier<List<Listener>> listeners, LabelsCache labelsCache) {
        this.listeners = listeners;
        this.labelsCache = labelsCache;
    }

    @Override
    public MetricSnapshots collect() {
        List<Listener> now = listeners.get();
        CounterSnapshot.Builder accepted = counter("berth_listener_connections_accepted",
                "Connections accepted, across reloads and respawns");
        GaugeSnapshot.Builder open = gauge("berth_listener_connections_open", "Connections open now");
        CounterSnapshot.Builder refused = counter("berth_listener_max_clients_refusals",
                "Requests answered 503 at once because max_clients places were taken");
        GaugeSnapshot.Builder inFlight = gauge("berth_listener_requests_in_flight",
                "Requests being served now, on draining connectors too");
        CounterSnapshot.Builder requests = counter("berth_listener_requests", "Requests the listener took");
        CounterSnapshot.Builder answered = counter("berth_listener_responses",
                "Requests the listener answered, by status class (those cut before any status are in no class)");
        CounterSnapshot.Builder errors = counter("berth_listener_request_errors",
                "Requests that failed at the listener: an exception, a client gone, a 503 at max_clients");
        CounterSnapshot.Builder reloads = counter("berth_listener_reloads", "Seamless reloads begun");
        CounterSnapshot.Builder drains = counter("berth_listener_drains", "Times the listener was taken out of service");
        GaugeSnapshot.Builder workers = gauge("berth_listener_workers", "Workers serving with the current settings");
        CounterSnapshot.Builder respawns = counter("berth_listener_worker_respawns",
                "Workers whose socket died and that were started again");
        GaugeSnapshot.Builder outOfService = gauge("berth_listener_out_of_service",
                "1 while the listener is taken out of service (healthcheck answers 503 DRAINING)");
        GaugeSnapshot.Builder state = gauge("berth_listener_state",
                "1 for the state the listener is in, 0 for the others");
        // Two services of one name (a pipeline being recreated) would make the scrape fail on a
        // duplicate series: the first one counts.
        Set<String> seen = new HashSet<>();
        for (Listener listener : now) {
            if (!seen.add(listener.name())) {
                continue;
            }
            Labels labels = labelsCache.of("listener", listener.name());
            accepted.dataPoint(count(labels, listener.connectionsAccepted()));
            open.dataPoint(level(labels, listener.connectionsOpen()));
            refused.dataPoint(count(labels, listener.refusedAtMaxClients()));
            inFlight.dataPoint(level(labels, listener.requestsInFlight()));
            requests.dataPoint(count(labels, listener.requests()));
            // Every class, zeros too: a series that appears at its first count loses that count to rate().
            for (int statusClass = 1; statusClass < STATUS_CLASSES.length; statusClass++) {
                answered.dataPoint(count(labelsCache.of("listener", listener.name(),
                        "status_class", STATUS_CLASSES[statusClass]), listener.answered(statusClass)));
            }
            errors.dataPoint(count(labels, listener.errors()));
            reloads.dataPoint(count(labels, listener.reloads()));
            drains.dataPoint(count(labels, listener.drains()));
            workers.dataPoint(level(labels, listener.workers().size()));
            respawns.dataPoint(count(labels, listener.workerRespawns()));
            outOfService.dataPoint(level(labels, listener.outOfService() ? 1 : 0));
            Listener.State current = listener.state();
            for (Listener.State each : Listener.State.values()) {
                state.dataPoint(level(labelsCache.of("listener", listener.name(), "state", each.name()),
                        each == current ? 1 : 0));
            }
        }
        labelsCache.scraped();
        return MetricSnapshots.of(accepted.build(), open.build(), refused.build(), inFlight.build(),
                requests.build(), answered.build(), errors.build(), reloads.build(), drains.build(), workers.build(),
                respawns.build(), outOfService.build(), state.build());
    }

    /** A counter's builder: the text format adds {@code _total} to the name. */
    static CounterSnapshot.Builder counter(String name, String help) {
        return CounterSnapshot.builder().name(name).help(help);
    }

    static GaugeSnapshot.Builder gauge(String name, String help) {
        return GaugeSnapshot.builder().name(name).help(help);
    }

    static CounterDataPointSnapshot count(Labels labels, double value) {
        return CounterDataPointSnapshot.builder().labels(labels).value(value).build();
    }

    static GaugeDataPointSnapshot level(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }
}
