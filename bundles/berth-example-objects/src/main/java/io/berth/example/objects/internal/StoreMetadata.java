package io.berth.example.objects.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.example.objects.internal.ObjectStore.StoredObject;

/**
 * The {@link ObjectStore}'s metadata files, in JSON: an account's, a container's and an object's
 * (which names the object's data file: replacing it is the commit). Each is written whole to
 * tmp/, forced to disk and renamed over the one before. When the store opens, the index is read
 * back from them.
 */
final class StoreMetadata {

    /** Under the store's name, as before this class was split out of it: log settings name that. */
    private static final Logger LOG = LoggerFactory.getLogger(ObjectStore.class);

    /** The store's tmp/: what is written goes there first. */
    private final Path tmp;

    StoreMetadata(Path tmp) {
        this.tmp = tmp;
    }

    /**
     * Reads every account, container and object back into the index, and removes what interrupted
     * writes left: containers created but never committed, data files no metadata names.
     */
    void load(Path root, Path accountsDir, Map<String, Account> accounts, ExpiringObjects expiring) throws IOException {
        int objects = 0;
        int orphans = 0;
        try (DirectoryStream<Path> accountDirs = Files.newDirectoryStream(accountsDir)) {
            for (Path accountDir : accountDirs) {
                Map<String, Object> json = StoreFiles.readJson(accountDir.resolve("account.json"));
                if (json == null) {
                    LOG.warn("Object store {}: {} has no account.json; left alone", root, accountDir);
                    continue;
                }
                Account account = new Account((String) json.get("name"), accountDir, Json.longValue(json.get("created")),
                        strings(json.get("meta")));
                accounts.put(account.name, account);
                Path containersDir = accountDir.resolve("c");
                Files.createDirectories(containersDir);
                try (DirectoryStream<Path> containerDirs = Files.newDirectoryStream(containersDir)) {
                    for (Path containerDir : containerDirs) {
                        Map<String, Object> c = StoreFiles.readJson(containerDir.resolve("container.json"));
                        if (c == null) {
                            // Created but never committed: nothing in it can be visible.
                            StoreFiles.deleteTree(containerDir, true);
                            continue;
                        }
                        Container container = new Container((String) c.get("name"), containerDir, Json.longValue(c.get("created")),
                                strings(c.get("meta")));
                        account.containers.put(container.name, container);
                        int[] counted = loadObjects(container, expiring);
                        objects += counted[0];
                        orphans += counted[1];
                    }
                }
            }
        }
        LOG.info("Object store {} opened: {} accounts, {} objects; {} files left by interrupted writes removed",
                root, accounts.size(), objects, orphans);
    }

    /** @return the objects indexed and the orphaned data files removed */
    private static int[] loadObjects(Container container, ExpiringObjects expiring) throws IOException {
        int objects = 0;
        int orphans = 0;
        Path objectsDir = container.dir.resolve("o");
        Files.createDirectories(objectsDir);
        try (DirectoryStream<Path> shards = Files.newDirectoryStream(objectsDir)) {
            for (Path shard : shards) {
                Set<String> named = new HashSet<>();
                List<Path> files = new ArrayList<>();
                try (DirectoryStream<Path> each = Files.newDirectoryStream(shard)) {
                    for (Path file : each) {
                        String fileName = file.getFileName().toString();
                        if (fileName.endsWith(".json")) {
                            StoredObject object = readObject(file);
                            if (object == null) {
                                continue;
                            }
                            named.add(object.data());
                            expiring.replace(container, object.name(), Expiry.NEVER, object.deleteAt());
                            if (container.objects.put(object.name(), object.entry()) == null) {
                                container.count.incrementAndGet();
                                container.bytes.addAndGet(object.size());
                                objects++;
                            }
                        } else {
                            files.add(file);
                        }
                    }
                }
                for (Path file : files) {
                    if (!named.contains(file.getFileName().toString())) {
                        // A data file no metadata names: a crash came between its rename and the commit, or
                        // between a commit and the deletion of the data it replaced.
                        StoreFiles.deleteQuietly(file);
                        orphans++;
                    }
                }
            }
        }
        return new int[] {objects, orphans};
    }

    void writeAccount(Account account) throws IOException {
        writeNamed(account.dir.resolve("account.json"), account.name, account.created, account.meta);
    }

    void writeContainer(Container container) throws IOException {
        writeNamed(container.dir.resolve("container.json"), container.name, container.created, container.meta);
    }

    /** An account's or a container's file: the two hold the same fields, read back alike by {@link #load}. */
    private void writeNamed(Path file, String name, long created, Map<String, String> meta) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("created", created);
        json.put("meta", meta);
        writeJson(file, json);
    }

    /** The commit point of an object: its metadata file, naming its data file. */
    void writeObject(Path file, StoredObject object) throws IOException {
        writeJson(file, objectJson(object));
    }

    private static Map<String, Object> objectJson(StoredObject object) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", object.name());
        json.put("data", object.data());
        json.put("size", object.size());
        json.put("etag", object.etag());
        json.put("content_type", object.contentType());
        json.put("timestamp", object.timestamp());
        json.put("meta", object.meta());
        if (object.manifest() != null) {
            json.put("manifest", object.manifest());
        }
        if (object.deleteAt() != Expiry.NEVER) {
            json.put("delete_at", object.deleteAt());
        }
        if (!object.sysmeta().isEmpty()) {
            json.put("sysmeta", object.sysmeta());
        }
        return json;
    }

    /** @return null when there is no such file */
    static StoredObject readObject(Path file) throws IOException {
        Map<String, Object> json = StoreFiles.readJson(file);
        if (json == null) {
            return null;
        }
        return new StoredObject((String) json.get("name"), (String) json.get("data"), Json.longValue(json.get("size")),
                (String) json.get("etag"), (String) json.get("content_type"), Json.longValue(json.get("timestamp")),
                strings(json.get("meta")), (String) json.get("manifest"),
                json.containsKey("delete_at") ? Json.longValue(json.get("delete_at")) : Expiry.NEVER,
                strings(json.get("sysmeta")));
    }

    /** The commit point: the new content is complete on disk before it replaces the old in one rename. */
    private void writeJson(Path file, Map<String, Object> json) throws IOException {
        Path temp = Files.createTempFile(tmp, "meta-", ".part");
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(Json.write(json).getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
            StoreFiles.move(temp, file);
            StoreFiles.syncDirectory(file.getParent());
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Metadata changed as Swift changes it: a value set, an empty one removing its name. */
    static Map<String, String> merge(Map<String, String> meta, Map<String, String> changes) {
        Map<String, String> merged = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        merged.putAll(meta);
        changes.forEach((key, value) -> {
            if (value.isEmpty()) {
                merged.remove(key);
            } else {
                merged.put(key, value);
            }
        });
        return Collections.unmodifiableMap(new LinkedHashMap<>(merged));
    }

    private static Map<String, String> strings(Object json) {
        Map<String, String> map = new LinkedHashMap<>();
        if (json instanceof Map) {
            ((Map<?, ?>) json).forEach((k, v) -> map.put(String.valueOf(k), String.valueOf(v)));
        }
        return Collections.unmodifiableMap(map);
    }
}
