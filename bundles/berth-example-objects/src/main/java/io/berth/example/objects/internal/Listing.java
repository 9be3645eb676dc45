package io.berth.example.objects.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;

/** Swift's listing rules over a sorted index: prefix, delimiter, marker, end_marker, reverse, limit. */
final class Listing {

    private Listing() {
    }

    /**
     * The page of a listing.
     *
     * @param all the index, ordered by {@link Names#ORDER}
     * @param marker names after it (before it when reversed); empty for none
     * @param endMarker names before it (after it when reversed); empty for none
     * @return the values listed and, for names rolled up by the delimiter, the subdir as a String
     */
    static <V> List<Object> list(NavigableMap<String, V> all, String prefix, String delimiter, String marker,
            String endMarker, boolean reverse, int limit) {
        // One range over the index: the larger of the lower bounds, the smaller of the upper ones.
        String low = reverse ? endMarker : marker;
        String high = reverse ? marker : endMarker;
        String from = null;
        boolean fromInclusive = false;
        if (!low.isEmpty() && Names.compare(low, prefix) >= 0) {
            from = low;
        } else if (!prefix.isEmpty()) {
            from = prefix;
            fromInclusive = true;
        }
        String to = prefix.isEmpty() ? null : Names.after(prefix);
        if (!high.isEmpty() && (to == null || Names.compare(high, to) < 0)) {
            to = high;
        }
        if (from != null && to != null && Names.compare(from, to) >= 0) {
            return List.of();
        }
        NavigableMap<String, V> view = from == null ? all : all.tailMap(from, fromInclusive);
        if (to != null) {
            view = view.headMap(to, false);
        }
        Iterator<Map.Entry<String, V>> entries = (reverse ? view.descendingMap() : view).entrySet().iterator();
        List<Object> page = new ArrayList<>();
        String lastSubdir = null;
        while (page.size() < limit && entries.hasNext()) {
            Map.Entry<String, V> entry = entries.next();
            String name = entry.getKey();
            if (!name.startsWith(prefix)) {
                continue;
            }
            if (!delimiter.isEmpty()) {
                int at = name.indexOf(delimiter, prefix.length());
                if (at >= 0) {
                    String subdir = name.substring(0, at + delimiter.length());
                    // Swift leaves out the subdir the marker names: a client paging with marker=subdir gets the next ones.
                    if (!subdir.equals(lastSubdir) && !subdir.equals(marker)) {
                        page.add(subdir);
                    }
                    lastSubdir = subdir;
                    continue;
                }
            }
            page.add(entry.getValue());
        }
        return page;
    }
}
