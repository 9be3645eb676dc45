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

/** Referrer ACLs over HTTP: what an anonymous client (let through by the auth stage without a user) may read. */
@Timeout(30)
class PublicContainersJettyTest {

    private static final String A = "/v1/AUTH_test";

    @TempDir
    Path dir;

    private ObjectsJetty jetty;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        jetty = ObjectsJetty.start(dir, Map.of());
    }

    @AfterEach
    void stop() throws Exception {
        jetty.close();
    }

    private HttpResponse<String> owner(String method, String path, String... headers) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(jetty.base() + A + path))
                .header("X-Auth-Token", ObjectsJetty.TOKEN);
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return client.send(builder.method(method, method.equals("PUT") ? BodyPublishers.ofString("public bytes")
                : BodyPublishers.noBody()).build(), BodyHandlers.ofString());
    }

    private HttpResponse<String> anonymous(String path, String referer) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(jetty.base() + A + path))
                .header(ObjectsJetty.ANONYMOUS, "yes");
        if (referer != null) {
            builder.header("Referer", referer);
        }
        return client.send(builder.GET().build(), BodyHandlers.ofString());
    }

    private static void assertUnauthorized(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).isEqualTo("Unauthorized: tempauth needs a valid X-Auth-Token\n");
        assertThat(response.headers().firstValue("Www-Authenticate")).hasValue("Swift realm=\"AUTH_test\"");
        assertThat(response.headers().firstValue(ObjectsJetty.STAGE_HEADER)).as("kept from the stage").isPresent();
    }

    @Test
    void anyoneReadsTheObjectsOfADotRStarContainerButListsItOnlyWithRlistings() throws Exception {
        assertThat(owner("PUT", "/pub", "X-Container-Read", ".r:*").statusCode()).isEqualTo(201);
        owner("PUT", "/pub/o");
        owner("PUT", "/private");
        owner("PUT", "/private/o");

        HttpResponse<String> object = anonymous("/pub/o", null);
        assertThat(object.statusCode()).isEqualTo(200);
        assertThat(object.body()).isEqualTo("public bytes");
        assertUnauthorized(anonymous("/pub", null));
        assertUnauthorized(anonymous("/private/o", null));
        assertUnauthorized(anonymous("/private", null));
        assertUnauthorized(anonymous("", null));

        owner("POST", "/pub", "X-Container-Read", ".r:*,.rlistings");
        HttpResponse<String> listing = anonymous("/pub", null);
        assertThat(listing.statusCode()).isEqualTo(200);
        assertThat(listing.body()).isEqualTo("o\n");
        assertThat(listing.headers().firstValue("X-Container-Read")).as("ACLs are the owner's to see").isEmpty();
    }

    @Test
    void aReferrerAclAdmitsTheHostsItNamesAndNotThoseItBlocks() throws Exception {
        owner("PUT", "/site", "X-Container-Read", ".r:.example.com,.r:-blocked.example.com");
        owner("PUT", "/site/page.html");

        assertThat(anonymous("/site/page.html", "https://www.example.com/index.html").statusCode()).isEqualTo(200);
        assertUnauthorized(anonymous("/site/page.html", "https://blocked.example.com/"));
        assertUnauthorized(anonymous("/site/page.html", "https://example.org/"));
        assertUnauthorized(anonymous("/site/page.html", null));
    }
}
