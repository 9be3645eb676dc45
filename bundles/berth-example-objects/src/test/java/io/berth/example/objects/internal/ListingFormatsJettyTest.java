package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The types of listings and of errors over HTTP, as Swift 2.30's proxy sends them. */
@Timeout(30)
class ListingFormatsJettyTest {

    private static final String A = "/v1/AUTH_test";

    @TempDir
    Path dir;

    private ObjectsJetty jetty;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        jetty = ObjectsJetty.start(dir, Map.of());
        assertThat(send("PUT", "/c", true).statusCode()).isEqualTo(201);
    }

    @AfterEach
    void stop() throws Exception {
        jetty.close();
    }

    private HttpResponse<String> send(String method, String path, boolean token, String... headers) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(jetty.base() + A + path));
        if (token) {
            builder.header("X-Auth-Token", ObjectsJetty.TOKEN);
        }
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return client.send(builder.method(method, BodyPublishers.noBody()).build(), BodyHandlers.ofString());
    }

    /** Jetty writes every type as {@code text/plain;charset=utf-8}, Swift's as it spells them: the same type. */
    private static String type(HttpResponse<String> response) {
        return response.headers().firstValue("Content-Type").orElse("").replace(" ", "").toLowerCase(Locale.ROOT);
    }

    @Test
    void aHeadIsTypedAsItsListingWouldBeAndVariesByAccept() throws Exception {
        for (String path : new String[] {"", "/c"}) {
            HttpResponse<String> plain = send("HEAD", path, true);
            assertThat(plain.statusCode()).as(path).isEqualTo(204);
            assertThat(type(plain)).as(path).isEqualTo("text/plain;charset=utf-8");
            assertThat(plain.headers().firstValue("Vary")).as(path).hasValue("Accept");

            HttpResponse<String> json = send("HEAD", path, true, "Accept", "application/json;q=0.9, text/xml;q=0.5");
            assertThat(type(json)).as(path).isEqualTo("application/json;charset=utf-8");

            HttpResponse<String> xml = send("GET", path + "?format=xml", true, "Accept", "application/json");
            assertThat(xml.statusCode()).as(path).isEqualTo(200);
            assertThat(type(xml)).as(path).isEqualTo("application/xml;charset=utf-8");
            assertThat(xml.headers().firstValue("Vary")).as(path).isEmpty();
        }
        HttpResponse<String> textXml = send("GET", "/c", true, "Accept", "text/xml");
        assertThat(type(textXml)).isEqualTo("text/xml;charset=utf-8");
        assertThat(textXml.body()).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<container name=\"c\" />");
    }

    @Test
    void anAcceptNoListingCanMeetIs406AndABadOneIs400BeforeAuthentication() throws Exception {
        HttpResponse<String> notAcceptable = send("GET", "/c", true, "Accept", "image/png");
        assertThat(notAcceptable.statusCode()).isEqualTo(406);
        assertThat(type(notAcceptable)).isEqualTo("text/html;charset=utf-8");

        HttpResponse<String> bad = send("GET", "/missing", false, "Accept", "text/plain;q=high");
        assertThat(bad.statusCode()).as("Swift's listing_formats runs before tempauth").isEqualTo(400);
        assertThat(type(bad)).isEqualTo("text/plain;charset=utf-8");
        assertThat(bad.body()).startsWith("Invalid Accept header");
    }

    @Test
    void errorsAreHtmlAsSwiftsAndRequestChecksPlainText() throws Exception {
        HttpResponse<String> missing = send("GET", "/c/%3Cscript%3E", true);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(type(missing)).isEqualTo("text/html;charset=utf-8");
        assertThat(missing.body()).isEqualTo("Object '&lt;script&gt;' not found in container 'c'\n");

        HttpResponse<String> badMeta = send("POST", "/c", true, "X-Container-Meta-" + "k".repeat(200), "v");
        assertThat(badMeta.statusCode()).isEqualTo(400);
        assertThat(type(badMeta)).isEqualTo("text/plain;charset=utf-8");
    }
}
