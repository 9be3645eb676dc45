package io.berth.pipeline.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * What a generation serves, compared by value: the app through these stage factories with these
 * settings, or only a 503 with this reason. An edit or an event that leaves it equal changes
 * nothing. The factories are compared by identity, whatever their {@code equals} says: a factory
 * registered again is new code (a bundle updated), and must be built again.
 *
 * @param settings the pipeline's settings
 * @param factories the factory of each stage, in order; null while it only answers 503
 * @param unavailable the 503's reason; null when it serves the app
 */
record Arrangement(PipelineSettings settings, List<Object> factories, String unavailable) {

    Arrangement {
        Objects.requireNonNull(settings, "settings");
        if ((factories == null) == (unavailable == null)) {
            throw new IllegalArgumentException("an arrangement serves either the app or a 503");
        }
        factories = factories == null ? null : Collections.unmodifiableList(new ArrayList<>(factories));
    }

    static Arrangement live(PipelineSettings settings, List<Object> factories) {
        return new Arrangement(settings, factories, null);
    }

    static Arrangement unavailable(PipelineSettings settings, String reason) {
        return new Arrangement(settings, null, reason);
    }

    /** @return whether it serves the app (else only a 503) */
    boolean live() {
        return factories != null;
    }

    /**
     * @param present the factory of each stage present now, in order (null where none is)
     * @return whether it serves the app and every factory it was built with is still the one there
     */
    boolean servesWith(List<Object> present) {
        return live() && sameFactories(factories, present);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Arrangement that && settings.equals(that.settings)
                && Objects.equals(unavailable, that.unavailable) && sameFactories(factories, that.factories);
    }

    @Override
    public int hashCode() {
        int hash = Objects.hash(settings, unavailable);
        if (factories != null) {
            for (Object factory : factories) {
                hash = 31 * hash + System.identityHashCode(factory);
            }
        }
        return hash;
    }

    private static boolean sameFactories(List<Object> these, List<Object> those) {
        if (these == null || those == null) {
            return these == those;
        }
        if (these.size() != those.size()) {
            return false;
        }
        for (int i = 0; i < these.size(); i++) {
            if (these.get(i) != those.get(i)) {
                return false;
            }
        }
        return true;
    }
}
