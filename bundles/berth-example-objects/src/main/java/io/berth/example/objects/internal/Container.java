package io.berth.example.objects.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import io.berth.example.objects.internal.ObjectStore.Entry;

/** A container of the {@link ObjectStore}: metadata (including its ACLs) and the index of its objects. */
final class Container {
    final String name;
    final Path dir;
    final long created;
    volatile Map<String, String> meta;
    final ConcurrentSkipListMap<String, Entry> objects = new ConcurrentSkipListMap<>(Names.ORDER);
    final AtomicLong count = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    /** Object writes hold it shared; deleting the container holds it exclusively. */
    final ReadWriteLock life = new ReentrantReadWriteLock();
    boolean deleted;

    Container(String name, Path dir, long created, Map<String, String> meta) {
        this.name = name;
        this.dir = dir;
        this.created = created;
        this.meta = meta;
    }

    /** The objects whose names start with a prefix, in name order: a DLO's segments. */
    List<Entry> withPrefix(String prefix) {
        String end = Names.after(prefix);
        NavigableMap<String, Entry> range = end == null ? objects.tailMap(prefix, true)
                : objects.subMap(prefix, true, end, false);
        List<Entry> entries = new ArrayList<>();
        for (Entry entry : range.values()) {
            if (!entry.name().startsWith(prefix)) {
                break;
            }
            entries.add(entry);
        }
        return entries;
    }
}
