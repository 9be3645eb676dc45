package io.berth.example.objects.internal;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/** An account of the {@link ObjectStore}: its containers, in name order. */
final class Account {
    final String name;
    final Path dir;
    final long created;
    volatile Map<String, String> meta;
    final ConcurrentSkipListMap<String, Container> containers = new ConcurrentSkipListMap<>(Names.ORDER);

    Account(String name, Path dir, long created, Map<String, String> meta) {
        this.name = name;
        this.dir = dir;
        this.created = created;
        this.meta = meta;
    }

    long objectCount() {
        return containers.values().stream().mapToLong(c -> c.count.get()).sum();
    }

    long bytesUsed() {
        return containers.values().stream().mapToLong(c -> c.bytes.get()).sum();
    }
}
