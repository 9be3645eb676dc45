package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A PUT whose body cannot be read: a client that stops sending it. Raw sockets, since no HTTP
 * client does that on purpose.
 */
@Timeout(30)
class UnreadableBodyJettyTest {

    private static final String OBJECT = "/v1/AUTH_test/c/o";

    @TempDir
    Path dir;

    private ObjectsJetty jetty;

    @BeforeEach
    void start() throws Exception {
        jetty = ObjectsJetty.start(dir, Map.of());
        try (RawHttp raw = new RawHttp(jetty.port)) {
            assertThat(raw.send("PUT /v1/AUTH_test/c HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").read().status())
                    .isEqualTo(201);
        }
    }

    @AfterEach
    void stop() throws Exception {
        jetty.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Length: 100", "Transfer-Encoding: chunked"})
    void aBodyThatStopsComingIs408AtTheIdleTimeoutAndNothingIsStored(String framing) throws Exception {
        jetty.idleTimeout(Duration.ofMillis(500));
        try (RawHttp raw = new RawHttp(jetty.port)) {
            raw.send("PUT " + OBJECT + " HTTP/1.1\r\nHost: x\r\n" + framing + "\r\n\r\n");
            byte[] half = "x".repeat(50).getBytes(StandardCharsets.US_ASCII);
            if (framing.endsWith("chunked")) {
                raw.chunk(half);
            } else {
                raw.send(half);
            }
            RawHttp.Response timedOut = raw.read();

            assertThat(timedOut.status()).as(timedOut.body()).isEqualTo(408);
            assertThat(timedOut.headers("Date")).hasSize(1);
            assertThat(timedOut.header("Connection")).hasValue("close");
            assertThat(timedOut.body()).startsWith("Request Timeout: ").contains("after 50 bytes")
                    .contains("nothing was stored");
            assertThat(raw.closedByServer()).isTrue();
        }
        assertThat(get(OBJECT).status()).isEqualTo(404);
        assertThat(tmpFiles()).isEmpty();
    }

    private RawHttp.Response get(String path) throws IOException {
        try (RawHttp raw = new RawHttp(jetty.port)) {
            return raw.send("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").read();
        }
    }

    private List<Path> tmpFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("tmp"))) {
            return files.toList();
        }
    }
}
