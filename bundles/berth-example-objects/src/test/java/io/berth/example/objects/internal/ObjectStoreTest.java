package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.berth.example.objects.internal.ObjectStore.Attributes;
import io.berth.example.objects.internal.ObjectStore.Limits;
import io.berth.example.objects.internal.ObjectStore.Opened;
import io.berth.example.objects.internal.ObjectStore.StoredObject;

@Timeout(60)
class ObjectStoreTest {

    private static final Attributes PLAIN = new Attributes("text/plain", Map.of(), null, Expiry.NEVER);
    private static final Limits LIMITS = new Limits(1 << 24, 100);

    @TempDir
    Path root;

    @Test
    void anObjectSurvivesReopeningWithItsMetadataAndTheIndexIsRebuilt() throws Exception {
        ObjectStore store = ObjectStore.open(root);
        Container c = container(store, "acct", "c");
        put(store, c, "b", "bee", new Attributes("text/x-bee", Map.of("X-Object-Meta-Color", "blue"), null, Expiry.NEVER));
        put(store, c, "a", "ay", PLAIN);

        ObjectStore reopened = ObjectStore.open(root);
        Container again = reopened.account("acct").containers.get("c");

        assertThat(again.objects.keySet()).containsExactly("a", "b");
        assertThat(again.count.get()).isEqualTo(2);
        assertThat(again.bytes.get()).isEqualTo(5);
        StoredObject b = reopened.head(again, "b");
        assertThat(b.contentType()).isEqualTo("text/x-bee");
        assertThat(b.meta()).containsEntry("X-Object-Meta-Color", "blue");
        assertThat(read(reopened, again, "b")).isEqualTo("bee");
    }

    @Test
    void leftoversOfACrashAreRemovedOnOpenAndTheCommittedObjectStays() throws Exception {
        ObjectStore store = ObjectStore.open(root);
        Container c = container(store, "acct", "c");
        put(store, c, "kept", "committed", PLAIN);
        Path objectDir = dataFiles().get(0).getParent();
        // A crash after the data's rename but before the metadata commit; and one mid-write in tmp/.
        Path orphan = Files.writeString(objectDir.resolve(Names.hash("kept") + ".123-abc.data"), "uncommitted");
        Path halfWritten = Files.writeString(root.resolve("tmp/put-1.part"), "half");
        Path halfDeleted = Files.createDirectories(root.resolve("tmp/deleted-xyz/o"));

        ObjectStore reopened = ObjectStore.open(root);

        assertThat(orphan).doesNotExist();
        assertThat(halfWritten).doesNotExist();
        assertThat(halfDeleted).doesNotExist();
        assertThat(dataFiles()).hasSize(1);
        assertThat(read(reopened, reopened.account("acct").containers.get("c"), "kept")).isEqualTo("committed");
    }

    @Test
    void aContainerCreatedButNeverCommittedIsNotLoaded() throws Exception {
        ObjectStore.open(root).account("acct");
        Path half = Files.createDirectories(root.resolve("a").resolve(Names.hash("acct")).resolve("c/0123/o"));

        ObjectStore reopened = ObjectStore.open(root);

        assertThat(reopened.account("acct").containers).isEmpty();
        assertThat(half).doesNotExist();
    }

    @Test
    void aClientThatDisconnectsMidUploadLeavesNothingBehind() throws Exception {
        ObjectStore store = ObjectStore.open(root);
        Container c = container(store, "acct", "c");
        put(store, c, "obj", "old", PLAIN);
        InputStream breaking = new InputStream() {
            private int sent;

            @Override
            public int read() throws IOException {
                if (sent++ < 100_000) {
                    return 'x';
                }
                throw new IOException("Connection reset by peer");
            }
        };

        assertThatThrownBy(() -> store.put(c, "obj", breaking, 200_000, null, PLAIN, false, LIMITS))
                .isInstanceOf(BodyReadException.class).hasMessageContaining("after")
                .satisfies(e -> assertThat(((BodyReadException) e).bytesRead).isEqualTo(100_000));

        assertThat(read(store, c, "obj")).isEqualTo("old");
        assertThat(tmpFiles()).isEmpty();
        assertThat(dataFiles()).hasSize(1);
    }

    @Test
    void aShortBodyIsNotStored() throws Exception {
        ObjectStore store = ObjectStore.open(root);
        Container c = container(store, "acct", "c");

        assertThatThrownBy(() -> store.put(c, "obj", bytes("only this"), 100, null, PLAIN, false, LIMITS))
                .isInstanceOf(BodyReadException.class).hasMessageContaining("9 of 100 bytes")
                .satisfies(e -> assertThat(((BodyReadException) e).bytesRead).isEqualTo(9));

        assertThat(store.head(c, "obj")).isNull();
        assertThat(c.objects).isEmpty();
        assertThat(tmpFiles()).isEmpty();
    }

    @Test
    void aWrongEtagStoresNothing() throws Exception {
        ObjectStore store = ObjectStore.open(root);
        Container c = container(store, "acct", "c");

        assertThatThrownBy(() -> store.put(c, "obj", bytes("data"), 4, "00000000000000000000000000000000", PLAIN, false, LIMITS))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(422));

        assertThat(store.head(c, "obj")).isNull();
        assertThat(tmpFiles()).isEmpty();
        assertThat(dataFiles()).isEmpty();
    }

    @Test
    void limitsOnSizeAndOnObjectsPerContainerAnswer413() throws Exception {
        ObjectStore store = ObjectStore.open(root);
        Limits limits = new Limits(10, 2);
        Container c = container(store, "acct", "c");

        assertThatThrownBy(() -> store.put(c, "big", bytes("eleven byte"), -1, null, PLAIN, false, limits))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(413))
                .hasMessageContaining("max_file_size");
        put(store, c, "one", "1", PLAIN, limits);
        put(store, c, "two", "2", PLAIN, limits);
        assertThatThrownBy(() -> put(store, c, "three", "3", PLAIN, limits))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(413))
                .hasMessageContaining("max_container_objects 2");
        put(store, c, "two", "again", new Attributes("a/b", Map.of(), null, Expiry.NEVER), limits);
        // The limits are the caller's (a pipeline generation's), not the store's.
        put(store, c, "three", "3", PLAIN, new Limits(10, 3));
        assertThat(tmpFiles()).isEmpty();
    }

    @Test
    void namesThatLookLikePathsStayInsideTheStore() throws Exception {
        ObjectStore store = ObjectStore.open(root.resolve("store"));
        Container c = container(store, "../../acct", "../c");
        List<String> names = List.of("../../../../etc/passwd", "/", "..", ".", "a/../../b", "%2e%2e", "\\..\\x", "name with spaces",
                "x".repeat(1024), "é/ü/\uD83D\uDE00");
        for (String name : names) {
            put(store, c, name, name, PLAIN);
        }

        try (Stream<Path> all = Files.walk(root)) {
            assertThat(all.filter(Files::isRegularFile)).allMatch(p -> p.startsWith(root.resolve("store")));
        }
        assertThat(root.resolve("etc")).doesNotExist();
        ObjectStore reopened = ObjectStore.open(root.resolve("store"));
        Container again = reopened.account("../../acct").containers.get("../c");
        for (String name : names) {
            assertThat(read(reopened, again, name)).isEqualTo(name);
        }
        assertThat(again.objects).hasSize(names.size());
    }

    @Test
    void concurrentPutsOfOneNameLeaveOneWholeWinner() throws Exception {
        ObjectStore store = ObjectStore.open(root);
        Container c = container(store, "acct", "c");
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            for (int round = 0; round < 5; round++) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<StoredObject>> puts = new ArrayList<>();
                for (int i = 0; i < writers; i++) {
                    byte[] body = new byte[256 * 1024];
                    java.util.Arrays.fill(body, (byte) ('a' + i));
                    puts.add(pool.submit(() -> {
                        go.await();
                        return store.put(c, "same", new ByteArrayInputStream(body), body.length, null, PLAIN, false, LIMITS);
                    }));
                }
                go.countDown();
                for (Future<StoredObject> put : puts) {
                    put.get();
                }
                try (Opened opened = store.open(c, "same")) {
                    ByteBuffer all = ByteBuffer.allocate((int) opened.channel().size());
                    while (all.hasRemaining() && opened.channel().read(all) >= 0) {
                        // read it all
                    }
                    byte[] bytes = all.array();
                    assertThat(bytes).hasSize(256 * 1024);
                    byte first = bytes[0];
                    for (byte b : bytes) {
                        assertThat(b).isEqualTo(first);
                    }
                    assertThat(SwiftClientTest.md5(bytes)).isEqualTo(opened.object().etag());
                }
                assertThat(c.count.get()).isEqualTo(1);
                assertThat(c.bytes.get()).isEqualTo(256 * 1024);
                assertThat(dataFiles()).hasSize(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void deletingAContainerNeedsItEmpty() throws Exception {
        ObjectStore store = ObjectStore.open(root);
        Account account = store.account("acct");
        Container c = container(store, "acct", "c");
        put(store, c, "x", "x", PLAIN);

        assertThatThrownBy(() -> store.deleteContainer(account, c))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(409));
        assertThat(store.delete(c, "x")).isNotNull();
        assertThat(store.delete(c, "x")).isNull();
        store.deleteContainer(account, c);

        assertThat(account.containers).isEmpty();
        assertThat(ObjectStore.open(root).account("acct").containers).isEmpty();
        assertThatThrownBy(() -> put(store, c, "late", "writer", PLAIN))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(404));
        assertThat(tmpFiles()).isEmpty();
    }

    @Test
    void namesAreOrderedByCodePointAsSwiftOrdersUtf8() {
        // U+FF5E sorts before U+1F600 in UTF-8 bytes; String.compareTo puts the surrogate pair first.
        assertThat(Names.compare("\uFF5E", "\uD83D\uDE00")).isNegative();
        assertThat("\uFF5E".compareTo("\uD83D\uDE00")).isPositive();
        assertThat(Names.compare("a", "ab")).isNegative();
        assertThat(Names.after("dir/")).isEqualTo("dir0");
    }

    private static Container container(ObjectStore store, String account, String name) throws IOException {
        Account a = store.account(account);
        store.putContainer(a, name, Map.of());
        return a.containers.get(name);
    }

    private static StoredObject put(ObjectStore store, Container c, String name, String body, Attributes attributes)
            throws IOException {
        return put(store, c, name, body, attributes, LIMITS);
    }

    private static StoredObject put(ObjectStore store, Container c, String name, String body, Attributes attributes,
            Limits limits) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return store.put(c, name, new ByteArrayInputStream(bytes), bytes.length, null, attributes, false, limits);
    }

    private static InputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String read(ObjectStore store, Container c, String name) throws IOException {
        try (Opened opened = store.open(c, name)) {
            ByteBuffer all = ByteBuffer.allocate((int) opened.channel().size());
            while (all.hasRemaining() && opened.channel().read(all) >= 0) {
                // read it all
            }
            return new String(all.array(), StandardCharsets.UTF_8);
        }
    }

    private List<Path> dataFiles() throws IOException {
        try (Stream<Path> all = Files.walk(root.resolve("a"))) {
            return all.filter(p -> p.toString().endsWith(".data")).toList();
        }
    }

    private List<Path> tmpFiles() throws IOException {
        try (Stream<Path> all = Files.list(root.resolve("tmp"))) {
            return all.toList();
        }
    }
}
