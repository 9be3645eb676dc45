package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bodies sent as a form (curl's --data-binary says application/x-www-form-urlencoded) are an
 * object's bytes, not parameters: the app reads its parameters from the query string only.
 */
@Timeout(30)
class FormTypedBodiesJettyTest {

    private static final String C = "/v1/AUTH_test/c";
    private static final String FORM = "application/x-www-form-urlencoded";

    @TempDir
    Path dir;

    private ObjectsJetty jetty;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        jetty = ObjectsJetty.start(dir, Map.of());
        assertThat(send("PUT", C, null, "").statusCode()).isEqualTo(201);
    }

    @AfterEach
    void stop() throws Exception {
        jetty.close();
    }

    private HttpResponse<String> send(String method, String path, String type, String body, String... headers)
            throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(jetty.base() + path));
        if (type != null) {
            builder.header("Content-Type", type);
        }
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return client.send(builder.method(method, BodyPublishers.ofString(body)).build(), BodyHandlers.ofString());
    }

    @Test
    void aPutTypedAsAFormStoresItsBodyAndChecksItsEtag() throws Exception {
        assertThat(send("PUT", C + "/o?multipart-manifest=nothing", FORM, "multipart-manifest=put&a=b").statusCode())
                .isEqualTo(201);
        HttpResponse<String> get = send("GET", C + "/o", null, "");
        assertThat(get.body()).isEqualTo("multipart-manifest=put&a=b");
        assertThat(get.headers().firstValue("Content-Type")).hasValue(FORM);

        HttpResponse<String> mismatch = send("PUT", C + "/p", FORM, "hello", "ETag", "00000000000000000000000000000000");
        assertThat(mismatch.statusCode()).isEqualTo(422);
        assertThat(mismatch.body()).contains("is not the MD5 of the body received (5d41402abc4b2a76b9719d911017c592)");
    }

    @Test
    void anErrorToARequestWithoutABodyKeepsTheConnection() throws Exception {
        HttpResponse<String> missing = send("GET", C + "/missing", null, "");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Connection")).isEmpty();
    }
}
