package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.berth.testing.RawHttp;

/** The Swift API's statuses, headers and bodies, over HTTP in embedded Jetty 12. */
@Timeout(30)
class ObjectsServletJettyTest {

    private static final String A = "/v1/AUTH_test";

    @TempDir
    Path dir;

    private ObjectsJetty jetty;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        jetty = ObjectsJetty.start(dir, Map.of("container_listing_limit", "100", "max_file_size", "1000"));
    }

    @AfterEach
    void stop() throws Exception {
        jetty.close();
    }

    // ------------------------------------------------------------ info and paths

    @Test
    void infoAnswersSwiftsCapabilitiesWithSlo() throws Exception {
        HttpResponse<String> info = send("GET", "/info", null);

        assertThat(info.statusCode()).isEqualTo(200);
        assertThat(info.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        @SuppressWarnings("unchecked")
        Map<String, Object> swift = (Map<String, Object>) ((Map<String, Object>) Json.parse(info.body())).get("swift");
        assertThat(swift).containsEntry("max_file_size", 1000).containsEntry("container_listing_limit", 100)
                .containsEntry("account_listing_limit", 10000).containsEntry("max_object_name_length", 1024)
                .containsEntry("max_container_name_length", 256).containsEntry("max_meta_count", 90)
                .containsEntry("max_meta_overall_size", 4096).containsKey("version");
        assertThat(map(Json.parse(info.body())))
                .containsEntry("bulk_delete", Map.of("max_deletes_per_request", 10000, "max_failed_deletes", 1000));
        // Swift 2.30's slo registers these; min_segment_size is 1 since it stopped being configurable.
        assertThat(map(map(Json.parse(info.body())).get("slo"))).containsEntry("max_manifest_segments", 1000)
                .containsEntry("max_manifest_size", 8 * 1024 * 1024).containsEntry("min_segment_size", 1)
                .containsEntry("yield_frequency", 10).containsEntry("allow_async_delete", false);
    }

    @Test
    void anErrorAnswerKeepsTheHeadersStagesSetBeforeTheApp() throws Exception {
        HttpResponse<String> missing = send("GET", A + "/nothing-here", null);

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue(ObjectsJetty.STAGE_HEADER)).hasValue("set by a stage");
        assertThat(send("GET", A + "/c/o", null).headers().firstValue(ObjectsJetty.STAGE_HEADER)).hasValue("set by a stage");
    }

    @Test
    void anErrorAnswerHasOneDateAndOneServerHeader() throws Exception {
        HttpResponse<String> missing = send("GET", A + "/c/missing", null);

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().allValues("Date")).hasSize(1);
        assertThat(missing.headers().allValues("Server")).hasSize(1);
        assertThat(missing.headers().allValues(ObjectsJetty.STAGE_HEADER)).containsExactly("set by a stage");
    }

    @Test
    void otherPathsGetSwiftsAnswersAndBadEncodingIs400() throws Exception {
        // Swift's proxy: no controller for these (412 Bad URL), an API version it does not know (400)
        assertThat(send("GET", "/nothing", null).statusCode()).isEqualTo(412);
        assertThat(send("PUT", "/v1/", "").statusCode()).isEqualTo(412);
        assertThat(send("GET", "/v2/a", null).statusCode()).isEqualTo(400);
        // Jetty's parser refuses %00 itself, and closes the connection: a raw socket sees it.
        try (RawHttp raw = new RawHttp(jetty.port)) {
            assertThat(raw.send("GET " + A + "/c/a%00b HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(400);
        }
        assertThat(send("DELETE", "/info", null).statusCode()).isEqualTo(405);
    }

    @Test
    void theAppsOwnDecodingRefusesWhatJettyMightLetThrough() {
        assertThat(Requests.decode("/a%20b/%C3%A9%2F", "path")).isEqualTo("/a b/é/");
        assertThatThrownBy(() -> Requests.decode("/a%00b", "path")).hasMessage("NUL (%00) in the path");
        assertThatThrownBy(() -> Requests.decode("/%C3", "path")).hasMessage("Invalid UTF-8 in the path");
        assertThatThrownBy(() -> Requests.decode("/%ZZ", "path")).hasMessage("Invalid percent-encoding in the path at character 1");
        assertThatThrownBy(() -> Requests.decode("/%4", "path")).hasMessageStartingWith("Invalid percent-encoding");
    }

    @Test
    void namesOverSwiftsLengthsAre400() throws Exception {
        HttpResponse<String> container = send("PUT", A + "/" + "c".repeat(257), "");
        assertThat(container.statusCode()).isEqualTo(400);
        assertThat(container.body()).contains("Container name length of 257 longer than 256");
        put("/c", "");
        HttpResponse<String> object = send("PUT", A + "/c/" + "o".repeat(1025), "x");
        assertThat(object.statusCode()).isEqualTo(400);
        assertThat(object.body()).contains("Object name length of 1025 longer than 1024");
        assertThat(send("PUT", A + "/c/" + "o".repeat(1024), "x").statusCode()).isEqualTo(201);
    }

    // ------------------------------------------------------------ account

    @Test
    void accountIsCreatedOnFirstUseAndCountsWhatItHolds() throws Exception {
        HttpResponse<String> head = send("HEAD", A, null);
        assertThat(head.statusCode()).isEqualTo(204);
        assertThat(header(head, "X-Account-Container-Count")).isEqualTo("0");
        assertThat(header(head, "X-Timestamp")).matches("\\d{10}\\.\\d{5}");
        assertThat(send("GET", A, null).statusCode()).isEqualTo(204);

        put("/c1", "");
        put("/c2", "");
        put("/c1/o", "12345");
        HttpResponse<String> after = send("HEAD", A, null);
        assertThat(header(after, "X-Account-Container-Count")).isEqualTo("2");
        assertThat(header(after, "X-Account-Object-Count")).isEqualTo("1");
        assertThat(header(after, "X-Account-Bytes-Used")).isEqualTo("5");

        assertThat(send("GET", A, null).body()).isEqualTo("c1\nc2\n");
        List<?> json = (List<?>) Json.parse(send("GET", A + "?format=json", null).body());
        assertThat(json).hasSize(2);
        assertThat(map(json.get(0))).containsEntry("name", "c1").containsEntry("count", 1)
                .containsEntry("bytes", 5).containsKey("last_modified");
        HttpResponse<String> accepted = client.send(request(A).header("Accept", "application/json").GET().build(),
                BodyHandlers.ofString());
        assertThat(accepted.body()).startsWith("[{\"name\": \"c1\"");
        assertThat(send("GET", A + "?limit=1", null).body()).isEqualTo("c1\n");
        assertThat(send("GET", A + "?marker=c1", null).body()).isEqualTo("c2\n");
        assertThat(send("GET", A + "?reverse=true", null).body()).isEqualTo("c2\nc1\n");
        assertThat(send("GET", A + "?limit=10001", null).statusCode()).isEqualTo(412);
    }

    @Test
    void accountMetadataIsSetAndRemovedByPost() throws Exception {
        assertThat(client.send(request(A).header("X-Account-Meta-Owner", "ops").POST(BodyPublishers.noBody()).build(),
                BodyHandlers.ofString()).statusCode()).isEqualTo(204);
        assertThat(header(send("HEAD", A, null), "X-Account-Meta-Owner")).isEqualTo("ops");
        client.send(request(A).header("X-Remove-Account-Meta-Owner", "x").POST(BodyPublishers.noBody()).build(),
                BodyHandlers.ofString());
        assertThat(send("HEAD", A, null).headers().firstValue("X-Account-Meta-Owner")).isEmpty();
    }

    // ------------------------------------------------------------ containers

    @Test
    void containerPutIs201ThenHeadDeleteAndConflicts() throws Exception {
        assertThat(put("/c", "").statusCode()).isEqualTo(201);
        assertThat(put("/c", "").statusCode()).isEqualTo(202);
        put("/c/o", "abc");
        HttpResponse<String> head = send("HEAD", A + "/c", null);
        assertThat(head.statusCode()).isEqualTo(204);
        assertThat(header(head, "X-Container-Object-Count")).isEqualTo("1");
        assertThat(header(head, "X-Container-Bytes-Used")).isEqualTo("3");

        HttpResponse<String> notEmpty = send("DELETE", A + "/c", null);
        assertThat(notEmpty.statusCode()).isEqualTo(409);
        assertThat(notEmpty.body()).contains("Container 'c' is not empty");
        assertThat(send("DELETE", A + "/c/o", null).statusCode()).isEqualTo(204);
        assertThat(send("DELETE", A + "/c/o", null).statusCode()).isEqualTo(404);
        assertThat(send("DELETE", A + "/c", null).statusCode()).isEqualTo(204);
        HttpResponse<String> gone = send("DELETE", A + "/c", null);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(gone.body()).isEqualTo("Container 'c' not found\n");
        assertThat(send("HEAD", A + "/c", null).statusCode()).isEqualTo(404);
        assertThat(send("GET", A + "/c", null).statusCode()).isEqualTo(404);
        assertThat(send("POST", A + "/c", "").statusCode()).isEqualTo(404);
    }

    @Test
    void containerMetadataAndAclsArePutPostedAndRemoved() throws Exception {
        client.send(request(A + "/c").header("X-Container-Meta-Color", "red").header("X-Container-Read", "test:reader")
                .PUT(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        HttpResponse<String> head = send("HEAD", A + "/c", null);
        assertThat(header(head, "X-Container-Meta-Color")).isEqualTo("red");
        assertThat(header(head, "X-Container-Read")).isEqualTo("test:reader");

        HttpResponse<String> post = client.send(request(A + "/c").header("X-Remove-Container-Meta-Color", "x")
                .header("X-Container-Meta-Size", "big").POST(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(204);
        HttpResponse<String> after = send("HEAD", A + "/c", null);
        assertThat(after.headers().firstValue("X-Container-Meta-Color")).isEmpty();
        assertThat(header(after, "X-Container-Meta-Size")).isEqualTo("big");
    }

    @Test
    void containerListingsInPlainJsonAndXmlWithPrefixDelimiterMarkersAndReverse() throws Exception {
        put("/c", "");
        for (String name : List.of("a.txt", "dir/x", "dir/y", "dir/sub/z", "e")) {
            put("/c/" + name, name);
        }
        assertThat(send("GET", A + "/c", null).body()).isEqualTo("a.txt\ndir/sub/z\ndir/x\ndir/y\ne\n");
        assertThat(send("GET", A + "/c?delimiter=/", null).body()).isEqualTo("a.txt\ndir/\ne\n");
        assertThat(send("GET", A + "/c?prefix=dir/&delimiter=/", null).body()).isEqualTo("dir/sub/\ndir/x\ndir/y\n");
        assertThat(send("GET", A + "/c?prefix=dir/&delimiter=/&marker=dir/sub/", null).body()).isEqualTo("dir/x\ndir/y\n");
        assertThat(send("GET", A + "/c?marker=a.txt&end_marker=dir/y", null).body()).isEqualTo("dir/sub/z\ndir/x\n");
        assertThat(send("GET", A + "/c?reverse=on&limit=2", null).body()).isEqualTo("e\ndir/y\n");
        assertThat(send("GET", A + "/c?prefix=nothing", null).statusCode()).isEqualTo(204);
        assertThat(send("GET", A + "/c?prefix=nothing&format=json", null).body()).isEqualTo("[]");
        assertThat(send("GET", A + "/c?limit=101", null).statusCode()).isEqualTo(412);

        List<?> json = (List<?>) Json.parse(send("GET", A + "/c?format=json&delimiter=/", null).body());
        assertThat(map(json.get(1))).isEqualTo(Map.of("subdir", "dir/"));
        assertThat(map(json.get(0))).containsEntry("name", "a.txt").containsEntry("bytes", 5)
                .containsEntry("hash", SwiftClientTest.md5("a.txt".getBytes(StandardCharsets.UTF_8)))
                .containsEntry("content_type", "text/plain");
        assertThat((String) (map(json.get(0))).get("last_modified")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}");
        assertThat(send("GET", A + "/c?format=xml&prefix=e", null).body())
                .contains("<container name=\"c\"><object><name>e</name>");
    }

    // ------------------------------------------------------------ objects

    @Test
    void objectPutGetHeadWithItsHeaders() throws Exception {
        put("/c", "");
        HttpResponse<String> created = client.send(request(A + "/c/note.txt").header("X-Object-Meta-Color", "blue")
                .PUT(BodyPublishers.ofString("hello")).build(), BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);
        String md5 = SwiftClientTest.md5("hello".getBytes(StandardCharsets.UTF_8));
        assertThat(header(created, "ETag")).isEqualTo(md5);
        assertThat(created.headers().firstValue("Last-Modified")).isPresent();

        HttpResponse<String> get = send("GET", A + "/c/note.txt", null);
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).isEqualTo("hello");
        assertThat(header(get, "Content-Type")).isEqualTo("text/plain");
        assertThat(header(get, "Content-Length")).isEqualTo("5");
        assertThat(header(get, "ETag")).isEqualTo(md5);
        assertThat(header(get, "Accept-Ranges")).isEqualTo("bytes");
        assertThat(header(get, "X-Object-Meta-Color")).isEqualTo("blue");
        assertThat(header(get, "X-Timestamp")).matches("\\d{10}\\.\\d{5}");
        HttpResponse<String> head = send("HEAD", A + "/c/note.txt", null);
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(header(head, "Content-Length")).isEqualTo("5");

        put("/c/blob", "x");
        assertThat(header(send("HEAD", A + "/c/blob", null), "Content-Type")).isEqualTo("application/octet-stream");
        assertThat(send("GET", A + "/c/missing", null).statusCode()).isEqualTo(404);
        assertThat(send("GET", A + "/c/missing", null).body()).isEqualTo("Object 'missing' not found in container 'c'\n");
        HttpResponse<String> noContainer = put("/nope/o", "x");
        assertThat(noContainer.statusCode()).isEqualTo(404);
        assertThat(noContainer.body()).isEqualTo("Container 'nope' not found\n");
    }

    @Test
    void putChecksEtagSizeAndIfNoneMatch() throws Exception {
        put("/c", "");
        HttpResponse<String> wrong = client.send(request(A + "/c/o").header("ETag", "0123456789abcdef0123456789abcdef")
                .PUT(BodyPublishers.ofString("data")).build(), BodyHandlers.ofString());
        assertThat(wrong.statusCode()).isEqualTo(422);
        assertThat(send("HEAD", A + "/c/o", null).statusCode()).isEqualTo(404);
        String md5 = SwiftClientTest.md5("data".getBytes(StandardCharsets.UTF_8));
        assertThat(client.send(request(A + "/c/o").header("ETag", "\"" + md5 + "\"").PUT(BodyPublishers.ofString("data"))
                .build(), BodyHandlers.ofString()).statusCode()).isEqualTo(201);

        HttpResponse<String> exists = client.send(request(A + "/c/o").header("If-None-Match", "*")
                .PUT(BodyPublishers.ofString("new")).build(), BodyHandlers.ofString());
        assertThat(exists.statusCode()).isEqualTo(412);
        assertThat(client.send(request(A + "/c/o2").header("If-None-Match", "*").PUT(BodyPublishers.ofString("new"))
                .build(), BodyHandlers.ofString()).statusCode()).isEqualTo(201);

        HttpResponse<String> tooBig = put("/c/big", "x".repeat(1001));
        assertThat(tooBig.statusCode()).isEqualTo(413);
        assertThat(tooBig.body()).contains("max_file_size");
        // A chunked body over the limit is cut off as it crosses it.
        HttpResponse<String> chunked = client.send(request(A + "/c/big").PUT(BodyPublishers.ofInputStream(
                () -> new java.io.ByteArrayInputStream(new byte[5000]))).build(), BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(send("HEAD", A + "/c/big", null).statusCode()).isEqualTo(404);
    }

    @Test
    void putWithoutLengthOrChunkedIs411() throws Exception {
        put("/c", "");
        try (RawHttp raw = new RawHttp(jetty.port)) {
            RawHttp.Response response = raw.send("PUT " + A + "/c/o HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").read();
            assertThat(response.status()).isEqualTo(411);
            assertThat(response.body()).contains("Length Required");
        }
    }

    @Test
    void metadataOverSwiftsLimitsIs400NamingTheLimit() throws Exception {
        put("/c", "");
        assertThat(putWith("/c/o", "X-Object-Meta-" + "n".repeat(129), "v").body()).contains("Metadata name too long (max 128");
        assertThat(putWith("/c/o", "X-Object-Meta-Big", "v".repeat(257)).body()).contains("Metadata value longer than 256");
        HttpRequest.Builder many = request(A + "/c/o");
        for (int i = 0; i < 91; i++) {
            many.header("X-Object-Meta-M" + i, "v");
        }
        HttpResponse<String> tooMany = client.send(many.PUT(BodyPublishers.ofString("x")).build(), BodyHandlers.ofString());
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(tooMany.body()).contains("Too many metadata items; max 90");
        HttpRequest.Builder large = request(A + "/c/o");
        for (int i = 0; i < 20; i++) {
            large.header("X-Object-Meta-M" + i, "v".repeat(250));
        }
        HttpResponse<String> tooLarge = client.send(large.PUT(BodyPublishers.ofString("x")).build(), BodyHandlers.ofString());
        assertThat(tooLarge.statusCode()).isEqualTo(400);
        assertThat(tooLarge.body()).contains("Total metadata too large; max 4096");
        assertThat(send("HEAD", A + "/c/o", null).statusCode()).isEqualTo(404);
    }

    @Test
    void postReplacesObjectMetadata() throws Exception {
        put("/c", "");
        putWith("/c/o", "X-Object-Meta-Old", "1");
        HttpResponse<String> post = client.send(request(A + "/c/o").header("X-Object-Meta-New", "2")
                .header("Content-Type", "text/x-new").POST(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(202);
        HttpResponse<String> head = send("HEAD", A + "/c/o", null);
        assertThat(head.headers().firstValue("X-Object-Meta-Old")).isEmpty();
        assertThat(header(head, "X-Object-Meta-New")).isEqualTo("2");
        assertThat(header(head, "Content-Type")).isEqualTo("text/x-new");
        assertThat(send("GET", A + "/c/o", null).body()).isEqualTo("body");
        assertThat(send("POST", A + "/c/missing", "").statusCode()).isEqualTo(404);
    }

    @Test
    void rangesAndConditionalRequests() throws Exception {
        put("/c", "");
        put("/c/o", "0123456789");
        String etag = SwiftClientTest.md5("0123456789".getBytes(StandardCharsets.UTF_8));

        HttpResponse<String> range = get("/c/o", "Range", "bytes=2-4");
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo("234");
        assertThat(header(range, "Content-Range")).isEqualTo("bytes 2-4/10");
        assertThat(get("/c/o", "Range", "bytes=-3").body()).isEqualTo("789");
        assertThat(get("/c/o", "Range", "bytes=8-").body()).isEqualTo("89");
        HttpResponse<String> unsatisfiable = get("/c/o", "Range", "bytes=20-30");
        assertThat(unsatisfiable.statusCode()).isEqualTo(416);
        assertThat(header(unsatisfiable, "Content-Range")).isEqualTo("bytes */10");
        assertThat(get("/c/o", "Range", "items=1-2").statusCode()).isEqualTo(200);
        HttpResponse<String> multi = get("/c/o", "Range", "bytes=0-1,8-9");
        assertThat(multi.statusCode()).isEqualTo(206);
        assertThat(header(multi, "Content-Type")).startsWith("multipart/byteranges;boundary=");
        assertThat(multi.body()).contains("Content-Range: bytes 0-1/10\r\n\r\n01\r\n").contains("Content-Range: bytes 8-9/10\r\n\r\n89\r\n");

        assertThat(get("/c/o", "If-Match", "\"" + etag + "\"").statusCode()).isEqualTo(200);
        assertThat(get("/c/o", "If-Match", "nope").statusCode()).isEqualTo(412);
        assertThat(get("/c/o", "If-None-Match", etag).statusCode()).isEqualTo(304);
        assertThat(get("/c/o", "If-None-Match", "other").statusCode()).isEqualTo(200);
        String lastModified = header(send("HEAD", A + "/c/o", null), "Last-Modified");
        assertThat(get("/c/o", "If-Modified-Since", lastModified).statusCode()).isEqualTo(304);
        assertThat(get("/c/o", "If-Modified-Since", "Sat, 01 Jan 2000 00:00:00 GMT").statusCode()).isEqualTo(200);
        assertThat(get("/c/o", "If-Unmodified-Since", "Sat, 01 Jan 2000 00:00:00 GMT").statusCode()).isEqualTo(412);
        assertThat(get("/c/o", "If-Unmodified-Since", lastModified).statusCode()).isEqualTo(200);
    }

    @Test
    void copyAndPutWithCopyFromMergeMetadata() throws Exception {
        put("/c", "");
        put("/d", "");
        putWith("/c/src", "X-Object-Meta-Kept", "yes");

        HttpResponse<String> copy = client.send(request(A + "/c/src").header("Destination", "d/copy%20one")
                .header("X-Object-Meta-Added", "1").method("COPY", BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        assertThat(copy.statusCode()).isEqualTo(201);
        assertThat(header(copy, "X-Copied-From")).isEqualTo("c/src");
        HttpResponse<String> copied = send("GET", A + "/d/copy%20one", null);
        assertThat(copied.body()).isEqualTo("body");
        assertThat(header(copied, "X-Object-Meta-Kept")).isEqualTo("yes");
        assertThat(header(copied, "X-Object-Meta-Added")).isEqualTo("1");

        HttpResponse<String> fromPut = client.send(request(A + "/d/second").header("X-Copy-From", "/c/src")
                .PUT(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        assertThat(fromPut.statusCode()).isEqualTo(201);
        assertThat(send("GET", A + "/d/second", null).body()).isEqualTo("body");

        assertThat(client.send(request(A + "/c/missing").header("Destination", "d/x").method("COPY", BodyPublishers.noBody())
                .build(), BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        assertThat(client.send(request(A + "/c/src").method("COPY", BodyPublishers.noBody()).build(),
                BodyHandlers.ofString()).statusCode()).isEqualTo(412);
        assertThat(client.send(request(A + "/c/src").header("Destination", "nowhere/x").method("COPY", BodyPublishers.noBody())
                .build(), BodyHandlers.ofString()).statusCode()).isEqualTo(404);
    }

    @Test
    void aCopyWhoseSourceCannotBeReadIs500TheServersFailureNotTheClients() throws Exception {
        put("/c", "");
        put("/c/src", "0123456789");
        // The disk lost part of the source's bytes: the store's own damage.
        try (Stream<Path> files = Files.walk(dir.resolve("a"))) {
            Path data = files.filter(f -> f.toString().endsWith(".data")).findFirst().orElseThrow();
            Files.writeString(data, "01234");
        }

        HttpResponse<String> copy = client.send(request(A + "/c/src").header("Destination", "c/copy")
                .method("COPY", BodyPublishers.noBody()).build(), BodyHandlers.ofString());

        assertThat(copy.statusCode()).as(copy.body()).isEqualTo(500);
        assertThat(send("HEAD", A + "/c/copy", null).statusCode()).isEqualTo(404);
    }

    @Test
    void dynamicLargeObjectsConcatenateTheirSegments() throws Exception {
        put("/c", "");
        put("/c_segments", "");
        put("/c_segments/big/00000002", "cc");
        put("/c_segments/big/00000000", "aaa");
        put("/c_segments/big/00000001", "bbbb");
        HttpResponse<String> manifest = client.send(request(A + "/c/big").header("X-Object-Manifest", "c_segments/big/")
                .PUT(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        assertThat(manifest.statusCode()).isEqualTo(201);

        HttpResponse<String> get = send("GET", A + "/c/big", null);
        assertThat(get.body()).isEqualTo("aaabbbbcc");
        assertThat(header(get, "Content-Length")).isEqualTo("9");
        String etags = SwiftClientTest.md5("aaa".getBytes(StandardCharsets.UTF_8))
                + SwiftClientTest.md5("bbbb".getBytes(StandardCharsets.UTF_8)) + SwiftClientTest.md5("cc".getBytes(StandardCharsets.UTF_8));
        assertThat(header(get, "ETag")).isEqualTo("\"" + SwiftClientTest.md5(etags.getBytes(StandardCharsets.US_ASCII)) + "\"");
        assertThat(header(get, "X-Object-Manifest")).isEqualTo("c_segments/big/");
        assertThat(header(send("HEAD", A + "/c/big", null), "Content-Length")).isEqualTo("9");
        HttpResponse<String> range = get("/c/big", "Range", "bytes=2-7");
        assertThat(range.body()).isEqualTo("abbbbc");
        assertThat(header(range, "Content-Range")).isEqualTo("bytes 2-7/9");
        HttpResponse<String> itself = send("GET", A + "/c/big?multipart-manifest=get", null);
        assertThat(itself.body()).isEmpty();
        assertThat(header(itself, "Content-Length")).isEqualTo("0");

        client.send(request(A + "/c/flat").header("X-Copy-From", "c/big").PUT(BodyPublishers.noBody()).build(),
                BodyHandlers.ofString());
        HttpResponse<String> flat = send("GET", A + "/c/flat", null);
        assertThat(flat.body()).isEqualTo("aaabbbbcc");
        assertThat(flat.headers().firstValue("X-Object-Manifest")).isEmpty();
    }

    @Test
    void aDloWhoseSegmentContainerIsMissingIs404AsInSwift() throws Exception {
        // Swift's dlo middleware answers with its failed segment listing: 404 for the account's admin.
        put("/c", "");
        client.send(request(A + "/c/big").header("X-Object-Manifest", "gone/big/").PUT(BodyPublishers.noBody()).build(),
                BodyHandlers.ofString());

        HttpResponse<String> get = send("GET", A + "/c/big", null);
        assertThat(get.statusCode()).isEqualTo(404);
        assertThat(get.body()).isEqualTo("Container 'gone' not found: '/c/big' names it for its segments (X-Object-Manifest)\n");
        assertThat(send("HEAD", A + "/c/big", null).statusCode()).isEqualTo(404);
        assertThat(client.send(request(A + "/c/flat").header("X-Copy-From", "c/big").PUT(BodyPublishers.noBody()).build(),
                BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        assertThat(send("GET", A + "/c/big?multipart-manifest=get", null).statusCode()).isEqualTo(200);
        put("/gone", "");
        assertThat(send("GET", A + "/c/big", null).statusCode()).isEqualTo(200);
    }

    @Test
    void unknownMethodsAre405NotServletDefaults() throws Exception {
        put("/c", "");
        HttpResponse<String> patch = client.send(request(A + "/c/o").method("PATCH", BodyPublishers.noBody()).build(),
                BodyHandlers.ofString());
        assertThat(patch.statusCode()).isEqualTo(405);
        assertThat(patch.body()).startsWith("Method Not Allowed: PATCH on an object");
    }

    @Test
    void servesUnderAMountPointWithEncodedNames() throws Exception {
        try (ObjectsJetty mounted = ObjectsJetty.start(dir.resolve("mounted"), Map.of(), "/swift")) {
            HttpClient http = HttpClient.newHttpClient();
            String base = mounted.base() + A;
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/c%20c")).PUT(BodyPublishers.noBody()).build(),
                    BodyHandlers.ofString()).statusCode()).isEqualTo(201);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/c%20c/d%C3%A9j%C3%A0/vu%3F")).PUT(BodyPublishers
                    .ofString("x")).build(), BodyHandlers.ofString()).statusCode()).isEqualTo(201);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/c%20c")).build(), BodyHandlers.ofString()).body())
                    .isEqualTo("déjà/vu?\n");
            assertThat(http.send(HttpRequest.newBuilder(URI.create(mounted.base() + "/info")).build(), BodyHandlers.ofString())
                    .statusCode()).isEqualTo(200);
        }
    }

    // ------------------------------------------------------------ authorization contract

    @Test
    void adminsAndRequestsWithoutAuthMayDoEverything() throws Exception {
        assertThat(as("test:tester", ".admin", "PUT", "/c").statusCode()).isEqualTo(201);
        assertThat(as("reseller", ".reseller_admin", "POST", "").statusCode()).isEqualTo(204);
        assertThat(put("/c/o", "x").statusCode()).isEqualTo(201);
    }

    @Test
    void otherUsersGetWhatTheContainerAclsGrant() throws Exception {
        client.send(request(A + "/c").header("X-Container-Read", "test:reader, other").header("X-Container-Write", "*:writer")
                .PUT(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        put("/c/o", "x");

        HttpResponse<String> account = as("test:reader", null, "GET", "");
        assertThat(account.statusCode()).isEqualTo(403);
        assertThat(account.body()).contains("test:reader may not GET the account AUTH_test");
        assertThat(as("test:reader", null, "PUT", "/c").statusCode()).isEqualTo(403);
        assertThat(as("test:reader", null, "GET", "/c").statusCode()).isEqualTo(200);
        assertThat(as("test:reader", null, "GET", "/c/o").statusCode()).isEqualTo(200);
        assertThat(as("other:anyone", null, "HEAD", "/c/o").statusCode()).isEqualTo(200);
        HttpResponse<String> readerWrites = as("test:reader", null, "PUT", "/c/o");
        assertThat(readerWrites.statusCode()).isEqualTo(403);
        assertThat(readerWrites.body()).contains("X-Container-Write does not name them");
        assertThat(as("test:writer", null, "PUT", "/c/o").statusCode()).isEqualTo(201);
        assertThat(as("test:writer", null, "DELETE", "/c/o").statusCode()).isEqualTo(204);
        HttpResponse<String> writerReads = as("test:writer", null, "GET", "/c");
        assertThat(writerReads.statusCode()).isEqualTo(403);
        assertThat(writerReads.body()).contains("X-Container-Read does not name them");
        assertThat(as("test:nobody", null, "GET", "/missing/o").statusCode()).isEqualTo(403);
        // The ACLs themselves are not shown to the users they name.
        assertThat(as("test:reader", null, "HEAD", "/c").headers().firstValue("X-Container-Read")).isEmpty();
    }

    @Test
    void aDloServesNoSegmentsFromAContainerTheUserMayNotRead() throws Exception {
        // As Swift's dlo middleware, which lists and reads the segments with the user's own authorization.
        client.send(request(A + "/pub").header("X-Container-Read", "test:reader").header("X-Container-Write", "test:reader")
                .PUT(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        put("/segs", "");
        put("/segs/part/1", "secret-1");
        put("/segs/part/2", "secret-2");
        client.send(request(A + "/pub/big").header("X-Object-Manifest", "segs/part/").PUT(BodyPublishers.noBody()).build(),
                BodyHandlers.ofString());

        HttpResponse<String> get = as("test:reader", null, "GET", "/pub/big");
        assertThat(get.statusCode()).isEqualTo(403);
        assertThat(get.body()).doesNotContain("secret")
                .contains("test:reader may not read the segments of '/pub/big' in the container 'segs': X-Container-Read does not name them");
        assertThat(as("test:reader", null, "HEAD", "/pub/big").statusCode()).isEqualTo(403);
        HttpResponse<String> range = client.send(request(A + "/pub/big").header(ObjectsJetty.USER, "test:reader")
                .header("Range", "bytes=0-5").GET().build(), BodyHandlers.ofString());
        assertThat(range.statusCode()).isEqualTo(403);
        assertThat(range.body()).doesNotContain("secret");
        HttpResponse<String> copy = client.send(request(A + "/pub/big").header(ObjectsJetty.USER, "test:reader")
                .header("Destination", "pub/copied").method("COPY", BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        assertThat(copy.statusCode()).isEqualTo(403);
        HttpResponse<String> copyFrom = client.send(request(A + "/pub/copied").header(ObjectsJetty.USER, "test:reader")
                .header("X-Copy-From", "pub/big").PUT(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        assertThat(copyFrom.statusCode()).isEqualTo(403);
        assertThat(send("HEAD", A + "/pub/copied", null).statusCode()).isEqualTo(404);
        // The manifest itself reads no segment.
        assertThat(as("test:reader", null, "GET", "/pub/big?multipart-manifest=get").statusCode()).isEqualTo(200);
        // An admin of the account reads anything; a reader of the segment container reads the DLO.
        assertThat(as("test:boss", ".admin", "GET", "/pub/big").body()).isEqualTo("secret-1secret-2");
        client.send(request(A + "/segs").header("X-Container-Read", "test:reader").POST(BodyPublishers.noBody()).build(),
                BodyHandlers.ofString());
        assertThat(as("test:reader", null, "GET", "/pub/big").body()).isEqualTo("secret-1secret-2");
        HttpResponse<String> copied = client.send(request(A + "/pub/copied").header(ObjectsJetty.USER, "test:reader")
                .header("X-Copy-From", "pub/big").PUT(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        assertThat(copied.statusCode()).isEqualTo(201);
    }

    @Test
    void aCopyNeedsReadOnItsSourceAndWriteOnItsDestinationOnly() throws Exception {
        // Swift's copy middleware makes a COPY a GET of the source and a PUT of the destination.
        client.send(request(A + "/from").header("X-Container-Read", "test:copier").header("X-Container-Write", "test:writer")
                .PUT(BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        client.send(request(A + "/to").header("X-Container-Write", "test:copier,test:writer").PUT(BodyPublishers.noBody())
                .build(), BodyHandlers.ofString());
        put("/from/o", "data");

        HttpResponse<String> copy = client.send(request(A + "/from/o").header(ObjectsJetty.USER, "test:copier")
                .header("Destination", "to/o").method("COPY", BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        assertThat(copy.statusCode()).as(copy.body()).isEqualTo(201);
        assertThat(send("GET", A + "/to/o", null).body()).isEqualTo("data");
        HttpResponse<String> writerCopies = client.send(request(A + "/from/o").header(ObjectsJetty.USER, "test:writer")
                .header("Destination", "to/o2").method("COPY", BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        assertThat(writerCopies.statusCode()).isEqualTo(403);
        assertThat(writerCopies.body()).contains("test:writer may not GET objects in the container 'from'");
        assertThat(send("HEAD", A + "/to/o2", null).statusCode()).isEqualTo(404);
    }

    @Test
    void aclEntries() {
        assertThat(Requests.aclGrants("test:tester", "test:tester", role -> false)).isTrue();
        assertThat(Requests.aclGrants("test", "test:tester", role -> false)).isTrue();
        assertThat(Requests.aclGrants("*:tester", "test:tester", role -> false)).isTrue();
        assertThat(Requests.aclGrants("test:*", "test:tester", role -> false)).isTrue();
        assertThat(Requests.aclGrants(" x , * ", "test:tester", role -> false)).isTrue();
        assertThat(Requests.aclGrants(".r:*,.rlistings", "test:tester", role -> false)).isFalse();
        assertThat(Requests.aclGrants("test:other,other:tester,tes", "test:tester", role -> false)).isFalse();
        assertThat(Requests.aclGrants(null, "test:tester", role -> false)).isFalse();
        assertThat(Requests.aclGrants("other,staff", "test:tester", "staff"::equals)).as("a group of the user's").isTrue();
    }

    // ------------------------------------------------------------ helpers

    private HttpResponse<String> as(String user, String roles, String method, String path) throws Exception {
        HttpRequest.Builder builder = request(A + path).header(ObjectsJetty.USER, user);
        if (roles != null) {
            builder.header(ObjectsJetty.ROLES, roles);
        }
        boolean body = method.equals("PUT") || method.equals("POST");
        return client.send(builder.method(method, body ? BodyPublishers.ofString("y") : BodyPublishers.noBody()).build(),
                BodyHandlers.ofString());
    }

    private HttpResponse<String> put(String path, String body) throws Exception {
        return send("PUT", A + path, body);
    }

    private HttpResponse<String> putWith(String path, String header, String value) throws Exception {
        return client.send(request(A + path).header(header, value).PUT(BodyPublishers.ofString("body")).build(),
                BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String header, String value) throws Exception {
        return client.send(request(A + path).header(header, value).GET().build(), BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return client.send(request(path).method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body))
                .build(), BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(jetty.base() + path));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object json) {
        return (Map<String, Object>) json;
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name + " header"));
    }
}
