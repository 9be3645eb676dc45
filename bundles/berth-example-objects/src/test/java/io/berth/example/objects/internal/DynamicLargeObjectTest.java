package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.berth.example.objects.internal.ObjectStore.Attributes;
import io.berth.example.objects.internal.ObjectStore.Limits;
import io.berth.example.objects.internal.ObjectStore.StoredObject;
import io.berth.example.objects.internal.Requests.Target;

/** A manifest's segments over a real store: their concatenation, Swift's ETag, and who may read them. */
class DynamicLargeObjectTest {

    private static final Limits LIMITS = new Limits(1 << 20, 100);
    private static final Target BIG = new Target("AUTH_test", "c", "big");

    @TempDir
    Path root;

    private ObjectStore store;
    private Account account;
    private Container segments;
    private StoredObject manifest;

    @BeforeEach
    void store() throws IOException {
        store = ObjectStore.open(root);
        account = store.account("AUTH_test");
        store.putContainer(account, "c", Map.of());
        store.putContainer(account, "segs", Map.of("X-Container-Read", "test:reader"));
        segments = account.containers.get("segs");
        put(segments, "big/002", "6789");
        put(segments, "big/001", "012345");
        put(segments, "other", "not a segment");
        manifest = store.put(account.containers.get("c"), "big", new ByteArrayInputStream(new byte[0]), 0, null,
                new Attributes("text/plain", Map.of(), "segs/big/", Expiry.NEVER), false, LIMITS);
    }

    private StoredObject put(Container container, String name, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return store.put(container, name, new ByteArrayInputStream(bytes), bytes.length, null,
                new Attributes("text/plain", Map.of(), null, Expiry.NEVER), false, LIMITS);
    }

    private DynamicLargeObject dlo(FakeHttp.Request request) {
        return DynamicLargeObject.of(store, request.build(), account, BIG, manifest);
    }

    private static String write(Content content, long start, long length) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        content.write(out, start, length);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void isItsSegmentsInNameOrderWithTheQuotedMd5OfTheirEtags() throws Exception {
        DynamicLargeObject dlo = dlo(new FakeHttp.Request());

        MessageDigest md5 = MessageDigest.getInstance("MD5");
        md5.update(store.head(segments, "big/001").etag().getBytes(StandardCharsets.US_ASCII));
        md5.update(store.head(segments, "big/002").etag().getBytes(StandardCharsets.US_ASCII));
        assertThat(dlo.etag()).isEqualTo("\"" + HexFormat.of().formatHex(md5.digest()) + "\"");
        assertThat(dlo.size()).isEqualTo(10);
        assertThat(dlo.timestamp()).isEqualTo(manifest.timestamp());
        assertThat(write(dlo, 0, 10)).isEqualTo("0123456789");
        assertThat(new String(dlo.stream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("0123456789");
    }

    @Test
    void aRangeReadsOnlyTheSegmentsItCrosses() throws Exception {
        DynamicLargeObject dlo = dlo(new FakeHttp.Request());

        assertThat(write(dlo, 4, 4)).isEqualTo("4567");
        assertThat(write(dlo, 7, 3)).isEqualTo("789");
        assertThat(write(dlo, 0, 2)).isEqualTo("01");
    }

    @Test
    void aSegmentReplacedAfterTheListingFailsTheReadRatherThanServeOtherBytes() throws Exception {
        DynamicLargeObject dlo = dlo(new FakeHttp.Request());
        put(segments, "big/002", "XXXX");

        assertThat(write(dlo, 0, 6)).isEqualTo("012345");
        assertThatThrownBy(() -> write(dlo, 0, 10)).isInstanceOf(IOException.class)
                .hasMessage("DLO segment 'big/002' in 'segs' changed while being read");
    }

    @Test
    void onlyAUserWhoMayReadTheSegmentsContainerGetsThem() {
        assertThat(dlo(new FakeHttp.Request().user("test:reader")).size()).isEqualTo(10);
        assertThatThrownBy(() -> dlo(new FakeHttp.Request().user("test:other")))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(403))
                .hasMessage("Forbidden: test:other may not read the segments of '/c/big' in the container 'segs': "
                        + "X-Container-Read does not name them");
    }

    @Test
    void aMissingSegmentsContainerIs404NamingTheManifest() throws Exception {
        manifest = store.put(account.containers.get("c"), "big", new ByteArrayInputStream(new byte[0]), 0, null,
                new Attributes("text/plain", Map.of(), "gone%20away/big/", Expiry.NEVER), false, LIMITS);

        assertThatThrownBy(() -> dlo(new FakeHttp.Request()))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(404))
                .hasMessage("Container 'gone away' not found: '/c/big' names it for its segments (X-Object-Manifest)");
    }
}
