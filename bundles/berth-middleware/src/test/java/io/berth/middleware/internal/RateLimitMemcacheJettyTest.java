package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.berth.api.StageSettings;
import io.berth.testing.Memcached;
import io.berth.testing.StderrCapture;

/** ratelimit with {@code backend = memcache} behind a cache stage, on two nodes sharing a memcached. */
class RateLimitMemcacheJettyTest {

    private static final Map<String, String> LIMIT = Map.of("backend", "memcache", "max_rate", "0.1", "burst", "3",
            "key", "X-Account", "cache_prefix", "test-ratelimit-" + System.nanoTime() + "/");

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Memcached memcached;
    private static Jetty nodeA;
    private static Jetty nodeB;
    private static Jetty withoutCache;
    private static Jetty deadCache;
    private static StderrCapture stderr;

    @BeforeAll
    static void start() throws Exception {
        stderr = new StderrCapture();
        memcached = Memcached.start();
        nodeA = node(cache(memcached.server()), ratelimit());
        nodeB = node(cache(memcached.server()), ratelimit());
        withoutCache = node(ratelimit());
        deadCache = node(cache("127.0.0.1:" + Memcached.freePort()), ratelimit());
    }

    @AfterAll
    static void stop() throws Exception {
        for (Jetty node : new Jetty[] {nodeA, nodeB, withoutCache, deadCache}) {
            node.close();
        }
        memcached.close();
        stderr.close();
    }

    private static Filter cache(String servers) {
        return new CacheStage().create(Map.of("memcache_servers", servers));
    }

    private static Filter ratelimit() {
        return new RateLimitStage().create(LIMIT);
    }

    private static Jetty node(Filter... stages) throws Exception {
        ServletContextHandler context = Jetty.context("/", stages);
        Jetty.serve(context, "/*", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) {
                response.setStatus(204);
            }
        });
        return Jetty.start(context);
    }

    private static int get(Jetty node, String account) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(node.base() + "/v1/x")).header("X-Account", account).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void nodesSharingMemcacheShareTheLimit() throws Exception {
        assertThat(get(nodeA, "acct1")).isEqualTo(204);
        assertThat(get(nodeB, "acct1")).isEqualTo(204);
        assertThat(get(nodeA, "acct1")).isEqualTo(204);
        assertThat(get(nodeB, "acct1")).as("a burst of 3 across both nodes").isEqualTo(429);
        assertThat(get(nodeA, "acct1")).isEqualTo(429);
        assertThat(get(nodeA, "acct2")).isEqualTo(204);
    }

    @Test
    void withoutACacheStageEachNodeLimitsAloneAndSaysSoOnce() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(get(withoutCache, "acct3")).isEqualTo(204);
        }
        assertThat(get(withoutCache, "acct3")).isEqualTo(429);
        assertThat(stderr.lines("ratelimit has backend = memcache but no cache stage comes before it")).hasSize(1);
    }

    @Test
    void withMemcacheUnreachableRequestsGoThrough() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(get(deadCache, "acct4")).isEqualTo(204);
        }
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new RateLimitStage().create(Map.of("backend", "redis")))
                .hasMessage("backend: 'redis' is not local or memcache");
        assertThatThrownBy(() -> new RateLimitStage().create(Map.of("cache_prefix", " ")))
                .hasMessageStartingWith("cache_prefix: empty");
        assertThatThrownBy(() -> new CacheStage().create(Map.of("tries", "0")))
                .hasMessage("tries: 0 is not a positive number");
        assertThatThrownBy(() -> new CacheStage().create(Map.of("memcache_servers", "::1")))
                .hasMessageStartingWith("memcache_servers: '::1': an IPv6 address must be between '[]'");
        assertThatThrownBy(() -> new CacheStage().create(Map.of("io_timeout", "soon")))
                .hasMessageStartingWith("io_timeout");
    }
}
