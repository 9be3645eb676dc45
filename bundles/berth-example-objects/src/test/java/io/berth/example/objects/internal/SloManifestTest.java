package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.berth.example.objects.internal.Requests.Target;
import io.berth.example.objects.internal.SloManifest.Requested;
import io.berth.example.objects.internal.SloManifest.Segment;

/** A manifest PUT's body, checked as Swift 2.30's parse_and_validate_input does, and the stored forms. */
class SloManifestTest {

    private static final Target SLO = new Target("AUTH_test", "c", "slo");

    private static List<Requested> parse(String json) {
        return SloManifest.parse(json.getBytes(StandardCharsets.UTF_8), SLO);
    }

    private static void refused(String json, String body) {
        assertThatThrownBy(() -> parse(json))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(400))
                .hasMessage(body);
    }

    @Test
    void aBodyThatIsNotAJsonListIsRefusedWithSwiftsWords() {
        refused("nope", "Manifest must be valid JSON.");
        refused("{}", "Manifest must be a list.");
    }

    @Test
    void everyProblemOfEverySegmentIsOneLineOfTheAnswerAsSwiftWritesIt() {
        // Swift 2.30's own answer to this body (run through its parse_and_validate_input), less the
        // newline the error answer adds.
        refused("[\"x\", {\"path\": \"/segs/a\", \"foo\": 1, \"bar\": 2}, {\"path\": 5}, {\"path\": \"/segs/a\", \"etag\": 5},"
                + " {\"path\": \"/nocontainer/\"}, {\"path\": \"/segs/a\", \"size_bytes\": \"x\"},"
                + " {\"path\": \"/segs/a\", \"size_bytes\": 0}, {\"path\": \"/c/slo\"}, {\"path\": \"/segs/a\", \"range\": \"x\"},"
                + " {\"path\": \"/segs/a\", \"range\": \"1-2,3-4\"}, {\"path\": \"/segs/a\", \"size_bytes\": 10, \"range\": \"20-30\"},"
                + " {\"path\": \"/segs/b\", \"size_bytes\": \"12\"}]",
                "Index 0: not a JSON object\n"
                + "Index 1: extraneous keys \"bar\", \"foo\"\n"
                + "Index 2: \"path\" must be a string\n"
                + "Index 3: \"etag\" must be a string or null (if provided)\n"
                + "Index 4: path does not refer to an object. Path must be of the form /container/object.\n"
                + "Index 5: invalid size_bytes\n"
                + "Index 6: too small; each segment must be at least 1 byte.\n"
                + "Index 7: manifest must not include itself as a segment\n"
                + "Index 8: invalid range\n"
                + "Index 9: multiple ranges (only one allowed)\n"
                + "Index 10: unsatisfiable range");
    }

    @Test
    void inlineDataIsStrictBase64OfAtLeastOneByteBesideAnObjectAsSwiftChecksIt() {
        refused("[{\"etag\": \"x\"}]", "Index 0: expected keys to include one of 'data' or 'path'");
        refused("[{\"data\": \"eHl6\"}]", "Inline data segments require at least one object-backed segment.");
        // Swift 2.30's answers to these bodies.
        refused("[{\"data\": \"!!\"}, {\"data\": \"\"}, {\"data\": \"YQ\"}, {\"data\": \"eHl6\", \"path\": \"/a/b\"},"
                + " {\"data\": 5}, {\"path\": \"/segs/a\"}]",
                "Index 0: data must be valid base64\nIndex 1: too small; each segment must be at least 1 byte.\n"
                + "Index 2: data must be valid base64\nIndex 3: extraneous keys \"path\"\nIndex 4: data must be valid base64");
        refused("[{\"data\": \"YQ===\"}, {\"data\": \"eHl6\\n\"}, {\"path\": \"/segs/a\"}, {\"data\": \"YWI\"}]",
                "Index 1: data must be valid base64\nIndex 3: data must be valid base64");

        List<Requested> segments = parse("[{\"data\": \"YQ===\"}, {\"path\": \"/segs/a\"}]");
        assertThat(segments.get(0).data()).isEqualTo("YQ==");
        assertThat(segments.get(0).path()).isNull();
    }

    @Test
    void aValidManifestKeepsWhatEachSegmentMustBe() {
        List<Requested> segments = parse("[{\"path\": \"/segs/a\", \"etag\": \"abc\", \"size_bytes\": \"10\", \"range\": \"-3\"},"
                + " {\"path\": \"segs/dir/b\", \"etag\": null, \"size_bytes\": 0}]");

        assertThat(segments).hasSize(2);
        assertThat(segments.get(0).container()).isEqualTo("segs");
        assertThat(segments.get(0).object()).isEqualTo("a");
        assertThat(segments.get(0).etag()).isEqualTo("abc");
        assertThat(segments.get(0).sizeBytes()).isEqualTo(10L);
        assertThat(segments.get(0).range().forLength(10).get(0)).containsExactly(7, 10);
        // The last segment may be empty.
        assertThat(segments.get(1).object()).isEqualTo("dir/b");
        assertThat(segments.get(1).etag()).isNull();
        assertThat(segments.get(1).range()).isNull();
    }

    @Test
    void theStoredFormReadsBackAndGivesTheRawFormAndSwiftsEtag() throws Exception {
        List<Segment> segments = List.of(
                new Segment("/segs/a", "aaa", 10, "text/plain", "2026-12-06T18:00:00.000000", null, false),
                new Segment("/segs/b", "bbb", 6, "text/plain", "2026-12-06T18:00:01.000000", "4-5", true));

        String stored = SloManifest.write(segments);
        assertThat(stored).isEqualTo("[{\"name\": \"/segs/a\", \"bytes\": 10, \"hash\": \"aaa\", \"content_type\": \"text/plain\","
                + " \"last_modified\": \"2026-12-06T18:00:00.000000\"}, {\"name\": \"/segs/b\", \"bytes\": 6, \"hash\": \"bbb\","
                + " \"content_type\": \"text/plain\", \"last_modified\": \"2026-12-06T18:00:01.000000\", \"range\": \"4-5\","
                + " \"sub_slo\": true}]");
        assertThat(SloManifest.read(stored)).isEqualTo(segments);
        assertThat(SloManifest.raw(segments)).isEqualTo("[{\"etag\": \"aaa\", \"path\": \"/segs/a\", \"size_bytes\": 10},"
                + " {\"etag\": \"bbb\", \"path\": \"/segs/b\", \"range\": \"4-5\", \"size_bytes\": 6}]");
        assertThat(segments.get(1).first()).isEqualTo(4);
        assertThat(segments.get(1).length()).isEqualTo(2);
        // Swift's documented example: each etag, with ":range;" when the segment has one.
        assertThat(SloManifest.etag(segments)).isEqualTo(md5("aaabbb:4-5;"));
    }

    @Test
    void inlineDataIsStoredAndAnsweredAsSentAndCountsByItsMd5() throws Exception {
        List<Segment> segments = List.of(Segment.inline("eHl6"),
                new Segment("/segs/a", "aaa", 10, "text/plain", "2026-12-06T18:00:00.000000", null, false));

        assertThat(segments.get(0).bytes()).isEqualTo(3);
        assertThat(segments.get(0).length()).isEqualTo(3);
        String stored = SloManifest.write(segments);
        assertThat(stored).startsWith("[{\"data\": \"eHl6\"}, {\"name\": \"/segs/a\"");
        assertThat(SloManifest.read(stored)).isEqualTo(segments);
        assertThat(SloManifest.raw(segments)).startsWith("[{\"data\": \"eHl6\"}, {\"etag\": \"aaa\"");
        // Swift: the MD5 of the raw data stands for its ETag.
        assertThat(SloManifest.etag(segments)).isEqualTo(md5(md5("xyz") + "aaa"));
    }

    static String md5(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }
}
