package io.berth.jmx.internal;

import java.util.Map;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.StandardMBean;

/**
 * An MXBean with descriptions a JMX console shows beside each attribute and operation (a standard
 * MBean's are only "Attribute exposed for management").
 */
final class DescribedMBean<T> extends StandardMBean {

    private final String description;
    private final Map<String, String> members;

    /**
     * @param description what the MBean is
     * @param members by attribute or operation name, what it is
     */
    DescribedMBean(T implementation, Class<T> mxbean, String description, Map<String, String> members) {
        super(implementation, mxbean, true);
        this.description = description;
        this.members = members;
    }

    @Override
    protected String getDescription(MBeanInfo info) {
        return description;
    }

    @Override
    protected String getDescription(MBeanAttributeInfo info) {
        return members.getOrDefault(info.getName(), info.getDescription());
    }

    @Override
    protected String getDescription(MBeanOperationInfo info) {
        return members.getOrDefault(info.getName(), info.getDescription());
    }

    static DescribedMBean<ListenerMXBean> listener(ListenerMXBean listener) {
        return new DescribedMBean<>(listener, ListenerMXBean.class,
                "A Berth listener (etc/berth.listener-NAME.cfg): where it serves and what it served", Map.ofEntries(
                Map.entry("Name", "The name from berth.listener-NAME.cfg"),
                Map.entry("State", "STARTING, SERVING, DRAINING, FAILED or STOPPED"),
                Map.entry("Reason", "Why it is FAILED, else empty"),
                Map.entry("Url", "Where it serves, http://HOST:PORT/"),
                Map.entry("Requests", "Requests served since it started, across reloads"),
                Map.entry("Errors", "Of those, the ones that failed (an exception, a client gone, a 503 at max_clients)"),
                Map.entry("RequestsInFlight", "Requests being served now, on connectors draining after a reload too"),
                Map.entry("OutOfService", "Whether drain took it out of service (healthcheck answers 503 DRAINING), or it is stopping"),
                Map.entry("Workers", "Per worker: index, connections open, requests in flight, requests and errors of its connector"),
                Map.entry("reload", "Seamless reload with the current settings: a new connector serves first, then the old one drains"),
                Map.entry("drain", "Take it out of service without closing: healthcheck answers 503 DRAINING so a load balancer stops sending"),
                Map.entry("resume", "Put it back in service after drain")));
    }

    static DescribedMBean<PipelineMXBean> pipeline(PipelineMXBean pipeline) {
        return new DescribedMBean<>(pipeline, PipelineMXBean.class,
                "A Berth pipeline (etc/berth.pipeline-NAME.cfg): its stages, state and latency", Map.ofEntries(
                Map.entry("Name", "The name from berth.pipeline-NAME.cfg"),
                Map.entry("Path", "Where it is mounted"),
                Map.entry("Listeners", "The listeners that serve it; empty: all"),
                Map.entry("Stages", "The stage names in order, the app last"),
                Map.entry("State", "LIVE, WAITING (a stage's bundle is absent: 503) or FAILED (cannot be built: 503)"),
                Map.entry("Reason", "Why it is not LIVE, else empty"),
                Map.entry("Requests", "Requests it answered since it was configured"),
                Map.entry("Errors", "Of those, the ones answered 5xx or cut by an exception"),
                Map.entry("LatencyP50Millis", "Median latency in milliseconds (within 5%) over the last 60 s; NaN when no request fell in them"),
                Map.entry("LatencyP99Millis", "99th percentile latency in milliseconds (within 5%) over the last 60 s; NaN when no request fell in them"),
                Map.entry("StageTimes", "Per stage: requests that entered it, nanoseconds spent in it (its own part), mean microseconds")));
    }
}
