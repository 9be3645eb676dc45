package io.berth.metrics.internal;

import static io.berth.metrics.internal.ListenerCollector.count;
import static io.berth.metrics.internal.ListenerCollector.counter;
import static io.berth.metrics.internal.ListenerCollector.gauge;
import static io.berth.metrics.internal.ListenerCollector.level;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import io.berth.api.AccessLogs;

/** The access log files as Prometheus metrics, label {@code file}, read from {@link AccessLogs} services. */
final class AccessLogCollector implements MultiCollector {

    private final Supplier<List<AccessLogs>> logs;

    AccessLogCollector(Supplier<List<AccessLogs>> logs) {
        this.logs = logs;
    }

    @Override
    public MetricSnapshots collect() {
        CounterSnapshot.Builder written = counter("berth_access_log_lines_written", "Access lines written to the file");
        CounterSnapshot.Builder dropped = counter("berth_access_log_lines_dropped",
                "Access lines dropped because the writer's queue was full");
        CounterSnapshot.Builder lost = counter("berth_access_log_lines_lost",
                "Access lines not written because the file could not be opened or written");
        GaugeSnapshot.Builder queued = gauge("berth_access_log_queue_lines", "Access lines waiting for the writer");
        GaugeSnapshot.Builder capacity = gauge("berth_access_log_queue_capacity_lines",
                "Access lines the writer's queue holds at most (access_log_queue_size)");
        Set<String> seen = new HashSet<>();
        for (AccessLogs each : logs.get()) {
            for (AccessLogs.File file : each.files()) {
                if (!seen.add(file.path())) {
                    continue;
                }
                Labels labels = Labels.of("file", file.path());
                written.dataPoint(count(labels, file.linesWritten()));
                dropped.dataPoint(count(labels, file.linesDropped()));
                lost.dataPoint(count(labels, file.linesLost()));
                queued.dataPoint(level(labels, file.queued()));
                capacity.dataPoint(level(labels, file.capacity()));
            }
        }
        return MetricSnapshots.of(written.build(), dropped.build(), lost.build(), queued.build(), capacity.build());
    }
}
