package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.berth.testing.RawHttp;

/**
 * Conditional reads through the whole app, as a client sees them: HTTP dates in each of their
 * three forms, and the ETag that Swift's swob keeps on a 412 and a 416 so that a client learns
 * what the object is now.
 */
@Timeout(30)
class ConditionalAnswersJettyTest {

    /** The MD5 of "snow", as Swift's object ETags are. */
    private static final String ETAG = "2b93fbdf27d43547bec8794054c28e00";

    @TempDir
    Path dir;

    private ObjectsJetty jetty;

    @BeforeEach
    void start() throws Exception {
        jetty = ObjectsJetty.start(dir, Map.of());
        assertThat(send("PUT /v1/a/c", "Content-Length: 0").status()).isEqualTo(201);
        assertThat(send("PUT /v1/a/c/o", "Content-Length: 4", "", "snow").header("ETag").map(ConditionalAnswersJettyTest::bare)).contains(ETAG);
    }

    @AfterEach
    void stop() throws Exception {
        jetty.close();
    }

    @Test
    void a412KeepsTheObjectsEtag() throws Exception {
        for (String condition : new String[] {"If-Match: \"other\"", "If-Unmodified-Since: Sun Nov  6 08:49:37 1994",
                "If-Unmodified-Since: Sunday, 06-Nov-94 08:49:37 GMT"}) {
            RawHttp.Response response = send("GET /v1/a/c/o", condition);
            assertThat(response.status()).as(condition).isEqualTo(412);
            assertThat(response.header("ETag").map(ConditionalAnswersJettyTest::bare)).as(condition).contains(ETAG);
            assertThat(response.header("Last-Modified")).as(condition).isPresent();
        }
    }

    @Test
    void a416KeepsTheObjectsEtagAndTheLength() throws Exception {
        RawHttp.Response response = send("GET /v1/a/c/o", "Range: bytes=10-20");

        assertThat(response.status()).isEqualTo(416);
        assertThat(response.header("ETag").map(ConditionalAnswersJettyTest::bare)).contains(ETAG);
        assertThat(response.header("Content-Range")).contains("bytes */4");
    }

    @Test
    void ifModifiedSinceInEachDateFormIs304() throws Exception {
        for (String date : new String[] {"Fri, 01 Jan 2100 00:00:00 GMT", "Thursday, 01-Jan-60 00:00:00 GMT",
                "Fri Jan  1 00:00:00 2100"}) {
            assertThat(send("GET /v1/a/c/o", "If-Modified-Since: " + date).status()).as(date).isEqualTo(304);
        }
        assertThat(send("GET /v1/a/c/o", "If-Modified-Since: Sunday, 06-Nov-94 08:49:37 GMT").body()).isEqualTo("snow");
    }

    /** Quoted or not, as a client compares them. */
    private static String bare(String etag) {
        return etag.replace("\"", "");
    }

    private RawHttp.Response send(String requestLine, String... headersAndBody) throws Exception {
        StringBuilder request = new StringBuilder(requestLine).append(" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
        String body = "";
        boolean inBody = false;
        for (String line : headersAndBody) {
            if (inBody) {
                body = line;
            } else if (line.isEmpty()) {
                inBody = true;
            } else {
                request.append(line).append("\r\n");
            }
        }
        try (RawHttp raw = new RawHttp(jetty.port)) {
            return raw.send(request.append("\r\n").append(body).toString()).read();
        }
    }
}
