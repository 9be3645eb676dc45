package io.berth.metrics.internal;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.servlet.Servlet;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import io.berth.api.AccessLogs;
import io.berth.api.AppFactory;
import io.berth.api.Listener;
import io.berth.api.Pipeline;
import io.berth.api.Stage;

/**
 * The {@code metrics} app ({@code pipeline = healthcheck metrics} on the admin listener): a scrape
 * of Berth's listeners, pipelines, access logs and of the JVM, in Prometheus' text format. One registry of
 * this bundle's own (not the library's default registry, which any bundle could fill), with
 * collectors that read the services when scraped; the request path keeps its own counters.
 * Setting {@code path} (default {@code /metrics}) is where, under the pipeline's mount point,
 * it answers.
 */
@Component(service = AppFactory.class)
@Stage("metrics")
public final class MetricsApp implements AppFactory {

    /** The one setting: where the app answers, under the pipeline's path. */
    static final String PATH = "path";

    // Replaced whole by DS as services come and go: a scrape reads whichever list is current.
    @Reference(service = Listener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<Listener> listeners;

    @Reference(service = Pipeline.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<Pipeline> pipelines;

    @Reference(service = AccessLogs.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<AccessLogs> accessLogs;

    private final PrometheusRegistry registry = registry(() -> listOrEmpty(listeners), () -> listOrEmpty(pipelines),
            () -> listOrEmpty(accessLogs));
    private final ExpositionFormats formats = ExpositionFormats.init();

    /** What a scrape reads: Berth's services as the suppliers give them, and the JVM. */
    static PrometheusRegistry registry(Supplier<List<Listener>> listeners, Supplier<List<Pipeline>> pipelines,
            Supplier<List<AccessLogs>> accessLogs) {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new ListenerCollector(listeners));
        registry.register(new PipelineCollector(pipelines));
        registry.register(new StageAnswerCollector(pipelines));
        registry.register(new StageMeasureCollector(pipelines));
        registry.register(new AccessLogCollector(accessLogs));
        JvmMetrics.builder().register(registry);
        return registry;
    }

    private static <T> List<T> listOrEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    @Override
    public Servlet create(Map<String, String> settings) {
        String path = "/metrics";
        for (Map.Entry<String, String> setting : settings.entrySet()) {
            if (!PATH.equals(setting.getKey())) {
                throw new IllegalArgumentException(setting.getKey() + ": unknown setting; metrics takes only " + PATH);
            }
            path = setting.getValue().trim();
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException(PATH + ": must start with /, not '" + setting.getValue() + "'");
            }
        }
        return new MetricsServlet(registry, formats, path);
    }
}
