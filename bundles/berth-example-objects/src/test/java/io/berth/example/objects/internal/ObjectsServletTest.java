package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.berth.api.StageSettings;

/** The dispatcher: which resource a path reaches, and what a refusal there answers. */
class ObjectsServletTest {

    @TempDir
    Path root;

    private ObjectsServlet servlet;

    @BeforeEach
    void servlet() throws Exception {
        servlet = new ObjectsServlet(ObjectStore.open(root),
                StageSettings.of(ObjectsApp.Config.class, ObjectsApp.NAME, Map.of("root", root.toString())));
    }

    private FakeHttp.Response serve(FakeHttp.Request request) throws Exception {
        FakeHttp.Response response = new FakeHttp.Response();
        servlet.service(request.build(), response.build());
        return response;
    }

    @Test
    void infoIsAnsweredWithSwiftsCapabilities() throws Exception {
        FakeHttp.Response info = serve(new FakeHttp.Request().path("/info"));

        assertThat(info.status).isEqualTo(200);
        assertThat(info.text()).startsWith("{\"swift\": {\"version\": \"2.30.0\"");
        assertThat(serve(new FakeHttp.Request().method("PUT").path("/info")).text())
                .isEqualTo("Method Not Allowed: PUT on /info; allowed: GET, HEAD\n");
    }

    @Test
    void eachPathLevelReachesItsResource() throws Exception {
        assertThat(serve(new FakeHttp.Request().method("PATCH").path("/v1/AUTH_test")).text())
                .isEqualTo("Method Not Allowed: PATCH on an account; allowed: HEAD, GET, POST\n");
        assertThat(serve(new FakeHttp.Request().method("PATCH").path("/v1.0/AUTH_test/c")).text())
                .isEqualTo("Method Not Allowed: PATCH on a container; allowed: PUT, POST, DELETE, HEAD, GET\n");
        assertThat(serve(new FakeHttp.Request().method("PUT").path("/v1/AUTH_test/c")).status).isEqualTo(201);
        FakeHttp.Response object = serve(new FakeHttp.Request().method("PATCH").path("/v1/AUTH_test/c/dir/o"));
        assertThat(object.status).isEqualTo(405);
        assertThat(object.text()).isEqualTo("Method Not Allowed: PATCH on an object; allowed: GET, HEAD, PUT, POST, DELETE, COPY\n");
    }

    @Test
    void pathsSwiftCannotSplitAre404AndABadEscapeIs400() throws Exception {
        for (String path : new String[] {"/", "//a", ""}) {
            FakeHttp.Response other = serve(new FakeHttp.Request().path(path));
            assertThat(other.status).as(path).isEqualTo(404);
            assertThat(other.text()).as(path).isEqualTo("Not found: " + path + " is not /info or /v1/ACCOUNT[/CONTAINER[/OBJECT]]\n");
        }

        FakeHttp.Response badEscape = serve(new FakeHttp.Request().path("/v1/AUTH_test/c%zz"));
        assertThat(badEscape.status).isEqualTo(400);
        assertThat(badEscape.text()).startsWith("Invalid percent-encoding in the path");
    }

    @Test
    void anotherApiVersionIs400AsSwiftsApiVersionError() throws Exception {
        FakeHttp.Response v2 = serve(new FakeHttp.Request().path("/v2/AUTH_test"));

        assertThat(v2.status).isEqualTo(400);
        assertThat(v2.text()).isEqualTo("Invalid path: API version 'v2' is not v1 or v1.0\n");
    }

    /** Swift's get_controller finds no controller for these: 412 Bad URL, whatever the method. */
    @Test
    void pathsNamingNoAccountContainerOrObjectAre412BadUrl() throws Exception {
        for (String path : new String[] {"/v1", "/v1/", "/v1//c", "/v1//c/o", "/v1/AUTH_test//o", "/v2", "/crossdomain.xml"}) {
            for (String method : new String[] {"PUT", "GET", "DELETE"}) {
                FakeHttp.Response response = serve(new FakeHttp.Request().method(method).path(path));
                assertThat(response.status).as(method + " " + path).isEqualTo(412);
                assertThat(response.text()).as(method + " " + path)
                        .isEqualTo("Bad URL: " + path + " names no account, container or object\n");
            }
        }
    }

    @Test
    void emptySegmentsAtTheEndNameTheLevelBefore() throws Exception {
        assertThat(serve(new FakeHttp.Request().method("PUT").path("/v1/AUTH_test/c/")).status).isEqualTo(201);
        assertThat(serve(new FakeHttp.Request().method("PATCH").path("/v1/AUTH_test//")).text())
                .startsWith("Method Not Allowed: PATCH on an account");
        assertThat(serve(new FakeHttp.Request().method("PATCH").path("/v1/AUTH_test/c/")).text())
                .startsWith("Method Not Allowed: PATCH on a container");
    }

    @Test
    void aRefusalKeepsTheHeadersAStageSetBefore() throws Exception {
        FakeHttp.Response recorded = new FakeHttp.Response();
        HttpServletResponse response = recorded.build();
        response.setHeader("X-Trans-Id", "tx1");

        servlet.service(new FakeHttp.Request().path("/v1/AUTH_test/missing").build(), response);

        assertThat(recorded.status).isEqualTo(404);
        assertThat(recorded.header("X-Trans-Id")).isEqualTo("tx1");
        assertThat(recorded.text()).isEqualTo("Container 'missing' not found\n");
    }
}
