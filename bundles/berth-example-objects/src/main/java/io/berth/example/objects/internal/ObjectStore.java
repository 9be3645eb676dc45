package io.berth.example.objects.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounts, containers and objects on local disk. The disk is the truth; the sorted in-memory
 * index per container only makes listings and counts fast, and is rebuilt from the disk by
 * {@link #open}.
 *
 * <pre>
 * ROOT/tmp/                               every temporary file; emptied by open()
 * ROOT/a/H(account)/account.json          name, created, metadata
 * ROOT/a/H(account)/c/H(container)/container.json
 * ROOT/a/H(account)/c/H(container)/o/HH/H(object).json            the object's metadata: the commit point
 * ROOT/a/H(account)/c/H(container)/o/HH/H(object).VERSION.data    its bytes, named by the metadata
 * </pre>
 *
 * H is SHA-256 in hex (HH its first two digits): names never become paths. An object is
 * written to tmp/, forced to disk, renamed to a data file of its own version, and only then
 * made visible by atomically replacing its metadata file, which names that data file. A crash
 * at any point leaves either the old object or the new one; what it leaves behind (temporary
 * files, data files no metadata names) is removed by the next open(). So there is one store per
 * root in a process, opened once ({@link ObjectsApp} shares it): a second open() would take the
 * writes in flight through the first for such leftovers.
 */
final class ObjectStore {

    static final int BUFFER_SIZE = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(ObjectStore.class);
    private static final int STRIPES = 256;

    private final Path root;
    private final Path tmp;
    private final Path accountsDir;
    private final ConcurrentMap<String, Account> accounts = new ConcurrentHashMap<>();
    /** Kept in step with every commit and deletion, under the object's stripe. */
    private final ExpiringObjects expiring = new ExpiringObjects();
    /** Commits of one object name are serialised, so that the data file a commit replaces is the one it deletes. */
    private final Object[] stripes = new Object[STRIPES];

    /** An account: its containers, in name order. */
    static final class Account {
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

    /** A container: metadata (including its ACLs) and the index of its objects. */
    static final class Container {
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
    }

    /** What a listing shows of an object; sysmeta as the object's (a listing shows an SLO's total size from it). */
    record Entry(String name, long size, String etag, String contentType, long timestamp, Map<String, String> sysmeta) {
    }

    /**
     * An object's committed metadata, as in its metadata file.
     *
     * @param data the data file's name in the object's directory
     * @param meta the object's X-Object-Meta-* headers, names as Swift writes them
     * @param manifest the X-Object-Manifest value (container/prefix, as the client sent it), or null
     * @param deleteAt X-Delete-At in epoch seconds, or {@link Expiry#NEVER}
     * @param sysmeta what the app keeps about the object, never shown as is (Swift's object sysmeta, as
     *        {@link StaticLargeObject} marks an SLO): set by a PUT, kept by a POST
     */
    record StoredObject(String name, String data, long size, String etag, String contentType, long timestamp,
            Map<String, String> meta, String manifest, long deleteAt, Map<String, String> sysmeta) {

        Entry entry() {
            return new Entry(name, size, etag, contentType, timestamp, sysmeta);
        }
    }

    /**
     * What a PUT may store: each pipeline generation brings its own, while the store is shared.
     *
     * @param maxFileSize the most bytes of one object
     * @param maxContainerObjects the most objects in one container
     */
    record Limits(long maxFileSize, long maxContainerObjects) {
    }

    /** What a PUT stores beside the bytes; what a POST replaces. */
    record Attributes(String contentType, Map<String, String> meta, String manifest, long deleteAt,
            Map<String, String> sysmeta) {
        Attributes(String contentType, Map<String, String> meta, String manifest, long deleteAt) {
            this(contentType, meta, manifest, deleteAt, Map.of());
        }
    }

    /** An object opened for reading: its metadata and its bytes, which stay readable even if a PUT replaces them meanwhile. */
    record Opened(StoredObject object, FileChannel channel) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    private ObjectStore(Path root) {
        this.root = root;
        this.tmp = root.resolve("tmp");
        this.accountsDir = root.resolve("a");
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Object();
        }
    }

    /**
     * Opens (creating if needed) the store at a directory: removes what an interrupted write
     * left behind and builds the index from the metadata files. Only while no other store of this
     * process is open on the directory: it would remove the files of that store's writes in flight.
     */
    static ObjectStore open(Path root) throws IOException {
        ObjectStore store = new ObjectStore(root);
        Files.createDirectories(store.tmp);
        Files.createDirectories(store.accountsDir);
        StoreFiles.deleteTree(store.tmp, false);
        store.load();
        return store;
    }

    Path root() {
        return root;
    }

    /** Logs the containers that hold more objects than a limit allows: they take no new object. */
    void warnOverfull(long maxContainerObjects) {
        for (Account account : accounts.values()) {
            for (Container container : account.containers.values()) {
                if (container.count.get() > maxContainerObjects) {
                    LOG.warn("Object store {}: container '{}' holds {} objects, more than max_container_objects {}; "
                            + "new objects will be refused", root, container.name, container.count.get(), maxContainerObjects);
                }
            }
        }
    }

    // ---------------------------------------------------------------- accounts

    /** The account, created on first use as Swift's account_autocreate does. */
    Account account(String name) throws IOException {
        Account account = accounts.get(name);
        if (account != null) {
            return account;
        }
        synchronized (accounts) {
            account = accounts.get(name);
            if (account == null) {
                Path dir = accountsDir.resolve(Names.hash(name));
                Files.createDirectories(dir.resolve("c"));
                account = new Account(name, dir, Times.now(), Map.of());
                writeAccount(account);
                accounts.put(name, account);
            }
            return account;
        }
    }

    /** Sets (non-empty value) or removes (empty value) account metadata. */
    void updateAccount(Account account, Map<String, String> changes) throws IOException {
        synchronized (account) {
            account.meta = merge(account.meta, changes);
            writeAccount(account);
        }
    }

    // ---------------------------------------------------------------- containers

    /**
     * Creates a container, or updates the metadata of an existing one.
     *
     * @return true if it was created
     */
    boolean putContainer(Account account, String name, Map<String, String> meta) throws IOException {
        synchronized (account) {
            Container existing = account.containers.get(name);
            if (existing != null) {
                updateContainer(existing, meta);
                return false;
            }
            Path dir = account.dir.resolve("c").resolve(Names.hash(name));
            Files.createDirectories(dir.resolve("o"));
            Container container = new Container(name, dir, Times.now(), merge(Map.of(), meta));
            writeContainer(container);
            account.containers.put(name, container);
            return true;
        }
    }

    void updateContainer(Container container, Map<String, String> changes) throws IOException {
        synchronized (container) {
            container.meta = merge(container.meta, changes);
            writeContainer(container);
        }
    }

    /** Deletes an empty container: 409 if it holds objects. */
    void deleteContainer(Account account, Container container) throws IOException {
        synchronized (account) {
            container.life.writeLock().lock();
            try {
                if (container.deleted) {
                    throw new SwiftException(404, "Container '" + container.name + "' not found");
                }
                if (container.count.get() > 0) {
                    throw new SwiftException(409, "Container '" + container.name + "' is not empty: it holds "
                            + container.count.get() + " objects");
                }
                // Out of sight in one rename, then removed: a crash halfway leaves it in tmp/, which open() empties.
                Path gone = tmp.resolve("deleted-" + container.dir.getFileName() + "-" + Times.now());
                StoreFiles.move(container.dir, gone);
                container.deleted = true;
                account.containers.remove(container.name);
                StoreFiles.deleteTree(gone, true);
            } finally {
                container.life.writeLock().unlock();
            }
        }
    }

    // ---------------------------------------------------------------- objects

    /** The object's committed metadata, read from disk, or null when there is no such object. */
    StoredObject head(Container container, String name) throws IOException {
        return readObject(metaPath(container, Names.hash(name)));
    }

    /**
     * Opens an object for reading. A concurrent PUT may delete the data file between reading the
     * metadata and opening it: then the newer metadata is read and opened.
     *
     * @return null when there is no such object
     */
    Opened open(Container container, String name) throws IOException {
        String hash = Names.hash(name);
        for (int attempt = 0; ; attempt++) {
            StoredObject object = readObject(metaPath(container, hash));
            if (object == null) {
                return null;
            }
            try {
                return new Opened(object, FileChannel.open(dir(container, hash).resolve(object.data), StandardOpenOption.READ));
            } catch (NoSuchFileException replaced) {
                if (attempt >= 10) {
                    throw replaced;
                }
            }
        }
    }

    /**
     * Stores an object from a stream: never more than a 64 KiB buffer in memory, its MD5
     * computed while copying, nothing visible until the whole body is on disk.
     *
     * @param length the body's declared length, or -1 for a chunked body
     * @param expectedEtag the client's ETag (MD5 hex), or null
     * @param mustNotExist If-None-Match: *
     * @param limits the size and count limits of the generation that takes the PUT
     * @throws SwiftException 413 over max_file_size or max_container_objects, 422 for a wrong ETag,
     *         412 if the object exists and must not, 404 if the container went away
     * @throws BodyReadException when reading the body failed or it ended short of its length; nothing was stored
     */
    StoredObject put(Container container, String name, InputStream body, long length, String expectedEtag,
            Attributes attributes, boolean mustNotExist, Limits limits) throws IOException {
        if (length > limits.maxFileSize()) {
            throw tooLarge(limits);
        }
        if (!container.objects.containsKey(name) && container.count.get() >= limits.maxContainerObjects()) {
            throw full(container, limits);
        }
        Path temp = Files.createTempFile(tmp, "put-", ".part");
        try {
            MessageDigest md5 = StoreFiles.md5();
            long size = 0;
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                byte[] buffer = new byte[BUFFER_SIZE];
                while (true) {
                    int n;
                    try {
                        n = body.read(buffer);
                    } catch (IOException e) {
                        throw new BodyReadException("Reading the body of '" + name + "' failed after " + size
                                + " bytes: " + e.getMessage(), size, e);
                    }
                    if (n < 0) {
                        break;
                    }
                    size += n;
                    if (size > limits.maxFileSize()) {
                        throw tooLarge(limits);
                    }
                    md5.update(buffer, 0, n);
                    ByteBuffer wrapped = ByteBuffer.wrap(buffer, 0, n);
                    while (wrapped.hasRemaining()) {
                        out.write(wrapped);
                    }
                }
                if (length >= 0 && size != length) {
                    throw new BodyReadException("The body of '" + name + "' ended after " + size + " of "
                            + length + " bytes", size, null);
                }
                out.force(true);
            }
            String etag = HexFormat.of().formatHex(md5.digest());
            if (expectedEtag != null && !expectedEtag.equalsIgnoreCase(etag)) {
                throw new SwiftException(422, "Unprocessable Entity: the ETag sent (" + expectedEtag
                        + ") is not the MD5 of the body received (" + etag + "); nothing was stored");
            }
            return commit(container, name, temp, size, etag, attributes, mustNotExist, limits);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private StoredObject commit(Container container, String name, Path temp, long size, String etag,
            Attributes attributes, boolean mustNotExist, Limits limits) throws IOException {
        String hash = Names.hash(name);
        Path dir = dir(container, hash);
        long timestamp = Times.now();
        String data = hash + "." + timestamp + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt()) + ".data";
        StoredObject object = new StoredObject(name, data, size, etag, attributes.contentType(), timestamp,
                attributes.meta(), attributes.manifest(), attributes.deleteAt(), attributes.sysmeta());
        return locked(container, hash, (meta, previous) -> {
            if (container.deleted) {
                throw new SwiftException(404, "Container '" + container.name + "' not found");
            }
            Files.createDirectories(dir);
            if (mustNotExist && previous != null) {
                throw new SwiftException(412, "Precondition Failed: '" + name + "' exists (If-None-Match: *)");
            }
            if (previous == null && container.count.get() >= limits.maxContainerObjects()) {
                throw full(container, limits);
            }
            StoreFiles.move(temp, dir.resolve(data));
            try {
                writeJson(meta, objectJson(object));
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(dir.resolve(data));
                throw e;
            }
            Entry old = container.objects.put(name, object.entry());
            expiring.replace(container, name, previous == null ? Expiry.NEVER : previous.deleteAt, object.deleteAt);
            if (old == null) {
                container.count.incrementAndGet();
                container.bytes.addAndGet(size);
            } else {
                container.bytes.addAndGet(size - old.size());
            }
            if (previous != null) {
                StoreFiles.deleteQuietly(dir.resolve(previous.data));
            }
            return object;
        });
    }

    /**
     * Replaces an object's metadata (POST), the bytes untouched: X-Object-Meta-* and the manifest
     * as Swift's POST does, all of them (what the POST does not name is gone); the content type only
     * when one is given (null keeps it).
     */
    StoredObject post(Container container, String name, Attributes attributes) throws IOException {
        return locked(container, Names.hash(name), (path, previous) -> {
            if (previous == null || container.deleted) {
                return null;
            }
            String contentType = attributes.contentType() == null ? previous.contentType : attributes.contentType();
            StoredObject now = new StoredObject(name, previous.data, previous.size, previous.etag, contentType, Times.now(),
                    attributes.meta(), attributes.manifest(), attributes.deleteAt(), previous.sysmeta);
            writeJson(path, objectJson(now));
            container.objects.put(name, now.entry());
            expiring.replace(container, name, previous.deleteAt, now.deleteAt);
            return now;
        });
    }

    /** @return what was deleted, or null when there was no such object (an expired one is deleted and returned) */
    StoredObject delete(Container container, String name) throws IOException {
        String hash = Names.hash(name);
        return locked(container, hash, (meta, previous) -> previous == null || container.deleted ? null
                : remove(container, name, hash, meta, previous));
    }

    /**
     * Deletes an object the expirer found due, if it still is: a PUT or POST since may have
     * changed or cancelled its expiry, as Swift's expirer sends X-If-Delete-At for.
     *
     * @return whether it was deleted
     */
    boolean expire(ExpiringObjects.Due due, long nowMillis) throws IOException {
        Container container = due.container();
        String hash = Names.hash(due.name());
        return locked(container, hash, (meta, previous) -> {
            if (previous == null || container.deleted || previous.deleteAt != due.deleteAt()
                    || !Expiry.expired(previous, nowMillis)) {
                expiring.remove(due);
                return false;
            }
            remove(container, due.name(), hash, meta, previous);
            return true;
        });
    }

    /** The objects due by a time, soonest first, at most {@code max} of them. */
    List<ExpiringObjects.Due> due(long nowMillis, int max) {
        return expiring.due(nowMillis, max);
    }

    private StoredObject remove(Container container, String name, String hash, Path meta, StoredObject previous)
            throws IOException {
        Files.delete(meta);
        Entry old = container.objects.remove(name);
        if (old != null) {
            container.count.decrementAndGet();
            container.bytes.addAndGet(-old.size());
        }
        expiring.replace(container, name, previous.deleteAt, Expiry.NEVER);
        StoreFiles.deleteQuietly(dir(container, hash).resolve(previous.data));
        return previous;
    }

    /** What changes one object, given its metadata file and what that file holds now (null: no object). */
    private interface ObjectChange<T> {
        T apply(Path meta, StoredObject previous) throws IOException;
    }

    /**
     * Runs a change of one object while its container cannot be deleted (the container's read
     * lock) and no other change of that name runs (its stripe): the one locking order of every write.
     */
    private <T> T locked(Container container, String hash, ObjectChange<T> change) throws IOException {
        container.life.readLock().lock();
        try {
            synchronized (stripe(container, hash)) {
                Path meta = metaPath(container, hash);
                return change.apply(meta, readObject(meta));
            }
        } finally {
            container.life.readLock().unlock();
        }
    }

    /** The objects whose names start with a prefix, in name order: a DLO's segments. */
    List<Entry> withPrefix(Container container, String prefix) {
        String end = Names.after(prefix);
        NavigableMap<String, Entry> range = end == null ? container.objects.tailMap(prefix, true)
                : container.objects.subMap(prefix, true, end, false);
        List<Entry> entries = new ArrayList<>();
        for (Entry entry : range.values()) {
            if (!entry.name().startsWith(prefix)) {
                break;
            }
            entries.add(entry);
        }
        return entries;
    }

    // ---------------------------------------------------------------- loading

    private void load() throws IOException {
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
                        int[] counted = loadObjects(container);
                        objects += counted[0];
                        orphans += counted[1];
                    }
                }
            }
        }
        LOG.info("Object store {} opened: {} accounts, {} objects; {} files left by interrupted writes removed",
                root, accounts.size(), objects, orphans);
    }

    private int[] loadObjects(Container container) throws IOException {
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
                            named.add(object.data);
                            expiring.replace(container, object.name, Expiry.NEVER, object.deleteAt);
                            if (container.objects.put(object.name, object.entry()) == null) {
                                container.count.incrementAndGet();
                                container.bytes.addAndGet(object.size);
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

    // ---------------------------------------------------------------- files

    private Path dir(Container container, String hash) {
        return container.dir.resolve("o").resolve(hash.substring(0, 2));
    }

    private Path metaPath(Container container, String hash) {
        return dir(container, hash).resolve(hash + ".json");
    }

    private Object stripe(Container container, String hash) {
        return stripes[(container.dir.hashCode() * 31 + hash.hashCode()) & (STRIPES - 1)];
    }

    private void writeAccount(Account account) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", account.name);
        json.put("created", account.created);
        json.put("meta", account.meta);
        writeJson(account.dir.resolve("account.json"), json);
    }

    private void writeContainer(Container container) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", container.name);
        json.put("created", container.created);
        json.put("meta", container.meta);
        writeJson(container.dir.resolve("container.json"), json);
    }

    private static Map<String, Object> objectJson(StoredObject object) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", object.name);
        json.put("data", object.data);
        json.put("size", object.size);
        json.put("etag", object.etag);
        json.put("content_type", object.contentType);
        json.put("timestamp", object.timestamp);
        json.put("meta", object.meta);
        if (object.manifest != null) {
            json.put("manifest", object.manifest);
        }
        if (object.deleteAt != Expiry.NEVER) {
            json.put("delete_at", object.deleteAt);
        }
        if (!object.sysmeta.isEmpty()) {
            json.put("sysmeta", object.sysmeta);
        }
        return json;
    }

    private static StoredObject readObject(Path file) throws IOException {
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

    private static Map<String, String> merge(Map<String, String> meta, Map<String, String> changes) {
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

    private static SwiftException tooLarge(Limits limits) {
        return new SwiftException(413, "Request Entity Too Large: an object may hold at most " + limits.maxFileSize()
                + " bytes (max_file_size)");
    }

    private static SwiftException full(Container container, Limits limits) {
        return new SwiftException(413, "Container '" + container.name + "' holds " + container.count.get()
                + " objects, the most this store keeps in one container (max_container_objects " + limits.maxContainerObjects() + ")");
    }

    /**
     * Reading a body failed, or it ended short of its declared length. What that means (a client
     * gone or too slow, a malformed request, a source that changed) only the caller can tell: it
     * knows where the body came from.
     */
    static final class BodyReadException extends IOException {
        private static final long serialVersionUID = 1L;

        /** The bytes read before the failure. */
        final long bytesRead;

        BodyReadException(String message, long bytesRead, Throwable cause) {
            super(message, cause);
            this.bytesRead = bytesRead;
        }
    }
}
