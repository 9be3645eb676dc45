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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Expiry and the container's Last-Modified over HTTP, and the expirer living as long as the servlet Jetty runs. */
@Timeout(30)
class ExpiringObjectsJettyTest {

    private static final String A = "/v1/AUTH_test";

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void aPutWithXDeleteAfterIsShownWithXDeleteAtAndABadOneGetsSwiftsAnswer() throws Exception {
        try (ObjectsJetty jetty = ObjectsJetty.start(dir, Map.of())) {
            HttpResponse<String> container = send(jetty, HttpRequest.newBuilder(uri(jetty, A + "/c")).PUT(BodyPublishers.noBody()));
            assertThat(container.statusCode()).isEqualTo(201);
            HttpResponse<String> head = send(jetty, HttpRequest.newBuilder(uri(jetty, A + "/c")).method("HEAD", BodyPublishers.noBody()));
            assertThat(head.headers().firstValue("Last-Modified")).hasValueSatisfying(
                    date -> assertThat(Times.parseHttpDate(date)).isPositive());

            long before = System.currentTimeMillis() / 1000;
            HttpResponse<String> put = send(jetty, HttpRequest.newBuilder(uri(jetty, A + "/c/o")).header("X-Delete-After", "3600")
                    .PUT(BodyPublishers.ofString("x")));
            assertThat(put.statusCode()).isEqualTo(201);
            HttpResponse<String> got = send(jetty, HttpRequest.newBuilder(uri(jetty, A + "/c/o")).GET());
            assertThat(Long.parseLong(got.headers().firstValue("X-Delete-At").orElseThrow()))
                    .isBetween(before + 3600, before + 3600 + 60);

            HttpResponse<String> bad = send(jetty, HttpRequest.newBuilder(uri(jetty, A + "/c/o")).header("X-Delete-At", "noon")
                    .POST(BodyPublishers.noBody()));
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).isEqualTo("Non-integer X-Delete-At\n");

            assertThat(jetty.servlet.expirer().running()).as("Jetty initialised the servlet").isTrue();
            jetty.close();
            assertThat(jetty.servlet.expirer().running()).as("Jetty destroyed the servlet").isFalse();
        }
    }

    private static URI uri(ObjectsJetty jetty, String path) {
        return URI.create(jetty.base() + path);
    }

    private HttpResponse<String> send(ObjectsJetty jetty, HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), BodyHandlers.ofString());
    }
}
