package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.berth.api.StageMeasures;
import io.berth.api.StageSettings;
import io.berth.testing.RawHttp;
import io.berth.testing.StderrCapture;

/**
 * tempauth in embedded Jetty, behind catch_errors and proxy_logging as in a pipeline, before an
 * app that shows what identity it sees. The clock is the test's, so tokens expire on demand.
 */
class TempAuthFilterJettyTest {

    // Keys no log line could contain by chance.
    static final String TESTER_KEY = "k3y-tester-9f2c";
    static final String TESTER3_KEY = "k3y-tester3-77ab";
    static final String TESTER2_KEY = "k3y-tester2-51de";
    static final String ADMIN_KEY = "k3y-admin-c0de";
    static final String READER_KEY = "k3y-reader-beef";

    static {
        // The refusals and tokens are logged at DEBUG: show them, to check that no key or token is among them.
        System.setProperty("org.slf4j.simpleLogger.log." + TempAuthFilter.class.getName(), "debug");
    }

    private static final AtomicLong clock = new AtomicLong(1_000_000_000_000L);
    private static final List<String> accessLines = new CopyOnWriteArrayList<>();
    private static final List<String> tokensSeen = new CopyOnWriteArrayList<>();

    private static StderrCapture stderr;
    private static TempAuthFilter swift;
    private static TempAuthFilter root;
    private static Jetty jetty;

    @BeforeAll
    static void start() throws Exception {
        stderr = new StderrCapture();
        Map<String, String> users = new TreeMap<>(Map.of(
                "user_test_tester", TESTER_KEY + " .admin",
                "user_test_tester3", TESTER3_KEY + " staff",
                "user_test2_tester2", TESTER2_KEY + " .admin",
                "user_admin_admin", ADMIN_KEY + " .admin .reseller_admin",
                "user_reader_reader", READER_KEY + " .reseller_reader"));
        swift = new TempAuthFilter(config(Map.of("referrer_acls", "true", "cross_account_acls", "true")), users, clock::get,
                new SecureRandom());
        ServletContextHandler swiftContext = Jetty.context("/swift", new CatchErrorsStage().create(Map.of()),
                new ProxyLoggingFilter(StageSettings.of(ProxyLoggingStage.Config.class, "proxy_logging",
                        Map.of("log_msg_template", "{method} {path} {status_int} {access_user_id} {auth_token}")),
                        accessLines::add),
                swift);
        Jetty.serve(swiftContext, "/*", new Identity());

        root = new TempAuthFilter(config(Map.of("reseller_prefix", "SWIFT", "auth_prefix", "token",
                "storage_url_scheme", "https", "token_life", "60")),
                Map.of("user_test_tester", TESTER_KEY + " .admin",
                        "user_far_away", "k3y-far-1234 http://store.example.com:8080/v1/AUTH_far",
                        "user_here_h", "k3y-here-5678 .admin $HOST/v2/SWIFT_here"),
                clock::get, new SecureRandom());
        ServletContextHandler rootContext = Jetty.context("/", root);
        Jetty.serve(rootContext, "/*", new Identity());
        jetty = Jetty.start(swiftContext, rootContext);
    }

    @AfterAll
    static void stop() throws Exception {
        jetty.close();
        stderr.close();
    }

    static TempAuthStage.Config config(Map<String, String> settings) {
        return StageSettings.of(TempAuthStage.Config.class, TempAuthStage.NAME, settings);
    }

    /** The app: what the servlet API tells it about the request's user. */
    static final class Identity extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            List<String> roles = new ArrayList<>();
            for (String role : new String[] {"test", "test:tester", "test:tester3", "admin", "admin:admin",
                "reader", ".admin", ".reseller_admin", ".reseller_reader", "staff", "AUTH_test", "test2", "test2:tester2",
                "AUTH_test2"}) {
                if (request.isUserInRole(role)) {
                    roles.add(role);
                }
            }
            response.setContentType("text/plain;charset=utf-8");
            response.getWriter().print(request.getMethod() + " " + request.getPathInfo() + " user="
                    + request.getRemoteUser() + " principal="
                    + (request.getUserPrincipal() == null ? null : request.getUserPrincipal().getName())
                    + " type=" + request.getAuthType() + " roles=" + roles);
        }
    }

    // --- the path the app reads

    @Test
    void dotSegmentsCannotMakeTheAccountCheckedDifferFromTheAccountTheAppReads() throws Exception {
        String token = token("/swift/auth/v1.0", "h", "test:tester", TESTER_KEY).header("X-Auth-Token").orElseThrow();

        // Jetty routes this as /v1/AUTH_test/o, but an app that reads the URI as sent (Swift's
        // objects app does) sees account AUTH_test2, container c: another account's container,
        // which its ACLs decide, and the user does not own AUTH_test2.
        RawHttp.Response climbing = send("PUT", "/swift/v1/AUTH_test2/c/../../AUTH_test/o", "h",
                "X-Auth-Token: " + token, "Content-Length: 0");
        assertThat(climbing.status()).isEqualTo(200);
        assertThat(climbing.body()).doesNotContain("AUTH_test2");
        // Nor may it reach the account itself so.
        assertThat(send("POST", "/swift/v1/AUTH_test2/", "h", "X-Auth-Token: " + token, "Content-Length: 0").status())
                .isEqualTo(403);

        RawHttp.Response own = send("GET", "/swift/v1/AUTH_test/c/../o", "h", "X-Auth-Token: " + token);
        assertThat(own.status()).isEqualTo(200);
        // Percent-encoding hides nothing: the app decodes the same way.
        assertThat(send("GET", "/swift/v1/AUTH%5Ftest2", "h", "X-Auth-Token: " + token).status()).isEqualTo(403);
        // Escapes that spell no UTF-8 are decided on, as Swift's tempauth does, and reach the
        // app, which refuses the path itself (the objects app: Swift's 412).
        assertThat(send("GET", "/swift/v1/AUTH_test/c/%C3%28", "h", "X-Auth-Token: " + token).status()).isEqualTo(200);
        assertThat(send("PUT", "/swift/v1/AUTH_test/c/%FF", "h", "Content-Length: 0").status()).isEqualTo(401);
        assertThat(send("GET", "/swift/v1/AUTH_test2%FF", "h", "X-Auth-Token: " + token).status()).isEqualTo(403);
        // A bad escape is no path at all.
        assertThat(send("GET", "/swift/v1/AUTH_test/c/%zz", "h", "X-Auth-Token: " + token).status()).isEqualTo(400);
    }

    // --- tokens

    @Test
    void aTokenRequestGetsTokenStorageUrlAndSwiftsBody() throws Exception {
        RawHttp.Response response = send("GET", "/swift/auth/v1.0", "objects.example.com:8443",
                "X-Auth-User: test:tester", "X-Auth-Key: " + TESTER_KEY);

        assertThat(response.status()).isEqualTo(200);
        String token = response.header("X-Auth-Token").orElseThrow();
        assertThat(token).matches("AUTH_tk[0-9a-f]{32}");
        assertThat(response.header("X-Storage-Token")).hasValue(token);
        assertThat(response.header("X-Storage-Url")).hasValue("http://objects.example.com:8443/swift/v1/AUTH_test");
        assertThat(Long.parseLong(response.header("X-Auth-Token-Expires").orElseThrow())).isBetween(86_000L, 86_400L);
        assertThat(response.header("Content-Type")).hasValue("application/json;charset=utf-8");
        assertThat(response.header("Cache-Control")).hasValue("no-store");
        assertThat(response.body()).isEqualTo(
                "{\"storage\": {\"default\": \"local\", \"local\": \"http://objects.example.com:8443/swift/v1/AUTH_test\"}}");
    }

    @Test
    void theStorageUrlUsesThePortTheClientNamedOrNoneForTheDefault() throws Exception {
        assertThat(token("/swift/auth/v1.0", "127.0.0.1:" + jetty.port, "test:tester", TESTER_KEY)
                .header("X-Storage-Url")).hasValue("http://127.0.0.1:" + jetty.port + "/swift/v1/AUTH_test");
        assertThat(token("/swift/auth/v1.0", "objects.example.com", "test:tester", TESTER_KEY)
                .header("X-Storage-Url")).hasValue("http://objects.example.com/swift/v1/AUTH_test");
    }

    @Test
    void swiftsOtherFormsAndHeaderNamesGiveTheSameToken() throws Exception {
        String token = token("/swift/auth/v1.0", "h", "test:tester", TESTER_KEY).header("X-Auth-Token").orElseThrow();

        assertThat(send("GET", "/swift/auth/v1.0/", "h", "X-Storage-User: test:tester",
                "X-Storage-Pass: " + TESTER_KEY).header("X-Auth-Token")).hasValue(token);
        assertThat(send("GET", "/swift/auth/auth", "h", "X-Auth-User: test:tester",
                "X-Auth-Key: " + TESTER_KEY).header("X-Auth-Token")).hasValue(token);
        assertThat(send("GET", "/swift/auth/v1/test/auth", "h", "X-Storage-User: tester",
                "X-Storage-Pass: " + TESTER_KEY).header("X-Auth-Token")).hasValue(token);
        assertThat(send("GET", "/swift/auth/v1/test/auth", "h", "X-Auth-User: test:tester",
                "X-Auth-Key: " + TESTER_KEY).header("X-Auth-Token")).hasValue(token);
    }

    @Test
    void wrongOrMissingCredentialsGet401NamingTheRealm() throws Exception {
        assertBadCredentials(token("/swift/auth/v1.0", "h", "test:tester", TESTER3_KEY), "test");
        assertBadCredentials(token("/swift/auth/v1.0", "h", "test:nobody", TESTER_KEY), "test");
        assertBadCredentials(token("/swift/auth/v1.0", "h", "nowhere:tester", TESTER_KEY), "nowhere");
        assertBadCredentials(send("GET", "/swift/auth/v1.0", "h", "X-Auth-User: test:tester"), "test");
        assertBadCredentials(send("GET", "/swift/auth/v1.0", "h", "X-Auth-Key: " + TESTER_KEY), "unknown");
        assertBadCredentials(token("/swift/auth/v1.0", "h", "tester", TESTER_KEY), "unknown");
        assertBadCredentials(token("/swift/auth/v1.0", "h", ":tester", TESTER_KEY), "unknown");
        assertBadCredentials(send("GET", "/swift/auth/v1/test2/auth", "h", "X-Auth-User: test:tester",
                "X-Auth-Key: " + TESTER_KEY), "test2");
        assertBadCredentials(send("GET", "/swift/auth/v1/test2/auth", "h", "X-Storage-User: tester",
                "X-Storage-Pass: " + TESTER_KEY), "test2");
    }

    private static void assertBadCredentials(RawHttp.Response response, String realm) {
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("Www-Authenticate")).hasValue("Swift realm=\"" + realm + "\"");
        assertThat(response.header("X-Auth-Token")).isEmpty();
        assertThat(response.body()).isEqualTo(TempAuthFilter.BAD_CREDENTIALS);
    }

    @Test
    void theAuthPathAnswersOnlyGetAndItsForms() throws Exception {
        for (String method : new String[] {"POST", "PUT", "HEAD", "OPTIONS", "DELETE"}) {
            try (RawHttp http = new RawHttp(jetty.port)) {
                http.send(method + " /swift/auth/v1.0 HTTP/1.1\r\nHost: h\r\nX-Auth-User: test:tester\r\n"
                        + "X-Auth-Key: " + TESTER_KEY + "\r\n\r\n");
                RawHttp.Response response = method.equals("HEAD") ? http.readHead() : http.read();

                assertThat(response.status()).as(method).isEqualTo(405);
                assertThat(response.header("Allow")).as(method).hasValue("GET");
                assertThat(response.header("X-Auth-Token")).as(method).isEmpty();
            }
        }
        assertThat(token("/swift/auth/", "h", "test:tester", TESTER_KEY).status()).isEqualTo(404);
        assertThat(token("/swift/auth/v2", "h", "test:tester", TESTER_KEY).status()).isEqualTo(400);
        assertThat(token("/swift/auth/v1/test", "h", "test:tester", TESTER_KEY).status()).isEqualTo(400);
    }

    @Test
    void aUserAskingAgainGetsItsTokenBackSoTokensHeldAreBoundedByUsers() throws Exception {
        String first = token("/swift/auth/v1.0", "h", "test2:tester2", TESTER2_KEY).header("X-Auth-Token").orElseThrow();
        for (int i = 0; i < 20; i++) {
            assertThat(token("/swift/auth/v1.0", "h", "test2:tester2", TESTER2_KEY).header("X-Auth-Token"))
                    .hasValue(first);
        }
        String other = token("/swift/auth/v1.0", "h", "reader:reader", READER_KEY).header("X-Auth-Token").orElseThrow();

        assertThat(other).isNotEqualTo(first);
        assertThat(swift.tokensHeld()).isLessThanOrEqualTo(5);
    }

    @Test
    void anExpiredTokenIsRefusedAndReplaced() throws Exception {
        // A context of its own, since moving the shared clock would end other tests' tokens.
        AtomicLong now = new AtomicLong(0);
        TempAuthFilter filter = new TempAuthFilter(config(Map.of("token_life", "600")),
                Map.of("user_test_tester", TESTER_KEY + " .admin"), now::get, new SecureRandom());
        ServletContextHandler context = Jetty.context("/expiry", filter);
        Jetty.serve(context, "/*", new Identity());
        try (Jetty own = Jetty.start(context)) {
            RawHttp.Response issued = sendTo(own, "GET", "/expiry/auth/v1.0", "X-Auth-User: test:tester",
                    "X-Auth-Key: " + TESTER_KEY);
            String token = issued.header("X-Auth-Token").orElseThrow();
            assertThat(issued.header("X-Auth-Token-Expires")).hasValue("600");

            now.addAndGet(TimeUnit.SECONDS.toNanos(100));
            RawHttp.Response again = sendTo(own, "GET", "/expiry/auth/v1.0", "X-Auth-User: test:tester",
                    "X-Auth-Key: " + TESTER_KEY);
            assertThat(again.header("X-Auth-Token")).hasValue(token);
            assertThat(again.header("X-Auth-Token-Expires")).hasValue("500");
            assertThat(sendTo(own, "GET", "/expiry/v1/AUTH_test/c", "X-Auth-Token: " + token).status()).isEqualTo(200);

            now.addAndGet(TimeUnit.SECONDS.toNanos(500));
            RawHttp.Response expired = sendTo(own, "GET", "/expiry/v1/AUTH_test/c", "X-Auth-Token: " + token);
            assertThat(expired.status()).isEqualTo(401);
            assertThat(expired.header("Www-Authenticate")).hasValue("Swift realm=\"AUTH_test\"");
            assertThat(filter.tokensHeld()).isZero();

            RawHttp.Response renewed = sendTo(own, "GET", "/expiry/auth/v1.0", "X-Auth-User: test:tester",
                    "X-Auth-Key: " + TESTER_KEY);
            assertThat(renewed.header("X-Auth-Token").orElseThrow()).isNotEqualTo(token);
            assertThat(renewed.header("X-Auth-Token-Expires")).hasValue("600");
            assertThat(filter.tokensHeld()).isEqualTo(1);
        }
    }

    @Test
    void itsMeasuresCountTokensIssuedAndLiveAndRefusedLogins() throws Exception {
        AtomicLong now = new AtomicLong(0);
        TempAuthFilter filter = new TempAuthFilter(config(Map.of("token_life", "600")),
                Map.of("user_test_tester", TESTER_KEY + " .admin", "user_test2_tester2", TESTER2_KEY + " .admin"),
                now::get, new SecureRandom());
        ServletContextHandler context = Jetty.context("/measured", filter);
        Jetty.serve(context, "/*", new Identity());
        try (Jetty own = Jetty.start(context)) {
            assertThat(measures(filter)).containsExactly(0.0, 0.0, 0.0);

            sendTo(own, "GET", "/measured/auth/v1.0", "X-Auth-User: test:tester", "X-Auth-Key: " + TESTER_KEY);
            sendTo(own, "GET", "/measured/auth/v1.0", "X-Auth-User: test:tester", "X-Auth-Key: " + TESTER_KEY);
            now.addAndGet(TimeUnit.SECONDS.toNanos(300));
            sendTo(own, "GET", "/measured/auth/v1.0", "X-Auth-User: test2:tester2", "X-Auth-Key: " + TESTER2_KEY);
            assertThat(sendTo(own, "GET", "/measured/auth/v1.0", "X-Auth-User: test:tester",
                    "X-Auth-Key: " + TESTER2_KEY).status()).isEqualTo(401);
            assertThat(sendTo(own, "GET", "/measured/auth/v1.0", "X-Auth-Key: " + TESTER_KEY).status()).isEqualTo(401);
            assertThat(sendTo(own, "GET", "/measured/v1/AUTH_test/c", "X-Auth-Token: AUTH_tknotatoken").status())
                    .as("a bad token on a storage request is no login").isEqualTo(401);

            // issued (the same token asked again is not new), live, refused logins
            assertThat(measures(filter)).containsExactly(2.0, 2.0, 2.0);

            now.addAndGet(TimeUnit.SECONDS.toNanos(400));
            assertThat(measures(filter)).as("tester's token expired").containsExactly(2.0, 1.0, 2.0);
        }
        assertThat(filter.measures()).extracting(StageMeasures.Measure::name, StageMeasures.Measure::kind)
                .containsExactly(tuple("tokens_issued", StageMeasures.Kind.COUNTER),
                        tuple("tokens_live", StageMeasures.Kind.GAUGE),
                        tuple("logins_refused", StageMeasures.Kind.COUNTER));
    }

    private static List<Double> measures(TempAuthFilter filter) {
        return filter.measures().stream().map(StageMeasures.Measure::value).toList();
    }

    // --- storage requests

    @Test
    void withoutAValidTokenAnAccountGets401WithItsRealm() throws Exception {
        for (String[] headers : new String[][] {{}, {"X-Auth-Token: AUTH_tk00000000000000000000000000000000"},
            {"X-Storage-Token: AUTH_tkbogus"}, {"X-Auth-Token: gAAAAforeign"}}) {
            for (String[] request : new String[][] {{"PUT", "/swift/v1/AUTH_test/c/o"}, {"DELETE", "/swift/v1/AUTH_test/c"},
                {"GET", "/swift/v1/AUTH_test"}, {"GET", "/swift/v1.0/AUTH_test/"}}) {
                RawHttp.Response response = send(request[0], request[1], "h", headers);

                String what = String.join(" ", request) + " " + String.join(",", headers);
                assertThat(response.status()).as(what).isEqualTo(401);
                assertThat(response.header("Www-Authenticate")).as(what).hasValue("Swift realm=\"AUTH_test\"");
                assertThat(response.body()).as(what).isEqualTo(TempAuthFilter.UNAUTHORIZED);
                assertThat(response.header("X-Trans-Id")).as("catch_errors ran before").isPresent();
            }
        }
        assertThat(send("GET", "/swift/v1/AUTH_test/c/o", "h", "X-Auth-Token: AUTH_tkbogus").status())
                .as("a token of this prefix it does not know is refused outright, as in Swift").isEqualTo(401);
    }

    @Test
    void anAnonymousReadOfAContainerOrObjectReachesTheAppWithoutAUserForItsReferrerAcls() throws Exception {
        for (String[] headers : new String[][] {{}, {"X-Auth-Token: gAAAAforeign"}, {"Referer: http://example.com/"}}) {
            RawHttp.Response object = send("GET", "/swift/v1/AUTH_test/c/o", "h", headers);
            RawHttp.Response container = send("GET", "/swift/v1.0/AUTH_test/c", "h", headers);

            assertThat(object.status()).as(String.join(",", headers)).isEqualTo(200);
            assertThat(object.body()).isEqualTo("GET /v1/AUTH_test/c/o user=null principal=null type=tempauth roles=[]");
            assertThat(container.body()).isEqualTo("GET /v1.0/AUTH_test/c user=null principal=null type=tempauth roles=[]");
        }
        assertThat(send("GET", "/swift/v1/OTHER_test/c/o", "h").status()).as("not this prefix's account").isEqualTo(401);
        assertThat(send("GET", "/swift/v2/AUTH_test/c/o", "h").status()).as("not a storage version").isEqualTo(401);
        assertThat(send("POST", "/swift/v1/AUTH_test/c/o", "h").status()).isEqualTo(401);
        RawHttp.Response byDefault = send("GET", "/v1/SWIFT_test/c/o", "h");
        assertThat(byDefault.status()).as("without referrer_acls (the default), as before").isEqualTo(401);
        assertThat(byDefault.body()).isEqualTo(TempAuthFilter.UNAUTHORIZED);
    }

    @Test
    void theOwnersTokenLetsTheRequestThroughAsItsUser() throws Exception {
        String token = tokenOf("test:tester", TESTER_KEY);

        RawHttp.Response response = send("PUT", "/swift/v1/AUTH_test/c/o", "h", "X-Auth-Token: " + token);

        assertThat(response.status()).isEqualTo(200);
        // Its storage account among its roles, as Swift's _get_user_groups gives an .admin: the app's owner check.
        assertThat(response.body()).isEqualTo("PUT /v1/AUTH_test/c/o user=test:tester principal=test:tester "
                + "type=tempauth roles=[test, test:tester, .admin, AUTH_test]");
        assertThat(send("GET", "/swift/v1.0/AUTH_test", "h", "X-Storage-Token: " + token).status()).isEqualTo(200);
    }

    @Test
    void aUserWithoutAdminReachesItsAccountAndTheAppJudgesByItsRoles() throws Exception {
        RawHttp.Response response = send("GET", "/swift/v1/AUTH_test/c", "h",
                "X-Auth-Token: " + tokenOf("test:tester3", TESTER3_KEY));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).endsWith("user=test:tester3 principal=test:tester3 type=tempauth "
                + "roles=[test, test:tester3, staff]");
    }

    @Test
    void anotherAccountsUserReachesItsContainersAndObjectsForTheAppsAclsOwningNothingThere() throws Exception {
        String token = tokenOf("test2:tester2", TESTER2_KEY);

        // Swift's tempauth leaves these to the container's ACLs, which are the app's.
        for (String method : new String[] {"GET", "HEAD", "PUT", "POST", "DELETE", "COPY"}) {
            assertThat(send(method, "/swift/v1/AUTH_test/c/o", "h", "X-Auth-Token: " + token).status()).as(method)
                    .isEqualTo(200);
        }
        RawHttp.Response container = send("GET", "/swift/v1/AUTH_test/c", "h", "X-Auth-Token: " + token);
        assertThat(container.status()).isEqualTo(200);
        // An .admin of test2, not of test: AUTH_test is not among its roles.
        assertThat(container.body()).isEqualTo("GET /v1/AUTH_test/c user=test2:tester2 principal=test2:tester2 "
                + "type=tempauth roles=[.admin, test2, test2:tester2, AUTH_test2]");
    }

    @Test
    void withoutCrossAccountAclsAnotherAccountsUserGets403EvenForAContainer() throws Exception {
        // The root stage keeps the default: its app need not apply container ACLs.
        String token = token("/token/v1.0", "h", "here:h", "k3y-here-5678").header("X-Auth-Token").orElseThrow();

        assertThat(send("GET", "/v1/SWIFT_here/c/o", "h", "X-Auth-Token: " + token).status()).as("its own").isEqualTo(200);
        for (String path : new String[] {"/v1/SWIFT_test/c", "/v1/SWIFT_test/c/o"}) {
            assertThat(send("GET", path, "h", "X-Auth-Token: " + token).status()).as(path).isEqualTo(403);
        }
    }

    @Test
    void anotherAccountsUserGets403ForTheAccountItselfAndTheResellersOwn() throws Exception {
        String token = tokenOf("test2:tester2", TESTER2_KEY);

        for (String path : new String[] {"/swift/v1/AUTH_test", "/swift/v1/AUTH_test/",
            "/swift/v1/OTHER_test2/c", "/swift/v1/AUTH_", "/swift/v1/AUTH_/c", "/swift/v1/AUTH_.hidden/c"}) {
            for (String method : new String[] {"GET", "POST", "PUT", "DELETE"}) {
                RawHttp.Response response = send(method, path, "h", "X-Auth-Token: " + token);

                assertThat(response.status()).as(method + " " + path).isEqualTo(403);
                assertThat(response.body()).as(method + " " + path).isEqualTo(TempAuthFilter.FORBIDDEN);
            }
        }
        assertThat(send("GET", "/swift/v1/OTHER_test2/c", "h").status()).as("no token").isEqualTo(401);
    }

    @Test
    void creatingOrDeletingTheAccountItselfIsTheResellerAdminsOnly() throws Exception {
        String owner = tokenOf("test:tester", TESTER_KEY);
        String reseller = tokenOf("admin:admin", ADMIN_KEY);

        assertThat(send("PUT", "/swift/v1/AUTH_test", "h", "X-Auth-Token: " + owner).status()).isEqualTo(403);
        assertThat(send("DELETE", "/swift/v1/AUTH_test/", "h", "X-Auth-Token: " + owner).status()).isEqualTo(403);
        assertThat(send("POST", "/swift/v1/AUTH_test", "h", "X-Auth-Token: " + owner).status()).isEqualTo(200);
        assertThat(send("PUT", "/swift/v1/AUTH_test/c", "h", "X-Auth-Token: " + owner).status()).isEqualTo(200);
        assertThat(send("PUT", "/swift/v1/AUTH_test", "h", "X-Auth-Token: " + reseller).status()).isEqualTo(200);
        // A bulk delete deletes its lines, each judged by the app as its own DELETE: not the account.
        assertThat(send("DELETE", "/swift/v1/AUTH_test?bulk-delete", "h", "X-Auth-Token: " + owner).status())
                .isEqualTo(200);
        assertThat(send("DELETE", "/swift/v1/AUTH_test?x=1&bulk-delete=", "h", "X-Auth-Token: " + owner).status())
                .isEqualTo(200);
        assertThat(send("DELETE", "/swift/v1/AUTH_test?bulk-deleted", "h", "X-Auth-Token: " + owner).status())
                .isEqualTo(403);
        assertThat(send("DELETE", "/swift/v1/AUTH_test?bulk-delete", "h",
                "X-Auth-Token: " + tokenOf("test2:tester2", TESTER2_KEY)).status()).as("another account's user").isEqualTo(403);
    }

    @Test
    void aResellerAdminReachesEveryAccountButTheHiddenOnes() throws Exception {
        String token = tokenOf("admin:admin", ADMIN_KEY);

        RawHttp.Response response = send("DELETE", "/swift/v1/AUTH_test2/c/o", "h", "X-Auth-Token: " + token);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).endsWith("user=admin:admin principal=admin:admin type=tempauth "
                + "roles=[admin, admin:admin, .admin, .reseller_admin]");
        assertThat(send("PUT", "/swift/v1/AUTH_new", "h", "X-Auth-Token: " + token).status()).isEqualTo(200);
        assertThat(send("GET", "/swift/v1/AUTH_.hidden/c", "h", "X-Auth-Token: " + token).status()).isEqualTo(403);
        assertThat(send("GET", "/swift/v1/AUTH_", "h", "X-Auth-Token: " + token).status()).isEqualTo(403);
        assertThat(send("GET", "/swift/v1/OTHER_x", "h", "X-Auth-Token: " + token).status()).isEqualTo(403);
    }

    @Test
    void aResellerReaderOnlyReadsOtherAccounts() throws Exception {
        String token = tokenOf("reader:reader", READER_KEY);

        assertThat(send("GET", "/swift/v1/AUTH_test/c/o", "h", "X-Auth-Token: " + token).status()).isEqualTo(200);
        assertThat(send("HEAD", "/swift/v1/AUTH_test/c/o", "h", "X-Auth-Token: " + token).status()).isEqualTo(200);
        // Writing an object is for the container's ACLs to grant, as for any user of another account.
        assertThat(send("PUT", "/swift/v1/AUTH_test/c/o", "h", "X-Auth-Token: " + token).status()).isEqualTo(200);
        assertThat(send("POST", "/swift/v1/AUTH_test", "h", "X-Auth-Token: " + token).status()).isEqualTo(403);
    }

    @Test
    void optionsPassesWithoutAToken() throws Exception {
        RawHttp.Response response = send("OPTIONS", "/swift/v1/AUTH_test/c", "h", "Origin: https://app.example.com");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("OPTIONS /v1/AUTH_test/c user=null principal=null type=null roles=[]");
        assertThat(send("OPTIONS", "/swift/v1/AUTH_test2/c", "h", "X-Auth-Token: " + tokenOf("test:tester", TESTER_KEY))
                .body()).endsWith("user=test:tester principal=test:tester type=tempauth roles=[test, test:tester, .admin, AUTH_test]");
        assertThat(send("OPTIONS", "/swift/v1/AUTH_test/c", "h", "X-Auth-Token: AUTH_tkexpired").status())
                .as("Swift refuses a token of its own it does not know, whatever the method").isEqualTo(401);
        assertThat(send("OPTIONS", "/swift/v1/OTHER_x/c", "h").status())
                .as("Swift refuses accounts without its prefix before it lets OPTIONS through").isEqualTo(401);
    }

    @Test
    void otherPathsPassUntouched() throws Exception {
        for (String path : new String[] {"/swift/healthcheck", "/swift/info", "/swift/hello/world", "/swift/v1",
            "/swift/v1/", "/swift/auth", "/swift/crossdomain.xml"}) {
            RawHttp.Response response = send("GET", path, "h", "X-Auth-Token: AUTH_tkbogus");

            assertThat(response.status()).as(path).isEqualTo(200);
            assertThat(response.body()).as(path).contains(" user=null ");
        }
    }

    @Test
    void anyVersionAndAnyEncodingOfAPrefixedAccountIsChecked() throws Exception {
        for (String path : new String[] {"/swift/v2/AUTH_test/c", "/swift/anything/AUTH_test", "/swift/v1/AUTH%5Ftest/c",
            "/swift/v%31/AUTH%5Ftest/c"}) {
            assertThat(send("PUT", path, "h").status()).as(path).isEqualTo(401);
        }
        assertThat(send("GET", "/swift/v%31/AUTH%5Ftest/c", "h").body()).as("an anonymous read, for the app to judge")
                .isEqualTo("GET /v1/AUTH_test/c user=null principal=null type=tempauth roles=[]");
        // Jetty refuses the empty account segment itself; tempauth would refuse it as an account without the prefix.
        assertThat(send("GET", "/swift/v1//c", "h").status()).isIn(400, 401);
    }

    // --- settings

    @Test
    void prefixAuthPathSchemeAndConfiguredStorageUrlsAreTheOperators() throws Exception {
        RawHttp.Response response = token("/token/v1.0", "objects.example.com:8080", "test:tester", TESTER_KEY);

        assertThat(response.status()).isEqualTo(200);
        String token = response.header("X-Auth-Token").orElseThrow();
        assertThat(token).matches("SWIFT_tk[0-9a-f]{32}");
        assertThat(response.header("X-Auth-Token-Expires")).hasValue("60");
        assertThat(response.header("X-Storage-Url")).hasValue("https://objects.example.com:8080/v1/SWIFT_test");
        assertThat(send("GET", "/v1/SWIFT_test/c", "h", "X-Auth-Token: " + token).body())
                .endsWith("user=test:tester principal=test:tester type=tempauth roles=[test, test:tester, .admin]");
        assertThat(send("GET", "/v1/AUTH_test/c", "h", "X-Auth-Token: " + token).status()).isEqualTo(403);
        assertThat(send("PUT", "/swift/v1/AUTH_test/c", "h", "X-Auth-Token: " + token).status())
                .as("another pipeline's token").isEqualTo(401);
        assertThat(send("GET", "/swift/v1/AUTH_test/c", "h", "X-Auth-Token: " + token).body())
                .as("another pipeline's token is no one's here: an anonymous read, as in Swift")
                .endsWith("user=null principal=null type=tempauth roles=[]");

        assertThat(token("/token/v1.0", "h:1", "far:away", "k3y-far-1234").header("X-Storage-Url"))
                .hasValue("https://store.example.com:8080/v1/AUTH_far");
        assertThat(token("/token/v1.0", "objects.example.com", "here:h", "k3y-here-5678").header("X-Storage-Url"))
                .hasValue("https://objects.example.com/v2/SWIFT_here");
    }

    @Test
    void withoutUsersEveryTokenRequestGets401AndTheLogSaysSoOnce() throws Exception {
        int before = stderr.lines("tempauth has no users").size();
        TempAuthFilter filter = (TempAuthFilter) new TempAuthStage().create(Map.of("token_life", "10"));
        assertThat(stderr.lines("tempauth has no users")).hasSize(before + 1);
        assertThat(stderr.lines("tempauth has no users").get(before)).contains("WARN");

        ServletContextHandler context = Jetty.context("/nobody", filter);
        Jetty.serve(context, "/*", new Identity());
        try (Jetty own = Jetty.start(context)) {
            assertThat(sendTo(own, "GET", "/nobody/auth/v1.0", "X-Auth-User: test:tester", "X-Auth-Key: x").status())
                    .isEqualTo(401);
            assertThat(sendTo(own, "GET", "/nobody/auth/v1.0", "X-Auth-User: :", "X-Auth-Key: ").status())
                    .isEqualTo(401);
            assertThat(sendTo(own, "GET", "/nobody/v1/AUTH_test", "X-Auth-Token: AUTH_tk").status()).isEqualTo(401);
            assertThat(sendTo(own, "GET", "/nobody/info").status()).isEqualTo(200);
        }
        assertThat(stderr.lines("tempauth has no users")).hasSize(before + 1);
    }

    // --- logs

    @Test
    void theAccessLogNamesTheUserAndCutsTheToken() throws Exception {
        String token = tokenOf("test:tester", TESTER_KEY);
        send("GET", "/swift/v1/AUTH_test/logged", "h", "X-Auth-Token: " + token);
        send("GET", "/swift/auth/v1.0", "h", "X-Auth-User: test:intruder", "X-Auth-Key: guess");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(accessLines).contains("GET /swift/v1/AUTH_test/logged 200 test:tester " + token.substring(0, 16)
                    + "...");
            assertThat(accessLines).contains("GET /swift/auth/v1.0 401 test:intruder -");
        });
    }

    @Test
    void noLogLineHoldsAKeyOrAToken() throws Exception {
        // Every path that logs: issued, refused (wrong key, unknown token, other account), passed.
        String token = tokenOf("test:tester", TESTER_KEY);
        token("/swift/auth/v1.0", "h", "test:tester", TESTER3_KEY);
        send("GET", "/swift/v1/AUTH_test/c", "h", "X-Auth-Token: " + token);
        send("GET", "/swift/v1/AUTH_test2", "h", "X-Auth-Token: " + token);
        send("GET", "/swift/v1/AUTH_test/c", "h", "X-Auth-Token: AUTH_tkfeedfacefeedfacefeedfacefeedface");
        tokenOf("admin:admin", ADMIN_KEY);
        tokenOf("reader:reader", READER_KEY);
        assertThat(stderr.lines("tempauth: token for test:tester")).as("debug lines were written").isNotEmpty();
        assertThat(stderr.lines("tempauth: 403 for test:tester")).isNotEmpty();

        List<String> secrets = new ArrayList<>(List.of(TESTER_KEY, TESTER2_KEY, TESTER3_KEY, ADMIN_KEY, READER_KEY,
                "feedfacefeedfacefeedface"));
        secrets.addAll(tokensSeen);
        // The access lines of the last requests may still be on their way.
        await().atMost(Duration.ofSeconds(5)).until(() -> accessLines.stream()
                .anyMatch(line -> line.startsWith("GET /swift/auth/v1.0 200 reader:reader")));
        for (String secret : secrets) {
            assertThat(stderr.lines(secret)).as("log lines holding a secret").isEmpty();
            assertThat(accessLines).noneMatch(line -> line.contains(secret));
        }
    }

    @Test
    void settingsErrorsNameTheSettingAndNeverAKey() {
        assertError(Map.of("token_life", "0"), "token_life: 0 is not a positive number of seconds");
        assertError(Map.of("token_life", "-5"), "token_life: -5 is not a positive number of seconds");
        assertError(Map.of("token_life", "a day"), "token_life: 'a day' is not a whole number");
        assertError(Map.of("storage_url_scheme", "ftp"), "storage_url_scheme: 'ftp' is not default, http or https");
        assertError(Map.of("reseller_prefix", ""), "reseller_prefix: empty; tempauth here needs a prefix");
        assertError(Map.of("reseller_prefix", "AUTH, OTHER"), "reseller_prefix: 'AUTH, OTHER' is not one prefix");
        assertError(Map.of("auth_prefix", "/"), "auth_prefix: '/' is not a path such as /auth/");
        assertError(Map.of("user_test_tester", ""), "user_test_tester: no key; write user_ACCOUNT_USER = KEY");
        assertError(Map.of("user_test_tester", "   "), "user_test_tester: no key");
        assertError(Map.of("user_test_tester", "s3cr3t-k3y .admin .superuser"),
                "user_test_tester: word 3 is an unknown group; groups starting with '.' are .admin, "
                        + ".reseller_admin and .reseller_reader");
        assertError(Map.of("user_test", "s3cr3t-k3y"), "user_test: not user_ACCOUNT_USER");
        assertError(Map.of("user_under_score_x", "s3cr3t-k3y"), "user_under_score_x: not user_ACCOUNT_USER");
        assertError(Map.of("user__x", "s3cr3t-k3y"), "user__x: not user_ACCOUNT_USER");
        assertError(Map.of("user_a:b_x", "s3cr3t-k3y"), "user_a:b_x: the account holds ':'");
        assertError(Map.of("user64_dW5kZXJfc2NvcmU_YV9i", "s3cr3t-k3y"),
                "user64_dW5kZXJfc2NvcmU_YV9i: Swift's base64 user lines are not supported");
        assertError(Map.of("log_headers", "true"), "log_headers: unknown setting; tempauth takes auth_prefix, "
                + "cross_account_acls, referrer_acls, reseller_prefix, storage_url_scheme, token_life");
    }

    private static void assertError(Map<String, String> settings, String message) {
        try {
            new TempAuthStage().create(settings);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith(message).doesNotContain("s3cr3t");
            return;
        }
        throw new AssertionError("no error for " + settings.keySet());
    }

    @Test
    void settingsAreNormalisedAsSwiftDoes() throws Exception {
        TempAuthFilter filter = new TempAuthFilter(config(Map.of("reseller_prefix", "AUTH_", "auth_prefix", "/auth")),
                Map.of("user_test_tester", TESTER_KEY + " .admin"), clock::get, new SecureRandom());
        ServletContextHandler context = Jetty.context("/norm", filter);
        Jetty.serve(context, "/*", new Identity());
        try (Jetty own = Jetty.start(context)) {
            RawHttp.Response response = sendTo(own, "GET", "/norm/auth/v1.0", "X-Auth-User: test:tester",
                    "X-Auth-Key: " + TESTER_KEY);
            assertThat(response.header("X-Auth-Token").orElseThrow()).matches("AUTH_tk[0-9a-f]{32}");
            assertThat(response.header("X-Storage-Url").orElseThrow()).endsWith("/norm/v1/AUTH_test");
        }
    }

    // --- helpers

    private static String tokenOf(String user, String key) throws IOException {
        RawHttp.Response response = token("/swift/auth/v1.0", "h", user, key);
        assertThat(response.status()).as("token for " + user).isEqualTo(200);
        return response.header("X-Auth-Token").orElseThrow();
    }

    private static RawHttp.Response token(String path, String host, String user, String key) throws IOException {
        return send("GET", path, host, "X-Auth-User: " + user, "X-Auth-Key: " + key);
    }

    private static RawHttp.Response send(String method, String path, String host, String... headers)
            throws IOException {
        return exchange(jetty, method, path, host, headers);
    }

    /** To a server of the test's own, as 127.0.0.1:PORT. */
    private static RawHttp.Response sendTo(Jetty server, String method, String path, String... headers)
            throws IOException {
        return exchange(server, method, path, "127.0.0.1:" + server.port, headers);
    }

    private static RawHttp.Response exchange(Jetty server, String method, String path, String host, String... headers)
            throws IOException {
        StringBuilder request = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ")
                .append(host).append("\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        try (RawHttp http = new RawHttp(server.port)) {
            http.send(request.append("\r\n").toString());
            RawHttp.Response response = method.equals("HEAD") ? http.readHead() : http.read();
            response.header("X-Auth-Token").ifPresent(tokensSeen::add);
            return response;
        }
    }
}
