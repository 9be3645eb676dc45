package io.berth.example.objects.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The store's objects that have an expiry, soonest first: what Swift keeps in its hidden
 * {@code .expiring_objects} account for the object-expirer. Held in memory, rebuilt with the
 * index when the store opens; each commit replaces an object's entry, and a deletion removes it,
 * so it holds one entry per expiring object however often one is rewritten.
 */
final class ExpiringObjects {

    /** One object due at a time (epoch seconds). */
    record Due(long deleteAt, Container container, String name) {
    }

    private static final Comparator<Due> ORDER = Comparator.comparingLong(Due::deleteAt)
            .thenComparing(due -> due.container().dir.toString())
            .thenComparing(Due::name);

    private final ConcurrentSkipListSet<Due> dues = new ConcurrentSkipListSet<>(ORDER);

    /** An object's expiry changed from one time to another ({@link Expiry#NEVER} for none). */
    void replace(Container container, String name, long before, long after) {
        if (before == after) {
            return;
        }
        if (before != Expiry.NEVER) {
            dues.remove(new Due(before, container, name));
        }
        if (after != Expiry.NEVER) {
            dues.add(new Due(after, container, name));
        }
    }

    void remove(Due due) {
        dues.remove(due);
    }

    /** At most {@code max} of the objects due by a time, soonest first. */
    List<Due> due(long nowMillis, int max) {
        List<Due> due = new ArrayList<>();
        for (Due each : dues) {
            if (due.size() >= max || each.deleteAt() * 1000 > nowMillis) {
                break;
            }
            due.add(each);
        }
        return due;
    }

    int size() {
        return dues.size();
    }
}
