package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies stream through, never held whole: surefire runs this module with -Xmx128m, and this
 * uploads and downloads 192 MiB, chunked (no length to size a buffer by) and with a length.
 * A servlet or store that buffered a body would fail with OutOfMemoryError.
 */
@Timeout(120)
class StreamingTest {

    private static final long SIZE = 192L * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void aBodyLargerThanTheHeapGoesUpAndComesBack() throws Exception {
        assertThat(Runtime.getRuntime().maxMemory()).as("the heap this test is meant for").isLessThan(SIZE);
        try (ObjectsJetty jetty = ObjectsJetty.start(dir, Map.of())) {
            HttpClient client = HttpClient.newHttpClient();
            String base = jetty.base() + "/v1/a/c";
            client.send(HttpRequest.newBuilder(URI.create(base)).PUT(BodyPublishers.noBody()).build(), BodyHandlers.discarding());

            MessageDigest sent = MessageDigest.getInstance("MD5");
            HttpResponse<String> chunked = client.send(HttpRequest.newBuilder(URI.create(base + "/big"))
                    .PUT(BodyPublishers.ofInputStream(() -> new Pattern(SIZE, sent))).build(), BodyHandlers.ofString());
            assertThat(chunked.statusCode()).isEqualTo(201);
            String etag = HexFormat.of().formatHex(sent.digest());
            assertThat(chunked.headers().firstValue("ETag")).hasValue(etag);

            HttpResponse<String> sized = client.send(HttpRequest.newBuilder(URI.create(base + "/sized"))
                    .PUT(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> new Pattern(SIZE, null)), SIZE))
                    .build(), BodyHandlers.ofString());
            assertThat(sized.headers().firstValue("ETag")).hasValue(etag);

            HttpResponse<InputStream> download = client.send(HttpRequest.newBuilder(URI.create(base + "/big")).build(),
                    BodyHandlers.ofInputStream());
            assertThat(download.headers().firstValue("Content-Length")).hasValue(Long.toString(SIZE));
            MessageDigest received = MessageDigest.getInstance("MD5");
            try (InputStream in = download.body()) {
                byte[] buffer = new byte[64 * 1024];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    received.update(buffer, 0, n);
                }
            }
            assertThat(HexFormat.of().formatHex(received.digest())).isEqualTo(etag);
        }
    }

    /** size bytes of a repeating pattern, generated as read, digested if asked. */
    private static final class Pattern extends InputStream {
        private final MessageDigest digest;
        private long left;

        Pattern(long size, MessageDigest digest) {
            this.left = size;
            this.digest = digest;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) ((left - i) * 31);
            }
            left -= n;
            if (digest != null) {
                digest.update(b, off, n);
            }
            return n;
        }
    }
}
