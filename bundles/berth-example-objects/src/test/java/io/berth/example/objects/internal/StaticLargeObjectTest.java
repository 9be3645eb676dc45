package io.berth.example.objects.internal;

import static io.berth.example.objects.internal.SloManifestTest.md5;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.berth.example.objects.internal.ObjectStore.Attributes;
import io.berth.example.objects.internal.ObjectStore.Limits;
import io.berth.example.objects.internal.ObjectStore.Opened;
import io.berth.example.objects.internal.Requests.Target;
import io.berth.example.objects.internal.SloManifest.Segment;

/** An SLO's content over a real store: segments checked as they are read, a failure after the first cutting the response. */
class StaticLargeObjectTest {

    private static final Limits LIMITS = new Limits(1 << 20, 100);
    private static final Target SLO = new Target("AUTH_test", "c", "slo");

    @TempDir
    Path root;

    private ObjectStore store;
    private Account account;
    private Container segments;

    @BeforeEach
    void store() throws IOException {
        store = ObjectStore.open(root);
        account = store.account("AUTH_test");
        store.putContainer(account, "c", Map.of());
        store.putContainer(account, "segs", Map.of());
        segments = account.containers.get("segs");
        put(segments, "a", "0123456789", Map.of());
        put(segments, "b", "abcdef", Map.of());
    }

    private void put(Container container, String name, String text, Map<String, String> sysmeta) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        store.put(container, name, new ByteArrayInputStream(bytes), bytes.length, null,
                new Attributes("text/plain", Map.of(), null, Expiry.NEVER, sysmeta), false, LIMITS);
    }

    private String read(long start, long length) throws Exception {
        List<Segment> list = List.of(
                new Segment("/segs/a", md5("0123456789"), 10, "text/plain", "2026-12-06T18:00:00.000000", null, false),
                new Segment("/segs/b", md5("abcdef"), 6, "text/plain", "2026-12-06T18:00:00.000000", "1-5", false));
        put(account.containers.get("c"), "slo", SloManifest.write(list), StaticLargeObject.sysmeta(SloManifest.etag(list), 15));
        try (Opened opened = store.open(account.containers.get("c"), "slo")) {
            Content content = StaticLargeObject.content(store, new FakeHttp.Request().build(), account, SLO, opened, 0);
            assertThat(content.size()).isEqualTo(15);
            assertThat(content.etag()).isEqualTo("\"" + md5(md5("0123456789") + md5("abcdef") + ":1-5;") + "\"");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            content.write(out, start, length);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void itIsItsSegmentsRangesIncluded() throws Exception {
        assertThat(read(0, 15)).isEqualTo("0123456789bcdef");
        assertThat(read(9, 2)).isEqualTo("9b");
        assertThat(read(12, 3)).isEqualTo("def");
    }

    @Test
    void aSegmentChangedAfterTheFirstCutsTheResponseAndTheFirstIs409() throws Exception {
        put(segments, "b", "ABCDEF", Map.of());

        assertThatThrownBy(() -> read(0, 15)).isInstanceOf(IOException.class).isNotInstanceOf(SwiftException.class)
                .hasMessage("SLO segment '/segs/b' of '/c/slo': Etag Mismatch");
        assertThatThrownBy(() -> read(10, 5))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(409))
                .hasMessage("Conflict: SLO segment '/segs/b' of '/c/slo': Etag Mismatch");
    }

    @Test
    void aSegmentGoneIsNotFound() throws Exception {
        store.delete(segments, "a");

        assertThatThrownBy(() -> read(0, 15))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(409))
                .hasMessage("Conflict: SLO segment '/segs/a' of '/c/slo': 404 Not Found");
    }

    @Test
    void theBulkAnswerIsInTheFormatAcceptAsksForAsSwiftsBulkWritesIt() {
        assertThat(Accept.bulkFormat(null)).isEqualTo("text/plain");
        assertThat(Accept.bulkFormat("*/*")).isEqualTo("text/plain");
        assertThat(Accept.bulkFormat("application/json;q=0.5, text/plain;q=0.4")).isEqualTo("application/json");
        assertThat(Accept.bulkFormat("text/*;q=0.9, application/xml")).isEqualTo("application/xml");
        assertThat(Accept.bulkFormat("image/png")).isNull();

        Map<String, Object> result = new java.util.LinkedHashMap<>();
        result.put("Response Status", "400 Bad Request");
        result.put("Number Deleted", 2);
        List<List<String>> errors = List.of(List.of("/segs/a&b", "403 Forbidden"));
        assertThat(BulkDeleteAnswer.body("text/xml", result, errors, "delete")).isEqualTo("<delete>\n<number_deleted>2</number_deleted>\n"
                + "<response_status>400 Bad Request</response_status>\n<errors>\n"
                + "<object><name>/segs/a&amp;b</name><status>403 Forbidden</status></object>\n</errors>\n</delete>\n");
        assertThat(BulkDeleteAnswer.body("text/plain", result, errors, "delete"))
                .isEqualTo("Number Deleted: 2\nResponse Status: 400 Bad Request\nErrors:\n/segs/a&b, 403 Forbidden\n");
    }
}
