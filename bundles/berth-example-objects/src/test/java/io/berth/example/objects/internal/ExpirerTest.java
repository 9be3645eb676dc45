package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.berth.example.objects.internal.ObjectStore.Attributes;
import io.berth.example.objects.internal.ObjectStore.Limits;

/** The expirer: deletes what is due, a bounded number a run, and leaves alone what a later write changed. */
class ExpirerTest {

    private static final Limits LIMITS = new Limits(1 << 20, 10_000);
    private static final long START = 1_796_572_800_000L;
    private static final long T = START / 1000;

    @TempDir
    Path root;

    /** Moved by the tests; the expirer's timer is never started here: run() is called directly. */
    private final AtomicLong clock = new AtomicLong(START);
    private ObjectStore store;
    private Container c;

    @BeforeEach
    void store() throws Exception {
        store = ObjectStore.open(root);
        c = container(store);
    }

    private static Container container(ObjectStore store) throws Exception {
        store.putContainer(store.account("AUTH_test"), "c", Map.of());
        return store.account("AUTH_test").containers.get("c");
    }

    private void put(String name, long deleteAt) throws Exception {
        byte[] body = name.getBytes(StandardCharsets.UTF_8);
        store.put(c, name, new ByteArrayInputStream(body), body.length, null,
                new Attributes("text/plain", Map.of(), null, deleteAt), false, LIMITS);
    }

    @Test
    void deletesWhatIsDueAtMostTheBoundARunAndNothingElse() throws Exception {
        for (int i = 0; i < 5; i++) {
            put("due-" + i, T + 10 + i);
        }
        put("later", T + 100);
        put("never", Expiry.NEVER);
        Expirer expirer = new Expirer(store, clock::get, 3);

        assertThat(expirer.run()).as("nothing due yet").isZero();
        clock.set(START + 20_000);
        assertThat(expirer.run()).isEqualTo(3);
        assertThat(c.objects.keySet()).containsExactly("due-3", "due-4", "later", "never");
        assertThat(expirer.run()).isEqualTo(2);
        assertThat(expirer.run()).isZero();
        assertThat(c.objects.keySet()).containsExactly("later", "never");
        assertThat(c.count.get()).isEqualTo(2);
        assertThat(c.bytes.get()).isEqualTo("later".length() + "never".length());
    }

    @Test
    void anObjectRewrittenOrPostedSinceIsLeftAlone() throws Exception {
        put("rewritten", T + 10);
        put("posted", T + 10);
        put("rewritten", Expiry.NEVER);
        store.post(c, "posted", new Attributes(null, Map.of(), null, T + 1000));
        clock.set(START + 20_000);

        assertThat(new Expirer(store, clock::get, 100).run()).isZero();
        assertThat(c.objects.keySet()).containsExactly("posted", "rewritten");
        assertThat(store.due(Long.MAX_VALUE / 1000, 100)).singleElement()
                .satisfies(due -> assertThat(due.deleteAt()).isEqualTo(T + 1000));
    }

    @Test
    void holdsOneEntryPerExpiringObjectHoweverOftenItIsWrittenAndNoneForDeletedOnes() throws Exception {
        for (int i = 1; i <= 200; i++) {
            put("busy", T + i);
        }
        put("deleted", T + 5);
        store.delete(c, "deleted");

        assertThat(store.due(Long.MAX_VALUE / 1000, 1000)).singleElement()
                .satisfies(due -> assertThat(due.name()).isEqualTo("busy"));
    }

    @Test
    void findsTheExpiringObjectsAgainWhenTheStoreIsOpened() throws Exception {
        put("o", T + 10);

        ObjectStore reopened = ObjectStore.open(root);
        Container again = container(reopened);
        clock.set(START + 10_000);

        assertThat(new Expirer(reopened, clock::get, 100).run()).isEqualTo(1);
        assertThat(again.objects).isEmpty();
        assertThat(reopened.head(again, "o")).isNull();
    }
}
