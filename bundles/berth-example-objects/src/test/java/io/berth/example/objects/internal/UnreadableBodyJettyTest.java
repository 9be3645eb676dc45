package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.berth.testing.RawHttp;
import io.berth.testing.StderrCapture;

/**
 * A PUT whose body cannot be read: a chunked body Jetty refuses as malformed, a client that hangs
 * up halfway or stops sending. Raw sockets, since no HTTP client does any of that on purpose.
 */
@Timeout(30)
class UnreadableBodyJettyTest {

    private static final String OBJECT = "/v1/AUTH_test/c/o";

    @TempDir
    Path dir;

    private StderrCapture log;
    private ObjectsJetty jetty;

    @BeforeEach
    void start() throws Exception {
        log = new StderrCapture();
        jetty = ObjectsJetty.start(dir, Map.of());
        try (RawHttp raw = new RawHttp(jetty.port)) {
            assertThat(raw.send("PUT /v1/AUTH_test/c HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").read().status())
                    .isEqualTo(201);
        }
    }

    @AfterEach
    void stop() throws Exception {
        jetty.close();
        log.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "zz", "ffffffffffffffffff"})
    void aMalformedChunkSizeIs400WithTheReasonAndNothingIsStored(String size) throws Exception {
        try (RawHttp raw = new RawHttp(jetty.port)) {
            raw.send("PUT " + OBJECT + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .chunk("hello".getBytes(StandardCharsets.US_ASCII))
                    .send(size + "\r\nworld\r\n0\r\n\r\n");
            RawHttp.Response refused = raw.read();

            assertThat(refused.status()).as(refused.body()).isEqualTo(400);
            assertThat(refused.headers("Date")).hasSize(1);
            assertThat(refused.header("Connection")).hasValue("close");
            assertThat(refused.header("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
            assertThat(refused.body()).startsWith("Bad Request: malformed chunked body").contains("nothing was stored")
                    .doesNotContainIgnoringCase("exception").doesNotContainIgnoringCase("jetty").doesNotContain("EOF");
            assertThat(refused.header(ObjectsJetty.STAGE_HEADER)).hasValue("set by a stage");
            assertThat(raw.closedByServer()).isTrue();
        }
        assertThat(get(OBJECT).status()).isEqualTo(404);
        assertThat(tmpFiles()).isEmpty();
        assertThat(jetty.escaped()).isEmpty();

        try (RawHttp raw = new RawHttp(jetty.port)) {
            raw.send("PUT " + OBJECT + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .chunk("served".getBytes(StandardCharsets.US_ASCII)).lastChunk();
            assertThat(raw.read().status()).isEqualTo(201);
        }
        assertThat(get(OBJECT).body()).isEqualTo("served");
    }

    @Test
    void aClientThatHalfClosesMidBodyIs400NeverA499AndNothingIsStored() throws Exception {
        try (RawHttp raw = new RawHttp(jetty.port)) {
            raw.send("PUT " + OBJECT + " HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + "x".repeat(50)).shutdownOutput();
            RawHttp.Response cut = raw.read();

            // It sends no more but may still read: it learns what came of its request.
            assertThat(cut.status()).as(cut.body()).isEqualTo(400);
            assertThat(cut.headers("Date")).hasSize(1);
            assertThat(cut.header("Connection")).hasValue("close");
            assertThat(cut.body()).startsWith("Bad Request: the body ended after 50 of its 100 bytes")
                    .contains("nothing was stored");
        }
        assertThat(get(OBJECT).status()).isEqualTo(404);
        assertThat(tmpFiles()).isEmpty();
        assertThat(jetty.escaped()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"Content-Length: 100, close", "Transfer-Encoding: chunked, close", "Content-Length: 100, reset",
        "Transfer-Encoding: chunked, reset"})
    void aClientThatHangsUpHalfwayLeavesNothingStoredAndNoStackInTheLog(String framing, String hangUp) throws Exception {
        int done = jetty.requestsDone();
        try (RawHttp raw = new RawHttp(jetty.port)) {
            raw.send("PUT " + OBJECT + " HTTP/1.1\r\nHost: x\r\n" + framing + "\r\n\r\n");
            if (framing.endsWith("chunked")) {
                raw.chunk("x".repeat(50).getBytes(StandardCharsets.US_ASCII));
            } else {
                raw.send("x".repeat(50));
            }
            if (hangUp.equals("reset")) {
                raw.reset();
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> jetty.requestsDone() > done);

        assertThat(get(OBJECT).status()).isEqualTo(404);
        assertThat(tmpFiles()).isEmpty();
        assertThat(log.lines(line -> line.contains("Exception") || line.startsWith("\tat "))).isEmpty();
        assertThat(jetty.escaped()).as("exceptions out of the app, which Felix would log with their stack").isEmpty();
    }

    @Test
    void aClientThatDropsADownloadHalfwayLeavesNoWarningAndNothingEscapes() throws Exception {
        byte[] big = new byte[8 * 1024 * 1024];
        try (RawHttp raw = new RawHttp(jetty.port)) {
            raw.send("PUT " + OBJECT + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + big.length + "\r\n\r\n");
            raw.send(new String(big, StandardCharsets.ISO_8859_1));
            assertThat(raw.read().status()).isEqualTo(201);
        }
        int done = jetty.requestsDone();
        try (RawHttp raw = new RawHttp(jetty.port)) {
            raw.send("GET " + OBJECT + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.readSome(16)).startsWith("HTTP/1.1 200");
            raw.reset();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> jetty.requestsDone() > done);

        // Clients drop downloads all the time: no WARN per hang-up, no stack, nothing for Felix to log
        assertThat(log.lines(line -> line.contains("WARN") || line.contains("ERROR") || line.startsWith("\tat "))).isEmpty();
        assertThat(jetty.escaped()).as("exceptions out of the app, which Felix would log with their stack").isEmpty();
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
