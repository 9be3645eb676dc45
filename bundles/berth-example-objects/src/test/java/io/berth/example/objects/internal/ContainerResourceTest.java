package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.berth.api.StageSettings;
import io.berth.example.objects.internal.ObjectStore.Attributes;
import io.berth.example.objects.internal.ObjectStore.Limits;
import io.berth.example.objects.internal.Requests.Target;

/** A container: made, changed, removed, its counts and ACLs shown to whom they may be, its objects listed. */
class ContainerResourceTest {

    private static final Target C = new Target("AUTH_test", "c", null);

    @TempDir
    Path root;

    private ObjectStore store;
    private ContainerResource resource;

    @BeforeEach
    void resource() throws Exception {
        store = ObjectStore.open(root);
        resource = new ContainerResource(store, StageSettings.of(ObjectsApp.Config.class, ObjectsApp.NAME,
                Map.of("root", root.toString())));
    }

    private FakeHttp.Response serve(FakeHttp.Request request) throws Exception {
        FakeHttp.Response response = new FakeHttp.Response();
        resource.serve(request.build(), response.build(), C);
        return response;
    }

    @Test
    void putMakesItOnceAndSetsItsAcls() throws Exception {
        assertThat(serve(new FakeHttp.Request().method("PUT").header("X-Container-Read", "test:reader")).status).isEqualTo(201);
        assertThat(serve(new FakeHttp.Request().method("PUT")).status).isEqualTo(202);

        assertThat(store.account("AUTH_test").containers.get("c").meta).containsEntry("X-Container-Read", "test:reader");
    }

    @Test
    void headAndGetCarryThePutTimestampRoundedUpAsLastModified() throws Exception {
        serve(new FakeHttp.Request().method("PUT"));
        long created = store.account("AUTH_test").containers.get("c").created;
        String expected = Times.httpDate((created + 999_999) / 1_000_000);

        FakeHttp.Response head = serve(new FakeHttp.Request().method("HEAD"));
        FakeHttp.Response get = serve(new FakeHttp.Request());

        assertThat(head.header("Last-Modified")).isEqualTo(expected);
        assertThat(get.header("Last-Modified")).isEqualTo(expected);
        assertThat(Times.parseHttpDate(expected) * 1_000_000).isGreaterThanOrEqualTo(created);
    }

    @Test
    void headShowsTheAclsToTheOwnerOnly() throws Exception {
        serve(new FakeHttp.Request().method("PUT").header("X-Container-Read", "test:reader")
                .header("X-Container-Meta-Color", "blue"));

        FakeHttp.Response owner = serve(new FakeHttp.Request().method("HEAD"));
        FakeHttp.Response reader = serve(new FakeHttp.Request().method("HEAD").user("test:reader"));

        assertThat(owner.status).isEqualTo(204);
        assertThat(owner.header("X-Container-Read")).isEqualTo("test:reader");
        assertThat(owner.header("X-Storage-Policy")).isEqualTo("Policy-0");
        assertThat(reader.header("X-Container-Read")).isNull();
        assertThat(reader.header("X-Container-Meta-Color")).isEqualTo("blue");
    }

    @Test
    void getListsItsObjectsWithTheirCounts() throws Exception {
        serve(new FakeHttp.Request().method("PUT"));
        store.put(store.account("AUTH_test").containers.get("c"), "o", new ByteArrayInputStream(new byte[] {1, 2, 3}), 3, null,
                new Attributes("application/octet-stream", Map.of(), null, Expiry.NEVER), false, new Limits(100, 100));

        FakeHttp.Response list = serve(new FakeHttp.Request().parameter("format", "json"));

        assertThat(list.header("X-Container-Object-Count")).isEqualTo("1");
        assertThat(list.header("X-Container-Bytes-Used")).isEqualTo("3");
        assertThat(list.text()).startsWith("[{\"name\": \"o\", \"hash\": \"5289df737df57326fcdd22597afb1fac\", \"bytes\": 3, "
                + "\"content_type\": \"application/octet-stream\", \"last_modified\": \"");
    }

    @Test
    void aMissingContainerIs404AndOtherMethodsAre405() {
        for (String method : new String[] {"POST", "DELETE", "HEAD", "GET"}) {
            assertThatThrownBy(() -> serve(new FakeHttp.Request().method(method))).as(method)
                    .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(404))
                    .hasMessage("Container 'c' not found");
        }
        assertThatThrownBy(() -> serve(new FakeHttp.Request().method("COPY")))
                .hasMessage("Method Not Allowed: COPY on a container; allowed: PUT, POST, DELETE, HEAD, GET");
    }

    @Test
    void onlyAdminsChangeIt() {
        assertThatThrownBy(() -> serve(new FakeHttp.Request().method("PUT").user("test:reader")))
                .hasMessage("Forbidden: test:reader may not PUT the container 'c': that needs .admin");
    }
}
