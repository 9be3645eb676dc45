package io.berth.jmx.internal;

import java.util.List;

/**
 * A pipeline as JMX shows it, {@code io.berth:type=Pipeline,name=NAME}: what
 * {@link io.berth.api.Pipeline} says. Reading needs Karaf's {@code viewer} role.
 */
public interface PipelineMXBean {

    /** @return the name from {@code berth.pipeline-NAME.cfg} */
    String getName();

    /** @return where it is mounted */
    String getPath();

    /** @return the listeners that serve it; empty: all */
    List<String> getListeners();

    /** @return the stage names in order, the app last */
    List<String> getStages();

    /** @return LIVE, WAITING or FAILED */
    String getState();

    /** @return why it is not LIVE, or null */
    String getReason();

    /** @return requests it answered since it was configured */
    long getRequests();

    /** @return of those, the ones answered with a 5xx status or cut by an exception */
    long getErrors();

    /** @return the median latency in milliseconds over the pipeline's window (the last minute), NaN when no request fell in it */
    double getLatencyP50Millis();

    /** @return the 99th percentile latency in milliseconds over the pipeline's window (the last minute), NaN when no request fell in it */
    double getLatencyP99Millis();

    /** @return per stage of the live arrangement, the time spent in it, in pipeline order */
    List<StageTimeStats> getStageTimes();
}
