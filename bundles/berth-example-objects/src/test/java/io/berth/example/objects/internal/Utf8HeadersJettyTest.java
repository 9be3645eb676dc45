package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.berth.testing.RawHttp;

/**
 * Header values in UTF-8, sent as raw bytes as Swift's clients send them (python-swiftclient
 * encodes str values as UTF-8): Swift reads X-Copy-From, Destination, Content-Type and metadata
 * as UTF-8 and sends the same bytes back. Raw sockets, because java.net.http refuses such values.
 */
@Timeout(30)
class Utf8HeadersJettyTest {

    private static final String SNOW = "\u2603";
    private static final String TYPE = "application/x-" + SNOW + "; charset=utf-8";

    @TempDir
    Path dir;

    private ObjectsJetty jetty;

    @BeforeEach
    void start() throws Exception {
        jetty = ObjectsJetty.start(dir, Map.of());
        assertThat(send("PUT /v1/a/c", "").status()).isEqualTo(201);
    }

    @AfterEach
    void stop() throws Exception {
        jetty.close();
    }

    @Test
    void anObjectNamedInUtf8IsCopiedFromXCopyFromAndDestination() throws Exception {
        assertThat(send("PUT /v1/a/c/%E2%98%83", "snow", "Content-Type: " + TYPE, "X-Object-Meta-Who: " + SNOW + " man")
                .status()).isEqualTo(201);

        RawHttp.Response copied = send("PUT /v1/a/c/copy", "", "X-Copy-From: c/" + SNOW);
        assertThat(copied.status()).as(copied.body()).isEqualTo(201);
        assertThat(copied.header("X-Copied-From")).contains("c/%E2%98%83");
        RawHttp.Response copy = send("GET /v1/a/c/copy", "");
        assertThat(copy.body()).isEqualTo("snow");
        assertThat(copy.header("Content-Type")).contains(wire(TYPE));
        assertThat(copy.header("X-Object-Meta-Who")).contains(wire(SNOW + " man"));

        assertThat(send("COPY /v1/a/c/copy", "", "Destination: /c/" + SNOW + "2").status()).isEqualTo(201);
        assertThat(send("GET /v1/a/c/%E2%98%832", "").body()).isEqualTo("snow");
    }

    @Test
    void aContentTypeInUtf8ComesBackAsSentFromHeadGetAndListings() throws Exception {
        send("PUT /v1/a/c/%E2%98%83", "snow", "Content-Type: " + TYPE);

        RawHttp.Response head = sendHead("HEAD /v1/a/c/%E2%98%83");
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.header("Content-Type")).contains(wire(TYPE));
        assertThat(send("GET /v1/a/c?format=json", "").body())
                .contains("\"name\": \"\\u2603\"")
                .contains("\"content_type\": \"application/x-\\u2603; charset=utf-8\"");
        assertThat(send("GET /v1/a/c", "").body()).isEqualTo(SNOW + "\n");
        RawHttp.Response xml = send("GET /v1/a/c?format=xml", "");
        assertThat(xml.body()).contains("<content_type>" + TYPE + "</content_type>");
        RawHttp.Response ranges = send("GET /v1/a/c/%E2%98%83", "", "Range: bytes=0-0,2-3");
        assertThat(ranges.status()).isEqualTo(206);
        assertThat(ranges.body()).contains("Content-Type: " + TYPE + "\r\nContent-Range: bytes 2-3/4");

        assertThat(send("POST /v1/a/c/%E2%98%83", "", "Content-Type: text/" + SNOW).status()).isEqualTo(202);
        assertThat(sendHead("HEAD /v1/a/c/%E2%98%83").header("Content-Type")).contains(wire("text/" + SNOW));
    }

    @Test
    void metadataValuesInUtf8ComeBackAsSent() throws Exception {
        assertThat(send("POST /v1/a/c", "", "X-Container-Meta-Snow: " + SNOW).status()).isEqualTo(204);
        assertThat(sendHead("HEAD /v1/a/c").header("X-Container-Meta-Snow")).contains(wire(SNOW));
        assertThat(send("POST /v1/a", "", "X-Account-Meta-Snow: " + SNOW + SNOW).status()).isEqualTo(204);
        assertThat(sendHead("HEAD /v1/a").header("X-Account-Meta-Snow")).contains(wire(SNOW + SNOW));
        send("PUT /v1/a/c/o", "x");
        assertThat(send("POST /v1/a/c/o", "", "X-Object-Meta-Snow: " + SNOW).status()).isEqualTo(202);
        assertThat(sendHead("HEAD /v1/a/c/o").header("X-Object-Meta-Snow")).contains(wire(SNOW));
    }

    @Test
    void metadataLimitsCountBytes() throws Exception {
        // 86 snowmen are 258 bytes: over Swift's 256, though 86 characters.
        RawHttp.Response tooLong = send("POST /v1/a/c", "", "X-Container-Meta-Snow: " + SNOW.repeat(86));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.body()).isEqualTo("Metadata value longer than 256 bytes: X-Container-Meta-Snow\n");
        assertThat(send("POST /v1/a/c", "", "X-Container-Meta-Snow: " + SNOW.repeat(85)).status()).isEqualTo(204);
    }

    @Test
    void bytesThatAreNotUtf8GetSwiftsAnswers() throws Exception {
        send("PUT /v1/a/c/o", "x");
        RawHttp.Response meta = send(bytes("POST /v1/a/c", "X-Container-Meta-Bad: a", (byte) 0xc3));
        assertThat(meta.status()).isEqualTo(400);
        assertThat(meta.body()).isEqualTo("Metadata must be valid UTF-8: X-Container-Meta-Bad is not\n");
        assertThat(send(bytes("POST /v1/a", "X-Account-Meta-Bad: ", (byte) 0xff)).status()).isEqualTo(400);

        RawHttp.Response type = send(bytes("PUT /v1/a/c/t", "Content-Type: text/", (byte) 0xff));
        assertThat(type.status()).isEqualTo(400);
        assertThat(type.body()).isEqualTo("Invalid Content-Type: its bytes are not UTF-8\n");

        for (RawHttp.Response copy : new RawHttp.Response[] {send(bytes("PUT /v1/a/c/t", "X-Copy-From: c/o", (byte) 0xc3)),
                send("PUT /v1/a/c/t", "", "X-Copy-From: c/o%C3"), send("PUT /v1/a/c/t", "", "X-Copy-From: c/o%00"),
                send(bytes("COPY /v1/a/c/o", "Destination: c/", (byte) 0xe2, (byte) 0x98))}) {
            assertThat(copy.status()).isEqualTo(412);
            assertThat(copy.body()).isEqualTo("Invalid UTF8 or contains NULL\n");
        }
        assertThat(send("GET /v1/a/c", "").body()).isEqualTo("o\n");
    }

    /** A header value as the bytes on the wire, one char a byte: how RawHttp reads a response's headers. */
    private static String wire(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** A request with no body whose last header ends in the given raw bytes. */
    private static byte[] bytes(String requestLine, String header, byte... tail) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((requestLine + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n" + header)
                .getBytes(StandardCharsets.UTF_8));
        out.writeBytes(tail);
        out.writeBytes("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private RawHttp.Response send(byte[] request) throws Exception {
        try (RawHttp raw = new RawHttp(jetty.port)) {
            return raw.send(request).read();
        }
    }

    /** A request with its headers in UTF-8. */
    private RawHttp.Response send(String requestLine, String body, String... headers) throws Exception {
        return send(request(requestLine, body, headers));
    }

    private RawHttp.Response sendHead(String requestLine) throws Exception {
        try (RawHttp raw = new RawHttp(jetty.port)) {
            return raw.send(request(requestLine, null)).readHead();
        }
    }

    private static byte[] request(String requestLine, String body, String... headers) {
        StringBuilder text = new StringBuilder(requestLine).append(" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
        for (String header : headers) {
            text.append(header).append("\r\n");
        }
        if (body != null) {
            text.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
        }
        return text.append("\r\n").append(body == null ? "" : body).toString().getBytes(StandardCharsets.UTF_8);
    }
}
