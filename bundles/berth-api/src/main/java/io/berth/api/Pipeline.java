package io.berth.api;

import java.util.List;
import java.util.Map;

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
     * @return the latency in milliseconds under which that share of its recent requests was
     *     answered (to within 5%): those of the last {@link #latencyWindowSeconds()} seconds where
     *     the implementation keeps a window (Berth's does, since 1.6), else since it was
     *     configured; {@link Double#NaN} when no request falls in it
     */
    double latencyMillis(double quantile);

    /**
     * @return the seconds {@link #latencyMillis(double)} looks back over, or 0 where it covers
     *     every request since the pipeline was configured
     * @since 1.6
     */
    default int latencyWindowSeconds() {
        return 0;
    }

    /** @return per stage of the live arrangement, the time spent in it, in pipeline order */
    List<StageTime> stageTimes();

    /**
     * Requests one stage answered itself, with one status code, instead of passing them on: its
     * refusals (a ratelimit 429, a tempauth 401, a request_limits 413, a read_only 405, a
     * healthcheck 503 DRAINING) and the answers that are its job (a healthcheck 200, a CORS
     * preflight, a tempauth token).
     *
     * @param stage the stage's name
     * @param status the status code it answered with; 0 when it set none that is valid
     * @param count requests answered so, since the pipeline was configured
     * @since 1.6
     */
    record StageAnswer(String stage, int status, long count) {
    }

    /**
     * @return per stage of the pipeline, in pipeline order, the requests it answered itself by status
     *     code, those with a count only; empty where the implementation does not count them
     * @since 1.6
     */
    default List<StageAnswer> stageAnswers() {
        return List.of();
    }

    /**
     * @return per stage of the live arrangement whose filter has numbers of its own
     *     ({@link StageMeasures}), in pipeline order, those numbers read now; empty where there are
     *     none or the implementation does not read them
     * @since 1.6
     */
    default Map<String, List<StageMeasures.Measure>> stageMeasures() {
        return Map.of();
    }

    /**
     * How many requests a pipeline answered with one method and one class of status.
     *
     * @param method {@code GET}, {@code HEAD}, {@code POST}, {@code PUT}, {@code DELETE},
     *     {@code PATCH}, {@code OPTIONS}, or {@code OTHER} for any other method
     * @param statusClass {@code 1xx} to {@code 5xx}
     * @param count requests answered so, since the pipeline was configured
     * @since 1.5
     */
    record RequestCount(String method, String statusClass, long count) {
    }

    /**
     * A pipeline's latencies in fixed buckets, as a Prometheus classic histogram wants them, and
     * where the implementation records them so, in exponential buckets as a Prometheus native
     * histogram wants them; both from one reading, so they count the same requests.
     *
     * @param upperBoundsSeconds each bucket's upper bound (inclusive) in seconds, ascending; a last
     *     bucket without bound (+Inf) follows
     * @param counts requests per bucket, not cumulative: {@code upperBoundsSeconds.length + 1} of them
     * @param sumSeconds the sum of every request's latency, in seconds
     * @param exponential the same requests in exponential buckets, or {@code null} (since 1.6)
     * @since 1.5
     */
    record Latency(double[] upperBoundsSeconds, long[] counts, double sumSeconds, ExponentialBuckets exponential) {

        /** A histogram without exponential buckets, as in 1.5. */
        public Latency(double[] upperBoundsSeconds, long[] counts, double sumSeconds) {
            this(upperBoundsSeconds, counts, sumSeconds, null);
        }

        /** @return every request counted, over all buckets */
        public long count() {
            long total = 0;
            for (long each : counts) {
                total += each;
            }
            return total;
        }
    }

    /**
     * Latencies in base-2 exponential buckets, Prometheus' native histogram layout: bucket
     * {@code i} holds latencies in {@code (base^(i-1), base^i]} seconds, where
     * {@code base = 2^(2^-schema)}.
     *
     * @param schema the resolution, -4 to 8 (3: eight buckets per doubling, each 9% wide)
     * @param zeroCount requests answered in no measurable time (0 ns)
     * @param indexes bucket indexes of the buckets that are not empty, ascending
     * @param counts requests per bucket, not cumulative, in the order of {@code indexes}
     * @since 1.6
     */
    record ExponentialBuckets(int schema, long zeroCount, int[] indexes, long[] counts) {

        /** @return every request counted, the zero bucket included */
        public long count() {
            long total = zeroCount;
            for (long each : counts) {
                total += each;
            }
            return total;
        }
    }

    /**
     * @return the requests answered, per method and status class, those with a count only;
     *     empty where the implementation does not count them
     * @since 1.5
     */
    default List<RequestCount> requestCounts() {
        return List.of();
    }

    /**
     * @return the latencies of the requests answered since the pipeline was configured, or
     *     {@code null} where the implementation does not keep them
     * @since 1.5
     */
    default Latency latency() {
        return null;
    }

    /**
     * @return how many times a new arrangement (generation) took over serving the pipeline's path
     *     since it was configured, the first included; 0 where not counted
     * @since 1.5
     */
    default long generationSwaps() {
        return 0;
    }

    /**
     * @return requests that waited at the gate while a stage of the pipeline was updated
     *     ({@code update_wait}), since it was configured; 0 where not counted
     * @since 1.5
     */
    default long requestsWaitedForUpdate() {
        return 0;
    }
}
