package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.berth.api.StageSettings;
import io.berth.example.objects.internal.Requests.Target;

/** An object: written, read with its headers, its metadata replaced, removed, copied; and what each refuses. */
class ObjectResourceTest {

    private static final Target O = new Target("AUTH_test", "c", "dir/o.txt");

    @TempDir
    Path root;

    private ObjectStore store;
    private ObjectResource resource;

    @BeforeEach
    void resource() throws Exception {
        store = ObjectStore.open(root);
        resource = new ObjectResource(store, StageSettings.of(ObjectsApp.Config.class, ObjectsApp.NAME,
                Map.of("root", root.toString(), "max_file_size", "10")));
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

    @Test
    void putThenGetWithItsHeadersAndATypeGuessedFromTheName() throws Exception {
        FakeHttp.Response put = serve(new FakeHttp.Request().method("PUT").body("hello").header("X-Object-Meta-Color", "blue"));
        assertThat(put.status).isEqualTo(201);
        assertThat(put.header("ETag")).isEqualTo("5d41402abc4b2a76b9719d911017c592");

        FakeHttp.Response get = serve(new FakeHttp.Request());
        assertThat(get.status).isEqualTo(200);
        assertThat(get.text()).isEqualTo("hello");
        assertThat(get.header("Content-Type")).isEqualTo("text/plain");
        assertThat(get.header("ETag")).isEqualTo("5d41402abc4b2a76b9719d911017c592");
        assertThat(get.header("Last-Modified")).isEqualTo(put.header("Last-Modified"));
        assertThat(get.header("Accept-Ranges")).isEqualTo("bytes");
        assertThat(get.header("X-Object-Meta-Color")).isEqualTo("blue");

        FakeHttp.Response notModified = serve(new FakeHttp.Request().header("If-None-Match", "5d41402abc4b2a76b9719d911017c592"));
        assertThat(notModified.status).isEqualTo(304);
        assertThat(notModified.body.size()).isZero();
    }

    @Test
    void aPutNeedsALengthWithinMaxFileSizeAndIfNoneMatchStarRefusesAnExistingObject() throws Exception {
        assertThatThrownBy(() -> serve(new FakeHttp.Request().method("PUT")))
                .hasMessage("Length Required: send Content-Length or a chunked body");
        assertThatThrownBy(() -> serve(new FakeHttp.Request().method("PUT").body("eleven byte")))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(413))
                .hasMessage("Request Entity Too Large: 11 bytes is more than max_file_size 10");
        serve(new FakeHttp.Request().method("PUT").body("one"));
        assertThatThrownBy(() -> serve(new FakeHttp.Request().method("PUT").body("two").header("If-None-Match", "*")))
                .hasMessage("Precondition Failed: 'dir/o.txt' exists (If-None-Match: *)");
        assertThatThrownBy(() -> serve(new FakeHttp.Request().method("PUT").body("two").header("X-Object-Manifest", "noslash")))
                .hasMessage("X-Object-Manifest must be in the format container/prefix");
    }

    @Test
    void postReplacesTheMetadataAndDeleteRemovesTheObject() throws Exception {
        serve(new FakeHttp.Request().method("PUT").body("x").header("X-Object-Meta-Color", "blue"));

        FakeHttp.Response post = serve(new FakeHttp.Request().method("POST").header("X-Object-Meta-Size", "big"));
        assertThat(post.status).isEqualTo(202);
        assertThat(post.text()).isEqualTo("Accepted: the metadata of 'dir/o.txt' is replaced\n");
        assertThat(serve(new FakeHttp.Request().method("HEAD")).headers).containsKey("X-Object-Meta-Size")
                .doesNotContainKey("X-Object-Meta-Color");

        assertThat(serve(new FakeHttp.Request().method("DELETE")).status).isEqualTo(204);
        assertThatThrownBy(() -> serve(new FakeHttp.Request().method("DELETE")))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(404))
                .hasMessage("Object 'dir/o.txt' not found in container 'c'");
    }

    @Test
    void postSetsChangesAndRemovesTheManifestAsSwiftsPostReplacesIt() throws Exception {
        serve(new FakeHttp.Request().method("PUT").body("x").header("X-Object-Manifest", "segs/a/"));

        serve(new FakeHttp.Request().method("POST").header("X-Object-Manifest", "segs/b/"));
        assertThat(store.head(container(), O.object()).manifest()).isEqualTo("segs/b/");
        assertThat(serve(new FakeHttp.Request().method("HEAD").parameter("multipart-manifest", "get"))
                .header("X-Object-Manifest")).isEqualTo("segs/b/");

        serve(new FakeHttp.Request().method("POST").header("X-Object-Manifest", ""));
        assertThat(store.head(container(), O.object()).manifest()).isNull();

        serve(new FakeHttp.Request().method("POST").header("X-Object-Manifest", "segs/c/"));
        serve(new FakeHttp.Request().method("POST").header("X-Object-Meta-Color", "blue"));
        assertThat(store.head(container(), O.object()).manifest()).as("a POST without the header removes it").isNull();
        assertThat(serve(new FakeHttp.Request().method("HEAD")).headers).doesNotContainKey("X-Object-Manifest");
    }

    @Test
    void aManifestIsCheckedAsSwiftsDloMiddlewareDoesOnPutAndPost() throws Exception {
        serve(new FakeHttp.Request().method("PUT").body("x"));
        for (String bad : new String[] {"noslash", "/prefix", "c/", "c//p", "c/p?x", "c/p&x"}) {
            for (String method : new String[] {"PUT", "POST"}) {
                FakeHttp.Request request = new FakeHttp.Request().method(method).header("X-Object-Manifest", bad);
                assertThatThrownBy(() -> serve(method.equals("PUT") ? request.body("x") : request))
                        .as("%s with X-Object-Manifest: %s", method, bad)
                        .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(400))
                        .hasMessage("X-Object-Manifest must be in the format container/prefix");
            }
        }
        assertThat(store.head(container(), O.object()).manifest()).isNull();
    }

    @Test
    void postHoldsTheMetadataLimitsAsPutDoes() throws Exception {
        serve(new FakeHttp.Request().method("PUT").body("x").header("X-Object-Meta-Kept", "yes"));
        String value = "v".repeat(Requests.MAX_META_VALUE_LENGTH);
        FakeHttp.Request tooMany = new FakeHttp.Request().method("POST");
        FakeHttp.Request tooLarge = new FakeHttp.Request().method("POST");
        for (int i = 0; i <= Requests.MAX_META_COUNT; i++) {
            tooMany.header("X-Object-Meta-M" + i, "v");
        }
        for (int i = 0; i < 17; i++) {
            tooLarge.header("X-Object-Meta-L" + i, value);
        }

        assertThatThrownBy(() -> serve(tooMany))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(400))
                .hasMessage("Too many metadata items; max 90");
        assertThatThrownBy(() -> serve(tooLarge))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(400))
                .hasMessage("Total metadata too large; max 4096 bytes");
        assertThatThrownBy(() -> serve(new FakeHttp.Request().method("POST").header("X-Object-Meta-" + "n".repeat(129), "v")))
                .hasMessageStartingWith("Metadata name too long (max 128 bytes): X-Object-Meta-Nnn");
        assertThatThrownBy(() -> serve(new FakeHttp.Request().method("POST").header("X-Object-Meta-Long", value + "v")))
                .hasMessage("Metadata value longer than 256 bytes: X-Object-Meta-Long");
        assertThat(store.head(container(), O.object()).meta()).as("a refused POST changes nothing")
                .containsEntry("X-Object-Meta-Kept", "yes");
    }

    private Container container() throws Exception {
        return store.account("AUTH_test").containers.get("c");
    }

    @Test
    void copyGoesToItsDestinationAndPutCopiesFromXCopyFrom() throws Exception {
        serve(new FakeHttp.Request().method("PUT").body("source"));

        assertThatThrownBy(() -> serve(new FakeHttp.Request().method("COPY"))).hasMessage("Destination header required");
        FakeHttp.Response copy = serve(new FakeHttp.Request().method("COPY").header("Destination", "c/copy"));
        assertThat(copy.status).isEqualTo(201);
        assertThat(copy.header("X-Copied-From")).isEqualTo("c/dir/o.txt");
        assertThat(serve(new FakeHttp.Request(), new Target("AUTH_test", "c", "copy")).text()).isEqualTo("source");

        Target again = new Target("AUTH_test", "c", "again");
        assertThatThrownBy(() -> serve(new FakeHttp.Request().method("PUT").header("X-Copy-From", "c/copy").body("x"), again))
                .hasMessage("Copy requests require a zero byte body");
        assertThat(serve(new FakeHttp.Request().method("PUT").header("X-Copy-From", "/c/copy").contentLength(0), again).status)
                .isEqualTo(201);
        assertThat(serve(new FakeHttp.Request(), again).text()).isEqualTo("source");
    }

    @Test
    void aMissingObjectOrContainerIs404AndOtherMethodsAre405() {
        assertThatThrownBy(() -> serve(new FakeHttp.Request()))
                .hasMessage("Object 'dir/o.txt' not found in container 'c'");
        assertThatThrownBy(() -> serve(new FakeHttp.Request(), new Target("AUTH_test", "missing", "o")))
                .hasMessage("Container 'missing' not found");
        assertThatThrownBy(() -> serve(new FakeHttp.Request().method("PATCH")))
                .hasMessage("Method Not Allowed: PATCH on an object; allowed: GET, HEAD, PUT, POST, DELETE, COPY");
    }
}
