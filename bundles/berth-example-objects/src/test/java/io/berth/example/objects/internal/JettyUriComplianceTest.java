package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;

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
 */
@Timeout(30)
class JettyUriComplianceTest {

    private static final List<String> AMBIGUOUS = List.of("x//y", "x%2Fy", "%2e%2e/y", "%2e", "a%25b", "x%5Cy", "/", "x/..%2F..%2Fy");
    private static final List<String> PLAIN = List.of("x/../y", "..", "x/./y", "x;y", "x%3By", "%C3%A9", "x%20y");

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
            assertThat(list(jetty)).isEqualTo(".\n../y\n/\na%b\nx/../../y\nx//y\nx/y\nx\\y\n");
            try (RawHttp raw = new RawHttp(jetty.port)) {
                RawHttp.Response response = raw.send("GET /v1/a/c/a%25b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").read();
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("z");
            }
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
