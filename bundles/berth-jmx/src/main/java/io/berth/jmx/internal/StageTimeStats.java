package io.berth.jmx.internal;

import javax.management.ConstructorParameters;

import io.berth.api.Pipeline;

/** Time one stage spent, its own part only; shown by JMX as a CompositeData. */
public final class StageTimeStats {

    private final String stage;
    private final long requests;
    private final long nanos;

    @ConstructorParameters({"stage", "requests", "nanos"})
    public StageTimeStats(String stage, long requests, long nanos) {
        this.stage = stage;
        this.requests = requests;
        this.nanos = nanos;
    }

    static StageTimeStats of(Pipeline.StageTime time) {
        return new StageTimeStats(time.stage(), time.requests(), time.nanos());
    }

    /** @return the stage's name */
    public String getStage() {
        return stage;
    }

    /** @return requests that entered it */
    public long getRequests() {
        return requests;
    }

    /** @return total time spent in it, in nanoseconds */
    public long getNanos() {
        return nanos;
    }

    /** @return mean time per request in microseconds, 0 when no request passed */
    public double getMeanMicros() {
        return requests == 0 ? 0 : nanos / 1000.0 / requests;
    }
}
