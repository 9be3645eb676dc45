package io.berth.example.objects.internal;

import static io.berth.example.objects.internal.SloManifestTest.md5;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Static Large Objects over HTTP in embedded Jetty: made, read, listed, copied and deleted as Swift 2.30 answers. */
@Timeout(30)
class StaticLargeObjectJettyTest {

    private static final String A = "/v1/AUTH_test";
    private static final String TWO = "[{\"path\": \"/segs/a\", \"etag\": \"" + md5Unchecked("0123456789")
            + "\", \"size_bytes\": 10}, {\"path\": \"/segs/b\", \"etag\": null, \"size_bytes\": null}]";

    @TempDir
    Path dir;

    private ObjectsJetty jetty;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        jetty = ObjectsJetty.start(dir, Map.of());
        assertThat(send("PUT", "/c", null).statusCode()).isEqualTo(201);
        assertThat(send("PUT", "/segs", null).statusCode()).isEqualTo(201);
        assertThat(send("PUT", "/segs/a", "0123456789").statusCode()).isEqualTo(201);
        assertThat(send("PUT", "/segs/b", "abcdef", "Content-Type", "text/plain; charset=utf-8").statusCode()).isEqualTo(201);
    }

    @AfterEach
    void stop() throws Exception {
        jetty.close();
    }

    @Test
    void aManifestPutMakesAnObjectOfItsSegmentsWithSwiftsEtag() throws Exception {
        String sloEtag = md5(md5("0123456789") + md5("abcdef"));

        HttpResponse<String> put = send("PUT", "/c/slo?multipart-manifest=put", TWO);
        assertThat(put.statusCode()).isEqualTo(201);
        assertThat(header(put, "ETag")).isEqualTo("\"" + sloEtag + "\"");

        HttpResponse<String> get = send("GET", "/c/slo", null);
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo("0123456789abcdef");
        assertThat(header(get, "ETag")).isEqualTo("\"" + sloEtag + "\"");
        assertThat(header(get, "X-Static-Large-Object")).isEqualTo("True");
        String manifest = send("GET", "/c/slo?multipart-manifest=get", null).body();
        assertThat(header(get, "X-Manifest-Etag")).isEqualTo(md5(manifest));

        HttpResponse<String> head = send("HEAD", "/c/slo", null);
        assertThat(header(head, "Content-Length")).isEqualTo("16");
        assertThat(header(head, "ETag")).isEqualTo("\"" + sloEtag + "\"");
        assertThat(header(head, "X-Static-Large-Object")).isEqualTo("True");
    }

    @Test
    void rangesCrossSegmentBoundariesAndSegmentsMayBeRangesThemselves() throws Exception {
        send("PUT", "/c/slo?multipart-manifest=put", TWO);

        HttpResponse<String> across = get("/c/slo", "Range", "bytes=8-11");
        assertThat(across.statusCode()).isEqualTo(206);
        assertThat(across.body()).isEqualTo("89ab");
        assertThat(header(across, "Content-Range")).isEqualTo("bytes 8-11/16");
        assertThat(get("/c/slo", "Range", "bytes=-3").body()).isEqualTo("def");
        HttpResponse<String> two = get("/c/slo", "Range", "bytes=0-1,9-10");
        assertThat(two.statusCode()).isEqualTo(206);
        assertThat(header(two, "Content-Type")).startsWith("multipart/byteranges");
        assertThat(two.body()).contains("Content-Range: bytes 0-1/16\r\n\r\n01\r\n").contains("Content-Range: bytes 9-10/16\r\n\r\n9a\r\n");

        HttpResponse<String> put = send("PUT", "/c/ranged?multipart-manifest=put",
                "[{\"path\": \"/segs/a\", \"range\": \"2-4\"}, {\"path\": \"/segs/b\", \"range\": \"-2\"}, {\"path\": \"/segs/b\", \"range\": \"0-\"}]");
        assertThat(put.statusCode()).isEqualTo(201);
        // The suffix range is stored as the bytes it names; the whole object as no range at all.
        assertThat(header(put, "ETag")).isEqualTo("\"" + md5(md5("0123456789") + ":2-4;" + md5("abcdef") + ":4-5;" + md5("abcdef")) + "\"");
        assertThat(send("GET", "/c/ranged", null).body()).isEqualTo("234efabcdef");
        assertThat(get("/c/ranged", "Range", "bytes=2-5").body()).isEqualTo("4efa");
    }

    @Test
    void preconditionsAreOnTheSlosEtag() throws Exception {
        String etag = header(send("PUT", "/c/slo?multipart-manifest=put", TWO), "ETag");

        assertThat(get("/c/slo", "If-None-Match", etag).statusCode()).isEqualTo(304);
        assertThat(get("/c/slo", "If-Match", etag).statusCode()).isEqualTo(200);
        assertThat(get("/c/slo", "If-Match", "\"" + md5("0123456789") + "\"").statusCode()).isEqualTo(412);
    }

    @Test
    void theManifestIsAnsweredAsStoredOrInTheFormAPutTakes() throws Exception {
        send("PUT", "/c/slo?multipart-manifest=put", TWO);

        HttpResponse<String> manifest = send("GET", "/c/slo?multipart-manifest=get", null);
        assertThat(manifest.statusCode()).isEqualTo(200);
        assertThat(header(manifest, "Content-Type")).isEqualToIgnoringWhitespace("application/json; charset=utf-8");
        assertThat(header(manifest, "X-Static-Large-Object")).isEqualTo("True");
        assertThat(header(manifest, "ETag").replace("\"", "")).isEqualTo(md5(manifest.body()));
        List<?> stored = (List<?>) Json.parse(manifest.body());
        assertThat(map(stored.get(1))).containsEntry("name", "/segs/b").containsEntry("bytes", 6)
                .containsEntry("hash", md5("abcdef")).containsEntry("content_type", "text/plain")
                .containsKey("last_modified").doesNotContainKey("range");
        assertThat((String) ((Map<?, ?>) stored.get(1)).get("last_modified")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.000000");

        HttpResponse<String> raw = send("GET", "/c/slo?multipart-manifest=get&format=raw", null);
        assertThat(raw.body()).isEqualTo("[{\"etag\": \"" + md5("0123456789") + "\", \"path\": \"/segs/a\", \"size_bytes\": 10},"
                + " {\"etag\": \"" + md5("abcdef") + "\", \"path\": \"/segs/b\", \"size_bytes\": 6}]");
        assertThat(header(raw, "ETag")).isEqualTo(md5(raw.body()));
        // What format=raw gives is a manifest to PUT again.
        assertThat(send("PUT", "/c/again?multipart-manifest=put", raw.body()).statusCode()).isEqualTo(201);
        assertThat(send("GET", "/c/again", null).body()).isEqualTo("0123456789abcdef");
    }

    @Test
    void segmentsThatAreNotAsTheManifestSaysAreListedInTheAnswer() throws Exception {
        send("PUT", "/segs/empty", "");
        String manifest = "[{\"path\": \"/segs/missing\"}, {\"path\": \"/nowhere/x\"}, {\"path\": \"/segs/a\", \"size_bytes\": 11},"
                + " {\"path\": \"/segs/b\", \"etag\": \"nope\"}, {\"path\": \"/segs/a\", \"range\": \"10-12\"},"
                + " {\"path\": \"/segs/empty\"}, {\"path\": \"/segs/empty\"}]";

        HttpResponse<String> text = send("PUT", "/c/slo?multipart-manifest=put", manifest);
        assertThat(text.statusCode()).isEqualTo(400);
        assertThat(header(text, "Content-Type")).isEqualTo("text/plain");
        assertThat(text.body()).isEqualTo("Errors:\n/segs/missing, 404 Not Found\n/nowhere/x, 404 Not Found\n/segs/a, Size Mismatch\n"
                + "/segs/b, Etag Mismatch\n/segs/a, Unsatisfiable Range\n"
                + "/segs/empty, Too small; each segment must be at least 1 byte.\n");

        HttpResponse<String> json = client.send(request("/c/slo?multipart-manifest=put").header("Accept", "application/json")
                .PUT(BodyPublishers.ofString("[{\"path\": \"/segs/missing\"}]")).build(), BodyHandlers.ofString());
        assertThat(json.statusCode()).isEqualTo(400);
        assertThat(header(json, "Content-Type")).isEqualTo("application/json");
        assertThat(json.body()).isEqualTo("{\"Errors\": [[\"/segs/missing\", \"404 Not Found\"]]}");
        assertThat(send("HEAD", "/c/slo", null).statusCode()).isEqualTo(404);
    }

    @Test
    void limitsCopiesReservedHeadersAndAWrongEtagAreRefusedAsSwiftRefusesThem() throws Exception {
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i <= SloManifest.MAX_MANIFEST_SEGMENTS; i++) {
            many.append(i == 0 ? "" : ", ").append("{\"path\": \"/segs/a\"}");
        }
        HttpResponse<String> tooMany = send("PUT", "/c/slo?multipart-manifest=put", many.append(']').toString());
        assertThat(tooMany.statusCode()).isEqualTo(413);
        assertThat(tooMany.body()).isEqualTo("Number of object-backed segments must be <= 1000\n");

        HttpResponse<String> tooLarge = send("PUT", "/c/slo?multipart-manifest=put", " ".repeat(SloManifest.MAX_MANIFEST_SIZE + 1));
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(tooLarge.body()).isEqualTo("Manifest File > 8388608 bytes\n");

        HttpResponse<String> copy = client.send(request("/c/slo?multipart-manifest=put").header("X-Copy-From", "segs/a")
                .PUT(BodyPublishers.ofString(TWO)).build(), BodyHandlers.ofString());
        assertThat(copy.statusCode()).isEqualTo(405);
        assertThat(copy.body()).isEqualTo("Multipart Manifest PUTs cannot be COPY requests\n");

        HttpResponse<String> reserved = client.send(request("/c/slo").header("X-Static-Large-Object", "True")
                .PUT(BodyPublishers.ofString(TWO)).build(), BodyHandlers.ofString());
        assertThat(reserved.statusCode()).isEqualTo(400);
        assertThat(reserved.body()).startsWith("X-Static-Large-Object is a reserved header.");

        HttpResponse<String> etag = client.send(request("/c/slo?multipart-manifest=put").header("ETag", "\"" + md5("x") + "\"")
                .PUT(BodyPublishers.ofString(TWO)).build(), BodyHandlers.ofString());
        assertThat(etag.statusCode()).isEqualTo(422);
        String right = md5(md5("0123456789") + md5("abcdef"));
        assertThat(client.send(request("/c/slo?multipart-manifest=put").header("ETag", "\"" + right + "\"")
                .PUT(BodyPublishers.ofString(TWO)).build(), BodyHandlers.ofString()).statusCode()).isEqualTo(201);
    }

    @Test
    void segmentsAreLookedUpAndReadWithTheUsersOwnRights() throws Exception {
        send("POST", "/c", null, "X-Container-Write", "test:writer", "X-Container-Read", "test:writer");

        // As Swift: the user's HEAD of the segment is refused, and the manifest with it.
        HttpResponse<String> refused = send("PUT", "/c/slo?multipart-manifest=put", TWO, ObjectsJetty.USER, "test:writer");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).isEqualTo("Errors:\n/segs/a, 403 Forbidden\n/segs/b, 403 Forbidden\n");

        send("POST", "/segs", null, "X-Container-Read", "test:writer");
        assertThat(send("PUT", "/c/slo?multipart-manifest=put", TWO, ObjectsJetty.USER, "test:writer").statusCode()).isEqualTo(201);
        assertThat(send("GET", "/c/slo", null, ObjectsJetty.USER, "test:writer").body()).isEqualTo("0123456789abcdef");

        // The segments' container closed to them again: reading the SLO is no way round it.
        send("POST", "/segs", null, "X-Container-Read", "test:other");
        HttpResponse<String> read = send("GET", "/c/slo", null, ObjectsJetty.USER, "test:writer");
        assertThat(read.statusCode()).isEqualTo(409);
        assertThat(read.body()).isEqualTo("Conflict: SLO segment '/segs/a' of '/c/slo': 403 Forbidden\n");
        assertThat(send("HEAD", "/c/slo", null, ObjectsJetty.USER, "test:writer").statusCode()).isEqualTo(200);
    }

    @Test
    void aFirstSegmentChangedSinceThePutIs409() throws Exception {
        send("PUT", "/c/slo?multipart-manifest=put", TWO);
        send("PUT", "/segs/a", "9876543210");

        HttpResponse<String> get = send("GET", "/c/slo", null);
        assertThat(get.statusCode()).isEqualTo(409);
        assertThat(get.body()).isEqualTo("Conflict: SLO segment '/segs/a' of '/c/slo': Etag Mismatch\n");
        // The range that needs only the unchanged segment is served.
        assertThat(get("/c/slo", "Range", "bytes=10-15").body()).isEqualTo("abcdef");
    }

    @Test
    void aListingShowsTheTotalSizeAndBothEtagsWhileBytesUsedCountsTheManifest() throws Exception {
        send("PUT", "/c/slo?multipart-manifest=put", TWO);
        String manifest = send("GET", "/c/slo?multipart-manifest=get", null).body();

        HttpResponse<String> listing = send("GET", "/c?format=json", null);
        Map<String, Object> entry = map(((List<?>) Json.parse(listing.body())).get(0));
        assertThat(entry).containsEntry("name", "slo").containsEntry("bytes", 16).containsEntry("hash", md5(manifest))
                .containsEntry("slo_etag", "\"" + md5(md5("0123456789") + md5("abcdef")) + "\"")
                .containsEntry("content_type", "application/octet-stream");
        assertThat(header(listing, "X-Container-Bytes-Used")).isEqualTo(Integer.toString(manifest.length()));
        assertThat(send("GET", "/c?format=xml", null).body()).contains("<bytes>16</bytes>").contains("<slo_etag>");

        // What makes it an SLO is on disk: a store opened again lists and serves it alike.
        jetty.close();
        jetty = ObjectsJetty.start(dir, Map.of());
        assertThat(send("GET", "/c?format=json", null).body()).isEqualTo(listing.body());
        assertThat(send("GET", "/c/slo", null).body()).isEqualTo("0123456789abcdef");
    }

    @Test
    void aPostKeepsTheSloAndACopyIsItsContentUnlessTheManifestIsAskedFor() throws Exception {
        send("PUT", "/c/slo?multipart-manifest=put", TWO);
        assertThat(send("POST", "/c/slo", null, "X-Object-Meta-Color", "blue").statusCode()).isEqualTo(202);
        HttpResponse<String> posted = send("GET", "/c/slo", null);
        assertThat(posted.body()).isEqualTo("0123456789abcdef");
        assertThat(header(posted, "X-Object-Meta-Color")).isEqualTo("blue");

        assertThat(send("PUT", "/c/copy", "", "X-Copy-From", "c/slo").statusCode()).isEqualTo(201);
        HttpResponse<String> copy = send("GET", "/c/copy", null);
        assertThat(copy.body()).isEqualTo("0123456789abcdef");
        assertThat(copy.headers().firstValue("X-Static-Large-Object")).isEmpty();
        assertThat(header(copy, "ETag")).isEqualTo(md5("0123456789abcdef"));

        assertThat(send("COPY", "/c/slo?multipart-manifest=get", null, "Destination", "c/manifest").statusCode()).isEqualTo(201);
        HttpResponse<String> manifest = send("GET", "/c/manifest", null);
        assertThat(manifest.body()).isEqualTo("0123456789abcdef");
        assertThat(header(manifest, "X-Static-Large-Object")).isEqualTo("True");
    }

    @Test
    void inlineDataIsPartOfTheContentAndNothingToDelete() throws Exception {
        HttpResponse<String> put = send("PUT", "/c/slo?multipart-manifest=put",
                "[{\"data\": \"PDw=\"}, {\"path\": \"/segs/a\", \"range\": \"0-1\"}, {\"data\": \"Pj4\\u003d\"}]");
        assertThat(put.statusCode()).isEqualTo(201);
        assertThat(header(put, "ETag")).isEqualTo("\"" + md5(md5("<<") + md5("0123456789") + ":0-1;" + md5(">>")) + "\"");
        assertThat(send("GET", "/c/slo", null).body()).isEqualTo("<<01>>");
        assertThat(get("/c/slo", "Range", "bytes=1-4").body()).isEqualTo("<01>");
        assertThat(header(send("HEAD", "/c/slo", null), "Content-Length")).isEqualTo("6");

        assertThat(send("DELETE", "/c/slo?multipart-manifest=delete", null).body()).startsWith("Number Deleted: 2\n");
        assertThat(send("GET", "/segs", null).body()).isEqualTo("b\n");
    }

    @Test
    void anSloMayBeASegmentOfAnother() throws Exception {
        send("PUT", "/segs/inner?multipart-manifest=put", TWO);

        HttpResponse<String> put = send("PUT", "/c/outer?multipart-manifest=put",
                "[{\"path\": \"/segs/inner\", \"size_bytes\": 16, \"range\": \"8-11\"}, {\"path\": \"/segs/a\"}]");
        assertThat(put.statusCode()).isEqualTo(201);
        assertThat(send("GET", "/c/outer", null).body()).isEqualTo("89ab0123456789");
        assertThat(send("GET", "/c/outer?multipart-manifest=get", null).body()).contains("\"range\": \"8-11\", \"sub_slo\": true");
    }

    @Test
    void aMultipartDeleteRemovesTheSegmentsThenTheManifestAndSaysSoAsBulkDeleteDoes() throws Exception {
        send("PUT", "/segs/other", "stays");
        send("PUT", "/c/slo?multipart-manifest=put", TWO);

        HttpResponse<String> deleted = send("DELETE", "/c/slo?multipart-manifest=delete", null);
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(header(deleted, "Content-Type")).isEqualTo("text/plain");
        assertThat(deleted.body()).isEqualTo("Number Deleted: 3\nNumber Not Found: 0\nResponse Body: \nResponse Status: 200 OK\nErrors:\n");
        assertThat(send("GET", "/segs", null).body()).isEqualTo("other\n");
        assertThat(send("HEAD", "/c/slo", null).statusCode()).isEqualTo(404);

        HttpResponse<String> missing = client.send(request("/c/slo?multipart-manifest=delete").header("Accept", "application/json")
                .DELETE().build(), BodyHandlers.ofString());
        assertThat(missing.body()).isEqualTo("{\"Response Status\": \"200 OK\", \"Response Body\": \"\", \"Number Deleted\": 0,"
                + " \"Number Not Found\": 1, \"Errors\": []}");

        HttpResponse<String> plain = send("DELETE", "/segs/other?multipart-manifest=delete", null);
        assertThat(plain.body()).isEqualTo("Number Deleted: 0\nNumber Not Found: 0\nResponse Body: \nResponse Status: 400 Bad Request\n"
                + "Errors:\n/segs/other, Not an SLO manifest\n");
        assertThat(send("HEAD", "/segs/other", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aPlainDeleteRemovesTheManifestOnlyAndSegmentsTheUserMayNotDeleteStay() throws Exception {
        send("PUT", "/c/slo?multipart-manifest=put", TWO);
        assertThat(send("DELETE", "/c/slo", null).statusCode()).isEqualTo(204);
        assertThat(send("GET", "/segs", null).body()).isEqualTo("a\nb\n");

        send("POST", "/c", null, "X-Container-Write", "test:writer", "X-Container-Read", "test:writer");
        send("POST", "/segs", null, "X-Container-Read", "test:writer");
        send("PUT", "/c/slo?multipart-manifest=put", TWO);
        HttpResponse<String> deleted = send("DELETE", "/c/slo?multipart-manifest=delete", null, ObjectsJetty.USER, "test:writer");
        assertThat(deleted.body()).isEqualTo("Number Deleted: 1\nNumber Not Found: 0\nResponse Body: \nResponse Status: 400 Bad Request\n"
                + "Errors:\n/segs/a, 403 Forbidden\n/segs/b, 403 Forbidden\n");
        assertThat(send("GET", "/segs", null).body()).isEqualTo("a\nb\n");
        assertThat(send("HEAD", "/c/slo", null).statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> get(String path, String header, String value) throws Exception {
        return client.send(request(path).header(header, value).GET().build(), BodyHandlers.ofString());
    }

    /** @param headers name, value, name, value... */
    private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder builder = request(path);
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return client.send(builder.method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body)).build(),
                BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(jetty.base() + A + path));
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name + " header"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object json) {
        return (Map<String, Object>) json;
    }

    private static String md5Unchecked(String text) {
        try {
            return md5(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
