package io.berth.metrics.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.prometheus.metrics.model.snapshots.Labels;

/**
 * A collector's label sets, kept from one scrape to the next. The library checks every label
 * name each time it makes a {@link Labels} (1.10 makes a UTF-8 encoder per name to do it): that was
 * half the time and a third of the garbage of collecting 50 pipelines, for label sets that are the
 * same at every scrape. A set that two scrapes in a row did not use is dropped, so a pipeline,
 * stage or listener that is gone leaves nothing behind. Scrapes at once are safe: at worst one
 * makes a set again.
 */
final class LabelsCache {

    private final boolean keep;
    private final Map<List<String>, Kept> kept = new ConcurrentHashMap<>();
    /** Scrapes ended: a set is stamped with the number of the scrape that last used it. */
    private final AtomicInteger scrapes = new AtomicInteger();

    /** A label set and the scrape that last used it (a plain field: at worst a set is dropped and made again). */
    private static final class Kept {
        final Labels labels;
        int usedBy;

        Kept(Labels labels) {
            this.labels = labels;
        }
    }

    LabelsCache() {
        this(true);
    }

    /** @param keep false for one that makes every set anew, as the library alone does: a baseline to measure against */
    LabelsCache(boolean keep) {
        this.keep = keep;
    }

    /** @param pairs name, value, name, value...: as {@link Labels#of(String...)}, which makes the set the first time */
    Labels of(String... pairs) {
        if (!keep) {
            return Labels.of(pairs);
        }
        List<String> key = Arrays.asList(pairs);
        Kept set = kept.get(key);
        if (set == null) {
            set = new Kept(Labels.of(pairs));
            kept.put(key, set);
        }
        set.usedBy = scrapes.get();
        return set.labels;
    }

    /** At the end of a scrape: sets neither this scrape nor the one before used go. */
    void scraped() {
        if (keep) {
            int ended = scrapes.getAndIncrement();
            kept.values().removeIf(set -> set.usedBy < ended - 1);
        }
    }

    /** @return label sets held now (for tests) */
    int size() {
        return kept.size();
    }
}
