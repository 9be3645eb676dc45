package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.eclipse.jetty.http.UriCompliance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.berth.testing.RawHttp;

/**
 * What Jetty 12 (ee10, as Felix's whiteboard runs it) lets through to the app for names with
 * {@code //}, {@code ..}, {@code %2F} and other ambiguous encodings. Raw sockets, because
 * java.net.http would not send some of these paths as written.
 *
 * <p>Found: by default Jetty answers 400 itself, with an empty body, before any servlet runs,
 * for an empty segment ({@code //}), {@code %2F}, {@code %2e}/{@code %2e%2e} segments,
 * {@code %25} (so no name with a {@code %} can be stored!), {@code %5C}, and invalid UTF-8;
 * {@code %00} is refused by the HTTP parser. Literal {@code ..} and {@code .} segments and
 * {@code ;} pass: Jetty resolves them only for dispatch, and the app, reading the raw URI,
 * stores the names as sent. With Felix's {@code org.eclipse.jetty.UriComplianceMode=LEGACY}
 * (which also turns on decodeAmbiguousURIs) every one of them reaches the app and works,
 * except {@code %00} and invalid UTF-8.
 *
 * <p>A Berth listener adds to any mode what is wrong only in its UTF-8 ({@code Connectors.uriCompliance}
 * in berth-socket; {@link #LISTENER} here is the same): names sent as raw UTF-8 bytes are stored, as
 * Swift stores them, and a path that is not UTF-8 gets Swift's 412 from the app (raw bytes that are
 * not UTF-8, which Jetty turns into U+FFFD, the listener itself refuses with 400; the app refuses
 * them with 412 where a connector hands them over, as here). Jetty 12.0 still
 * refuses {@code %00} with its own 400 in every mode (its URI parser throws "Illegal character in
 * path" before any compliance check), so Swift's 412 for it cannot be given.
 */
@Timeout(30)
class JettyUriComplianceTest {

    private static final List<String> AMBIGUOUS = List.of("x//y", "x%2Fy", "%2e%2e/y", "%2e", "a%25b", "x%5Cy", "/", "x/..%2F..%2Fy");
    private static final List<String> PLAIN = List.of("x/../y", "..", "x/./y", "x;y", "x%3By", "%C3%A9", "x%20y");

    /** What a Berth listener with uri_compliance DEFAULT sets (berth-socket's Connectors.uriCompliance). */
    static final UriCompliance LISTENER = UriCompliance.DEFAULT.with("DEFAULT+UTF8",
            UriCompliance.Violation.ILLEGAL_PATH_CHARACTERS, UriCompliance.Violation.BAD_UTF8_ENCODING,
            UriCompliance.Violation.TRUNCATED_UTF8_ENCODING);

    @TempDir
    Path dir;

    @Test
    void jettysDefaultRefusesAmbiguousPathsBeforeTheApp() throws Exception {
        try (ObjectsJetty jetty = ObjectsJetty.start(dir, Map.of())) {
            put(jetty, "/v1/a/c", 201);
            for (String name : AMBIGUOUS) {
                RawHttp.Response response = put(jetty, "/v1/a/c/" + name, 400);
                assertThat(response.body()).as(name).isEmpty();
            }
            put(jetty, "/v1/a/c/a%00b", 400);
            put(jetty, "/v1/a/c/%C3", 400);
            for (String name : PLAIN) {
                put(jetty, "/v1/a/c/" + name, 201);
            }
            assertThat(list(jetty)).isEqualTo("..\nx y\nx/../y\nx/./y\nx;y\né\n");
        }
    }

    @Test
    void withLegacyComplianceEveryAmbiguousNameIsStoredAsSent() throws Exception {
        try (ObjectsJetty jetty = ObjectsJetty.start(dir, Map.of(), "/", UriCompliance.LEGACY)) {
            put(jetty, "/v1/a/c", 201);
            for (String name : AMBIGUOUS) {
                put(jetty, "/v1/a/c/" + name, 201);
            }
            put(jetty, "/v1/a/c/a%00b", 400);
            put(jetty, "/v1//c", 412);
            put(jetty, "/v1/a//o", 412);
            assertThat(list(jetty)).isEqualTo(".\n../y\n/\na%b\nx/../../y\nx//y\nx/y\nx\\y\n");
            try (RawHttp raw = new RawHttp(jetty.port)) {
                RawHttp.Response response = raw.send("GET /v1/a/c/a%25b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").read();
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("z");
            }
        }
    }

    @Test
    void behindABerthListenerNamesInRawUtf8AreStoredAndPathsNotUtf8Get412() throws Exception {
        try (ObjectsJetty jetty = ObjectsJetty.start(dir, Map.of(), "/", LISTENER)) {
            put(jetty, "/v1/a/c", 201);
            put(jetty, utf8("/v1/a/c/\u2603 \u00e9t\u00e9".replace(" ", "%20")), 201);
            put(jetty, "/v1/a/c/%E2%98%83", 201);
            for (byte[] path : new byte[][] {utf8("/v1/a/c/%C3"), utf8("/v1/a/c/%C3x"), utf8("/v1/a/c/%FF"),
                    utf8("/v1/a/c/%ED%A0%80"), cat(utf8("/v1/a/c/x"), (byte) 0xc3), cat(utf8("/v1/a/c/y"), (byte) 0xff),
                    utf8("/v1/a/c/\uFFFD")}) {
                RawHttp.Response response = put(jetty, path, 412);
                assertThat(response.body()).as(new String(path, StandardCharsets.ISO_8859_1))
                        .isEqualTo("Invalid UTF8 or contains NULL\n");
            }
            // Refused by Jetty before the app, in every mode: Swift would answer 412.
            assertThat(put(jetty, "/v1/a/c/a%00b", 400).body()).doesNotContain("Invalid UTF8");
            // Still refused before the app: ambiguous, as the listener's mode says (Swift: 412 Bad URL for //).
            assertThat(put(jetty, "/v1/a/c/x%2Fy", 400).body()).isEmpty();
            assertThat(put(jetty, "/v1//c", 400).body()).isEmpty();
            for (String path : new String[] {"/v1", "/v1/"}) {
                assertThat(put(jetty, path, 412).body()).isEqualTo("Bad URL: " + path + " names no account, container or object\n");
            }
            assertThat(list(jetty)).isEqualTo("\u2603\n\u2603 \u00e9t\u00e9\n");
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] cat(byte[] head, byte tail) {
        byte[] all = java.util.Arrays.copyOf(head, head.length + 1);
        all[head.length] = tail;
        return all;
    }

    private static RawHttp.Response put(ObjectsJetty jetty, byte[] path, int status) throws Exception {
        try (RawHttp raw = new RawHttp(jetty.port)) {
            java.io.ByteArrayOutputStream request = new java.io.ByteArrayOutputStream();
            request.writeBytes(utf8("PUT "));
            request.writeBytes(path);
            request.writeBytes(utf8(" HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nConnection: close\r\n\r\nz"));
            RawHttp.Response response = raw.send(request.toByteArray()).read();
            assertThat(response.status()).as(new String(path, StandardCharsets.ISO_8859_1)).isEqualTo(status);
            return response;
        }
    }

    private static RawHttp.Response put(ObjectsJetty jetty, String path, int status) throws Exception {
        try (RawHttp raw = new RawHttp(jetty.port)) {
            RawHttp.Response response = raw.send("PUT " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nConnection: close\r\n\r\nz")
                    .read();
            assertThat(response.status()).as(path).isEqualTo(status);
            return response;
        }
    }

    private static String list(ObjectsJetty jetty) throws Exception {
        try (RawHttp raw = new RawHttp(jetty.port)) {
            return raw.send("GET /v1/a/c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").read().body();
        }
    }
}
