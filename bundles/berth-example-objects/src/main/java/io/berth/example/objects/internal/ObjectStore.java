package io.berth.example.objects.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;

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
 *
 * <p>The metadata files are written and read back by {@link StoreMetadata}, a body is received
 * into tmp/ by {@link StoreFiles#receive}; {@link Account} and {@link Container} hold the index.
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
    private final StoreMetadata metadata;
    /** Commits of one object name are serialised, so that the data file a commit replaces is the one it deletes. */
    private final Object[] stripes = new Object[STRIPES];

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
        this.metadata = new StoreMetadata(tmp);
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
        store.metadata.load(root, store.accountsDir, store.accounts, store.expiring);
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
                metadata.writeAccount(account);
                accounts.put(name, account);
            }
            return account;
        }
    }

    /** Sets (non-empty value) or removes (empty value) account metadata. */
    void updateAccount(Account account, Map<String, String> changes) throws IOException {
        synchronized (account) {
            account.meta = StoreMetadata.merge(account.meta, changes);
            metadata.writeAccount(account);
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
            Container container = new Container(name, dir, Times.now(), StoreMetadata.merge(Map.of(), meta));
            metadata.writeContainer(container);
            account.containers.put(name, container);
            return true;
        }
    }

    void updateContainer(Container container, Map<String, String> changes) throws IOException {
        synchronized (container) {
            container.meta = StoreMetadata.merge(container.meta, changes);
            metadata.writeContainer(container);
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
        return StoreMetadata.readObject(metaPath(container, Names.hash(name)));
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
            StoredObject object = StoreMetadata.readObject(metaPath(container, hash));
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
            StoreFiles.Received received = StoreFiles.receive(body, temp, length, limits.maxFileSize(), name,
                    () -> tooLarge(limits));
            long size = received.size();
            String etag = received.md5();
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
                metadata.writeObject(meta, object);
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
            metadata.writeObject(path, now);
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
                return change.apply(meta, StoreMetadata.readObject(meta));
            }
        } finally {
            container.life.readLock().unlock();
        }
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

    private static SwiftException tooLarge(Limits limits) {
        return new SwiftException(413, "Request Entity Too Large: an object may hold at most " + limits.maxFileSize()
                + " bytes (max_file_size)");
    }

    private static SwiftException full(Container container, Limits limits) {
        return new SwiftException(413, "Container '" + container.name + "' holds " + container.count.get()
                + " objects, the most this store keeps in one container (max_container_objects " + limits.maxContainerObjects() + ")");
    }
}
