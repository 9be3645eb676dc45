package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.berth.testing.RawHttp;

/**
 * Pipeline generations overlap: a new one is built (the app factory's create()) while the one it
 * replaces still serves. Every generation on a root shares that root's one object store; only the
 * first open of a root removes what a crash left behind.
 */
@Timeout(30)
class GenerationsTest {

    @TempDir
    Path root;

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void anUploadInFlightThroughOneGenerationCompletesWhileTheNextIsCreated() throws Exception {
        ObjectsApp app = new ObjectsApp();
        byte[] first = "x".repeat(100_000).getBytes(StandardCharsets.US_ASCII);
        byte[] rest = "y".repeat(50_000).getBytes(StandardCharsets.US_ASCII);
        try (ObjectsJetty one = ObjectsJetty.start(app, root, Map.of())) {
            assertThat(send("PUT", one.base() + "/v1/a/c").statusCode()).isEqualTo(201);
            try (RawHttp upload = new RawHttp(one.port)) {
                upload.send("PUT /v1/a/c/o HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n").chunk(first);
                await().atMost(Duration.ofSeconds(10)).until(() -> partSize() == first.length);

                try (ObjectsJetty two = ObjectsJetty.start(app, root, Map.of())) {
                    upload.chunk(rest).lastChunk();
                    RawHttp.Response stored = upload.read();

                    assertThat(stored.status()).as(stored.body()).isEqualTo(201);
                    String body = new String(first, StandardCharsets.US_ASCII) + new String(rest, StandardCharsets.US_ASCII);
                    assertThat(send("GET", two.base() + "/v1/a/c/o").body()).isEqualTo(body);
                    // One store, one index: the generation that did not take the upload lists it.
                    assertThat(send("GET", two.base() + "/v1/a/c").body()).isEqualTo("o\n");
                    assertThat(send("GET", one.base() + "/v1/a/c/o").body()).isEqualTo(body);
                }
            }
        }
    }

    @Test
    void theFirstOpenOfARootRemovesWhatACrashLeftAndTheNextGenerationsDoNot() throws Exception {
        Path crashed = Files.writeString(Files.createDirectories(root.resolve("tmp")).resolve("put-1.part"), "left by a crash");
        ObjectsApp app = new ObjectsApp();

        app.create(Map.of("root", root.toString()));
        assertThat(crashed).doesNotExist();

        Path inFlight = Files.writeString(root.resolve("tmp/put-2.part"), "an upload in flight");
        app.create(Map.of("root", root.toString()));
        app.create(Map.of("root", root.resolve("../" + root.getFileName()).toString()));
        assertThat(inFlight).exists();
    }

    @Test
    void eachGenerationKeepsItsOwnLimitsOverTheSharedStore() throws Exception {
        ObjectsApp app = new ObjectsApp();
        try (ObjectsJetty small = ObjectsJetty.start(app, root, Map.of("max_file_size", "10"));
                ObjectsJetty large = ObjectsJetty.start(app, root, Map.of("max_file_size", "1000"))) {
            send("PUT", small.base() + "/v1/a/c");
            String eleven = "eleven byte";

            assertThat(put(small.base() + "/v1/a/c/o", eleven).statusCode()).isEqualTo(413);
            assertThat(put(large.base() + "/v1/a/c/o", eleven).statusCode()).isEqualTo(201);
            assertThat(send("GET", small.base() + "/v1/a/c/o").body()).isEqualTo(eleven);
        }
    }

    private HttpResponse<String> put(String uri, String body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(uri)).PUT(BodyPublishers.ofString(body)).build(),
                BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String uri) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(uri)).method(method, BodyPublishers.noBody()).build(),
                BodyHandlers.ofString());
    }

    /** The bytes of the upload in tmp/ so far, or -1 while there is none. */
    private long partSize() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve("tmp"))) {
            List<Path> parts = files.filter(f -> f.getFileName().toString().startsWith("put-")).toList();
            return parts.isEmpty() ? -1 : Files.size(parts.get(0));
        }
    }
}
