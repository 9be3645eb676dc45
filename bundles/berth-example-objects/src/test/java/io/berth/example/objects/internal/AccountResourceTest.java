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

/** An account: its counts and metadata, its containers, and that only admins reach it. */
class AccountResourceTest {

    private static final Target ACCOUNT = new Target("AUTH_test", null, null);

    @TempDir
    Path root;

    private ObjectStore store;
    private AccountResource resource;

    @BeforeEach
    void resource() throws Exception {
        store = ObjectStore.open(root);
        resource = new AccountResource(store, StageSettings.of(ObjectsApp.Config.class, ObjectsApp.NAME,
                Map.of("root", root.toString(), "account_listing_limit", "2")));
        Account account = store.account("AUTH_test");
        store.putContainer(account, "a", Map.of());
        store.putContainer(account, "b", Map.of());
        store.putContainer(account, "c", Map.of());
    }

    private FakeHttp.Response serve(FakeHttp.Request request) throws Exception {
        FakeHttp.Response response = new FakeHttp.Response();
        resource.serve(request.build(), response.build(), ACCOUNT);
        return response;
    }

    @Test
    void headCountsItsContainersAndShowsItsMetadata() throws Exception {
        assertThat(serve(new FakeHttp.Request().method("POST").header("X-Account-Meta-Color", "blue")).status).isEqualTo(204);

        FakeHttp.Response head = serve(new FakeHttp.Request().method("HEAD"));

        assertThat(head.status).isEqualTo(204);
        assertThat(head.header("X-Account-Container-Count")).isEqualTo("3");
        assertThat(head.header("X-Account-Object-Count")).isEqualTo("0");
        assertThat(head.header("X-Account-Meta-Color")).isEqualTo("blue");
        assertThat(head.header("X-Timestamp")).isEqualTo(head.header("X-Put-Timestamp")).matches("\\d{10}\\.\\d{5}");
    }

    @Test
    void getListsItsContainersUpToTheAccountListingLimit() throws Exception {
        FakeHttp.Response list = serve(new FakeHttp.Request());

        assertThat(list.status).isEqualTo(200);
        assertThat(list.text()).isEqualTo("a\nb\n");
        assertThat(list.header("X-Account-Container-Count")).isEqualTo("3");
        assertThat(serve(new FakeHttp.Request().parameter("marker", "b")).text()).isEqualTo("c\n");
        assertThatThrownBy(() -> serve(new FakeHttp.Request().parameter("limit", "3"))).hasMessage("Maximum limit is 2");
    }

    @Test
    void onlyAdminsReachItAndOtherMethodsAre405() {
        assertThatThrownBy(() -> serve(new FakeHttp.Request().user("test:reader")))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(403));
        assertThatThrownBy(() -> serve(new FakeHttp.Request().method("DELETE")))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(405))
                .hasMessage("Method Not Allowed: DELETE on an account; allowed: HEAD, GET, POST");
    }
}
