package io.berth.api;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Implemented by a stage's filter that has numbers of its own worth showing: ratelimit's buckets
 * and refusals, tempauth's tokens. Berth reads them for the pipeline that uses the filter when
 * asked ({@link Pipeline#stageMeasures()}, a Prometheus scrape), never on the request path, so a
 * filter keeps its counts as it likes (adders, a map's size) and only reads them here. The
 * {@code metrics} app shows each as {@code berth_stage_STAGE_NAME} with the label {@code pipeline}.
 *
 * @since 1.6
 */
@ConsumerType
public interface StageMeasures {

    /** How a number behaves over time. */
    enum Kind {
        /** Only goes up (from 0 when the filter was built): metrics adds {@code _total} to its name. */
        COUNTER,
        /** Goes up and down: a size, a count of things held now. */
        GAUGE
    }

    /**
     * One number, read now.
     *
     * @param name lower case letters, digits and {@code _}, starting with a letter, in base units
     *     ({@code _seconds}, {@code _bytes}); a counter's without {@code _total}
     * @param kind counter or gauge
     * @param help one line saying what it is, for operators
     * @param value its value now
     */
    record Measure(String name, Kind kind, String help, double value) {
    }

    /** @return the filter's numbers now; called from any thread, never on the request path */
    List<Measure> measures();
}
