package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.berth.api.StageSettings;
import io.berth.testing.Memcached;

/**
 * tempauth after a cache stage: tokens in memcache under Swift's keys, so that two Berth nodes
 * and Swift 2.30's own tempauth (Debian's python3-swift, with its own MemcacheRing) accept each
 * other's tokens; and what happens when memcache cannot be reached.
 */
class TempAuthCacheJettyTest {

    private static final Map<String, String> USERS = new TreeMap<>(Map.of(
            "user_test_tester", "testing .admin",
            "user_test2_tester2", "testing2"));

    @TempDir
    static Path work;

    private static Memcached one;
    private static Memcached two;
    private static String servers;
    private static Jetty nodeA;
    private static Jetty nodeB;
    private static Jetty nodeWithoutUser2;
    private static Jetty nodeWithDeadCache;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        one = Memcached.start();
        two = Memcached.start();
        servers = one.server() + "," + two.server();
        nodeA = node(servers, USERS);
        nodeB = node(servers, USERS);
        nodeWithoutUser2 = node(servers, Map.of("user_test_tester", "testing .admin"));
        nodeWithDeadCache = node("127.0.0.1:" + Memcached.freePort(), USERS);
    }

    @AfterAll
    static void stop() throws Exception {
        for (Jetty node : new Jetty[] {nodeA, nodeB, nodeWithoutUser2, nodeWithDeadCache}) {
            if (node != null) {
                node.close();
            }
        }
        one.close();
        two.close();
    }

    /** A node: cache, tempauth, then an app that answers 204 with the user it was given. */
    private static Jetty node(String memcacheServers, Map<String, String> users) throws Exception {
        CacheFilter cache = CacheFilter.create(StageSettings.of(CacheStage.Config.class, CacheStage.NAME,
                Map.of("memcache_servers", memcacheServers)), System::nanoTime);
        TempAuthFilter tempauth = new TempAuthFilter(StageSettings.of(TempAuthStage.Config.class, TempAuthStage.NAME,
                Map.of("token_life", "3600")), users, System::nanoTime, new SecureRandom());
        ServletContextHandler context = Jetty.context("/", new CatchErrorsStage().create(Map.of()), cache, tempauth);
        Jetty.serve(context, "/*", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) {
                response.setStatus(204);
                response.setHeader("X-User", request.getRemoteUser());
            }
        });
        return Jetty.start(context);
    }

    private static HttpResponse<String> get(Jetty node, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.base() + path));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String token(Jetty node, String user, String key) throws Exception {
        HttpResponse<String> response = get(node, "/auth/v1.0", "X-Auth-User", user, "X-Auth-Key", key);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.headers().firstValue("X-Auth-Token").orElseThrow();
    }

    @Test
    void aTokenIssuedByOneNodeWorksOnAnotherAndTheUserGetsItBackWhileValid() throws Exception {
        String token = token(nodeA, "test:tester", "testing");
        assertThat(token).matches("AUTH_tk[0-9a-f]{32}");

        HttpResponse<String> onB = get(nodeB, "/v1/AUTH_test/c", "X-Auth-Token", token);
        assertThat(onB.statusCode()).isEqualTo(204);
        assertThat(onB.headers().firstValue("X-User")).hasValue("test:tester");
        assertThat(get(nodeB, "/v1/AUTH_test2", "X-Auth-Token", token).statusCode()).as("not test2's").isEqualTo(403);
        assertThat(token(nodeB, "test:tester", "testing")).as("Swift hands out the valid token again").isEqualTo(token);

        String expires = get(nodeB, "/auth/v1.0", "X-Auth-User", "test:tester", "X-Auth-Key", "testing").headers()
                .firstValue("X-Auth-Token-Expires").orElseThrow();
        assertThat(Long.parseLong(expires)).isBetween(3590L, 3600L);
    }

    @Test
    void theTokenIsStoredUnderSwiftsKeysInSwiftsForm() throws Exception {
        String token = token(nodeA, "test2:tester2", "testing2");
        MemcacheRing ring = new MemcacheRing(List.of(servers.split(",")),
                new MemcacheRing.Settings(0.3, 2, 1, 3, 2, 60, 10), System::nanoTime);
        try {
            assertThat(ring.get("AUTH_/user/test2:tester2")).isEqualTo("\"" + token + "\"");
            String record = ring.get("AUTH_/token/" + token);
            assertThat(record).matches("\\[\\d{10}\\.\\d+, \"test2,test2:tester2\"\\]");
        } finally {
            ring.close();
        }
    }

    @Test
    void swiftsOwnTempauthAcceptsBerthsTokensAndBerthAcceptsSwifts() throws Exception {
        String berthToken = token(nodeA, "test:tester", "testing");
        List<String> swift = swift("token\ttest2:tester2\ttesting2", "check\t" + berthToken + "\ttest",
                "check\t" + berthToken + "\ttest2", "check\tAUTH_tk" + "0".repeat(32) + "\ttest");
        assertThat(swift.get(0)).matches("200 AUTH_tk[0-9a-f]{32}");
        assertThat(swift.subList(1, 4)).as("Swift's tempauth on Berth's token: own account, another, unknown")
                .containsExactly("204", "403", "401");

        String swiftToken = swift.get(0).split(" ")[1];
        HttpResponse<String> own = get(nodeB, "/v1/AUTH_test2/c", "X-Auth-Token", swiftToken);
        assertThat(own.statusCode()).isEqualTo(204);
        assertThat(own.headers().firstValue("X-User")).hasValue("test2:tester2");
        // As Swift's check above, the account itself: a container of another account is for its ACLs.
        assertThat(get(nodeB, "/v1/AUTH_test", "X-Auth-Token", swiftToken).statusCode()).isEqualTo(403);
        assertThat(token(nodeA, "test2:tester2", "testing2")).as("Berth hands out Swift's valid token again")
                .isEqualTo(swiftToken);
    }

    @Test
    void aTokenOfAUserThisNodeDoesNotKnowIsRefused() throws Exception {
        String token = token(nodeA, "test2:tester2", "testing2");
        assertThat(get(nodeWithoutUser2, "/v1/AUTH_test2/c", "X-Auth-Token", token).statusCode()).isEqualTo(401);
    }

    @Test
    void withMemcacheUnreachableTokensAreRefusedAndNoneIssuedButNothingFails() throws Exception {
        String token = token(nodeA, "test:tester", "testing");
        for (int i = 0; i < 15; i++) {
            HttpResponse<String> check = get(nodeWithDeadCache, "/v1/AUTH_test/c", "X-Auth-Token", token);
            assertThat(check.statusCode()).as("the client logs in again").isEqualTo(401);
            HttpResponse<String> login = get(nodeWithDeadCache, "/auth/v1.0", "X-Auth-User", "test:tester",
                    "X-Auth-Key", "testing");
            assertThat(login.statusCode()).as("Swift's answer: the token could not be stored").isEqualTo(503);
            assertThat(login.body()).isEqualTo(TempAuthFilter.NO_CACHE);
        }
        assertThat(get(nodeWithDeadCache, "/healthcheck").statusCode()).as("other paths pass").isEqualTo(204);
    }

    @Test
    void aMemcachedThatRestartsLosesItsTokensAndTheClientLogsInAgain() throws Exception {
        Memcached own = Memcached.start();
        Jetty node = node(own.server(), USERS);
        try {
            String before = token(node, "test:tester", "testing");
            own.stop();
            own.run();
            assertThat(get(node, "/v1/AUTH_test/c", "X-Auth-Token", before).statusCode()).isEqualTo(401);
            String after = token(node, "test:tester", "testing");
            assertThat(after).isNotEqualTo(before);
            assertThat(get(node, "/v1/AUTH_test/c", "X-Auth-Token", after).statusCode()).isEqualTo(204);
        } finally {
            node.close();
            own.close();
        }
    }

    private static List<String> swift(String... commands) throws Exception {
        return SwiftMemcacheScript.run(work, servers, List.of(commands));
    }
}
