package io.berth.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A pipeline as Berth serves it: one per {@code etc/berth.pipeline-NAME.cfg} (or per imported
 * paste ini pipeline), registered as a service (property {@value #NAME_PROPERTY}) whatever its
 * state, so the shell and other bundles can show what serves where, how fast, and what is missing.
 */
@ProviderType
public interface Pipeline {

    /** Service property carrying the pipeline's name. */
    String NAME_PROPERTY = "berth.pipeline.name";

    /** Whether the pipeline serves its app. */
    enum State {
        /** Every stage is present and built: requests reach the app through its middleware. */
        LIVE,
        /** A stage's bundle is absent: requests get 503 naming it until it arrives. */
        WAITING,
        /** The pipeline cannot be built (a bad setting, app not last, ...): requests get 503. See {@link #reason()}. */
        FAILED
    }

    /**
     * Time one stage spent on the requests that passed through it, its own part only (not the
     * stages after it).
     *
     * @param stage the stage's name
     * @param requests requests that entered it
     * @param nanos total time spent in it, in nanoseconds
     */
    record StageTime(String stage, long requests, long nanos) {

        /** @return mean time per request in microseconds, 0 when no request passed */
        public double meanMicros() {
            return requests == 0 ? 0 : nanos / 1000.0 / requests;
        }
    }

    /** @return the name from {@code berth.pipeline-NAME.cfg} */
    String name();

    /** @return where it is mounted ({@code /}, {@code /v1}) */
    String path();

    /** @return the listeners that serve it; empty: all */
    List<String> listeners();

    /** @return the stage names in order, the app last */
    List<String> stages();

    /** @return the current state */
    State state();

    /** @return why it is not {@link State#LIVE} ({@code missing: ratelimit}, or the error), or {@code null} */
    String reason();

    /** @return requests it answered since it was configured */
    long requests();

    /** @return of those, the ones answered with a 5xx status or cut by an exception */
    long errors();

    /**
     * @param quantile between 0 and 1 (0.5 for the median, 0.99 for p99)
     * @return the latency in milliseconds under which that share of its requests was answered
     *     (to within 5%), or {@link Double#NaN} before its first request
     */
    double latencyMillis(double quantile);

    /** @return per stage of the live arrangement, the time spent in it, in pipeline order */
    List<StageTime> stageTimes();
}
