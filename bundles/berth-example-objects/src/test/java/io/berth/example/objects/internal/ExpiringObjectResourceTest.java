package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.berth.api.StageSettings;
import io.berth.example.objects.internal.Requests.Target;

/** Expiring objects as a client sees them: set on PUT, POST and copies, shown on HEAD/GET, gone once due. */
class ExpiringObjectResourceTest {

    private static final Target O = new Target("AUTH_test", "c", "o");
    private static final long START = 1_796_572_800_000L;
    private static final long START_SECONDS = START / 1000;

    @TempDir
    Path root;

    /** The app's clock, moved by the tests: nothing sleeps. */
    private final AtomicLong clock = new AtomicLong(START);
    private ObjectStore store;
    private ObjectResource resource;

    @BeforeEach
    void resource() throws Exception {
        store = ObjectStore.open(root);
        resource = new ObjectResource(store, StageSettings.of(ObjectsApp.Config.class, ObjectsApp.NAME,
                Map.of("root", root.toString())), clock::get);
        store.putContainer(store.account("AUTH_test"), "c", Map.of());
    }

    private FakeHttp.Response serve(FakeHttp.Request request, Target target) throws Exception {
        FakeHttp.Response response = new FakeHttp.Response();
        resource.serve(request.build(), response.build(), target);
        return response;
    }

    private FakeHttp.Response serve(FakeHttp.Request request) throws Exception {
        return serve(request, O);
    }

    private void assertGone(String method, Target target) {
        FakeHttp.Request request = new FakeHttp.Request().method(method);
        if (method.equals("COPY")) {
            request.header("Destination", "c/copy");
        }
        assertThatThrownBy(() -> serve(request, target)).as(method)
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(404))
                .hasMessage("Object '" + target.object() + "' not found in container 'c'");
    }

    @Test
    void anObjectIsShownWithItsDeleteAtAndIsNotFoundFromThatSecondOn() throws Exception {
        assertThat(serve(new FakeHttp.Request().method("PUT").body("soon gone").header("X-Delete-After", "60")).status)
                .isEqualTo(201);

        FakeHttp.Response head = serve(new FakeHttp.Request().method("HEAD"));
        assertThat(head.header("X-Delete-At")).isEqualTo(Long.toString(START_SECONDS + 60));
        assertThat(serve(new FakeHttp.Request()).header("X-Delete-At")).isEqualTo(Long.toString(START_SECONDS + 60));
        clock.set(START + 59_999);
        assertThat(serve(new FakeHttp.Request()).text()).isEqualTo("soon gone");

        clock.set(START + 60_000);
        for (String method : new String[] {"GET", "HEAD", "POST", "COPY"}) {
            assertGone(method, O);
        }
        assertThat(store.account("AUTH_test").containers.get("c").objects).as("the expirer has not run: still listed")
                .containsKey("o").doesNotContainKey("copy");
        assertGone("DELETE", O);
        assertThat(store.head(store.account("AUTH_test").containers.get("c"), "o"))
                .as("a DELETE of an expired object removes it and answers 404, as Swift's object server").isNull();
    }

    @Test
    void putAndPostRefuseBadExpiryWithSwiftsBodies() throws Exception {
        assertThatThrownBy(() -> serve(new FakeHttp.Request().method("PUT").body("x").header("X-Delete-At", "soon")))
                .hasMessage("Non-integer X-Delete-At");
        assertThatThrownBy(() -> serve(new FakeHttp.Request().method("PUT").body("x").header("X-Delete-At",
                Long.toString(START_SECONDS)))).hasMessage("X-Delete-At in past");
        assertThatThrownBy(() -> serve(new FakeHttp.Request().method("POST").header("X-Delete-After", "0")))
                .as("checked before the object is looked for").hasMessage("X-Delete-After in past");
        assertThat(store.account("AUTH_test").containers.get("c").objects).isEmpty();
    }

    @Test
    void postSetsChangesAndCancelsTheExpiryAsItReplacesTheMetadata() throws Exception {
        serve(new FakeHttp.Request().method("PUT").body("x"));
        assertThat(serve(new FakeHttp.Request().method("HEAD")).headers).doesNotContainKey("X-Delete-At");

        serve(new FakeHttp.Request().method("POST").header("X-Delete-At", Long.toString(START_SECONDS + 10)));
        assertThat(serve(new FakeHttp.Request().method("HEAD")).header("X-Delete-At")).isEqualTo(Long.toString(START_SECONDS + 10));

        serve(new FakeHttp.Request().method("POST").header("X-Delete-After", "100").header("X-Delete-At", "5"));
        assertThat(serve(new FakeHttp.Request().method("HEAD")).header("X-Delete-At"))
                .as("X-Delete-After wins").isEqualTo(Long.toString(START_SECONDS + 100));

        serve(new FakeHttp.Request().method("POST").header("X-Object-Meta-Color", "blue"));
        clock.set(START + 1_000_000);
        FakeHttp.Response head = serve(new FakeHttp.Request().method("HEAD"));
        assertThat(head.status).as("a POST without X-Delete-At cancelled the expiry").isEqualTo(200);
        assertThat(head.headers).doesNotContainKey("X-Delete-At");
    }

    @Test
    void aCopyKeepsItsSourcesExpiryUnlessItAsksForAnother() throws Exception {
        serve(new FakeHttp.Request().method("PUT").body("x").header("X-Delete-At", Long.toString(START_SECONDS + 10)));

        serve(new FakeHttp.Request().method("COPY").header("Destination", "c/kept"));
        serve(new FakeHttp.Request().method("COPY").header("Destination", "c/later").header("X-Delete-After", "500"));
        serve(new FakeHttp.Request().method("COPY").header("Destination", "c/fresh").header("X-Fresh-Metadata", "true"));

        assertThat(serve(new FakeHttp.Request().method("HEAD"), new Target("AUTH_test", "c", "kept")).header("X-Delete-At"))
                .isEqualTo(Long.toString(START_SECONDS + 10));
        assertThat(serve(new FakeHttp.Request().method("HEAD"), new Target("AUTH_test", "c", "later")).header("X-Delete-At"))
                .isEqualTo(Long.toString(START_SECONDS + 500));
        assertThat(serve(new FakeHttp.Request().method("HEAD"), new Target("AUTH_test", "c", "fresh")).headers)
                .doesNotContainKey("X-Delete-At");
    }

    @Test
    void anExpiredObjectDoesNotStopAPutWithIfNoneMatchStar() throws Exception {
        serve(new FakeHttp.Request().method("PUT").body("old").header("X-Delete-After", "1"));
        clock.set(START + 1_000);

        assertThat(serve(new FakeHttp.Request().method("PUT").body("new").header("If-None-Match", "*")).status).isEqualTo(201);
        assertThat(serve(new FakeHttp.Request()).text()).isEqualTo("new");
    }
}
