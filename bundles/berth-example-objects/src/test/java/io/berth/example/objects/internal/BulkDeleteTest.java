package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.berth.api.StageSettings;

/**
 * {@code ?bulk-delete} through the dispatcher, as a client sees it: the bodies are Swift 2.30's
 * bulk middleware's to the byte (checked against its get_response_body and handle_delete_iter).
 */
class BulkDeleteTest {

    private static final String A = "/v1/AUTH_test";
    private static final long START = 1_796_572_800_000L;

    @TempDir
    Path root;

    private final AtomicLong clock = new AtomicLong(START);
    private ObjectsServlet servlet;

    @BeforeEach
    void servlet() throws Exception {
        servlet = new ObjectsServlet(ObjectStore.open(root),
                StageSettings.of(ObjectsApp.Config.class, ObjectsApp.NAME, Map.of("root", root.toString())), clock::get);
    }

    private FakeHttp.Response serve(FakeHttp.Request request) throws Exception {
        FakeHttp.Response response = new FakeHttp.Response();
        servlet.service(request.build(), response.build());
        return response;
    }

    private void put(String path, String... headers) throws Exception {
        FakeHttp.Request request = new FakeHttp.Request().method("PUT").path(A + path).body(path.indexOf('/', 1) > 0 ? "data" : "");
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        assertThat(serve(request).status).as(path).isBetween(201, 202);
    }

    private int status(String path) throws Exception {
        return serve(new FakeHttp.Request().method("HEAD").path(A + path)).status;
    }

    private static FakeHttp.Request bulk(String body) {
        return new FakeHttp.Request().method("POST").path(A).parameter("bulk-delete", "").header("Content-Type", "text/plain")
                .body(body);
    }

    private static String text(int deleted, int notFound, String body, String status, String... errors) {
        return "Number Deleted: " + deleted + "\nNumber Not Found: " + notFound + "\nResponse Body: " + body
                + "\nResponse Status: " + status + "\nErrors:\n" + String.join("", errors);
    }

    @Test
    void objectsGoFirstThenTheirEmptiedContainersAndTheMissingAreCounted() throws Exception {
        put("/photos");
        put("/photos/a%20b.jpg");
        put("/photos/%C3%A9t%C3%A9/x");
        put("/empty");

        FakeHttp.Response response = serve(bulk("/photos\n/photos/a%20b.jpg\n  /photos/%C3%A9t%C3%A9/x \n/photos/missing\n"
                + "\n/empty/\n/gone\n/nothing/o"));

        assertThat(response.status).isEqualTo(200);
        assertThat(response.contentType).isEqualTo("text/plain");
        assertThat(response.text()).isEqualTo(text(4, 3, "", "200 OK"));
        assertThat(status("/photos")).isEqualTo(404);
        assertThat(status("/empty")).isEqualTo(404);
    }

    @Test
    void deleteWithTheParameterIsABulkDeleteToo() throws Exception {
        put("/c");
        put("/c/o");

        FakeHttp.Response response = serve(bulk("/c/o\n/c").method("DELETE"));

        assertThat(response.text()).isEqualTo(text(2, 0, "", "200 OK"));
        assertThat(serve(new FakeHttp.Request().method("POST").path(A)).status).as("without the parameter").isEqualTo(204);
    }

    @Test
    void aContainerThatIsNotEmptyIsAnErrorAndTheStatusIs400() throws Exception {
        put("/full");
        put("/full/kept");

        FakeHttp.Response response = serve(bulk("/full\n"));

        assertThat(response.status).isEqualTo(200);
        assertThat(response.text()).isEqualTo(text(0, 0, "", "400 Bad Request", "/full, 409 Conflict\n"));
        assertThat(status("/full/kept")).isEqualTo(200);
    }

    @Test
    void anItemTheUserMayNotDeleteIs403AsItsOwnDeleteWouldBe() throws Exception {
        put("/shared", "X-Container-Write", "test:writer");
        put("/shared/o");
        put("/private");
        put("/private/o");

        // Not an admin: the account-level POST reaches the bulk delete, and each item is judged alone.
        FakeHttp.Response response = serve(bulk("/shared/o\n/private/o\n/shared\n/private/missing").user("test:writer", "test",
                "test:writer"));

        assertThat(response.text()).isEqualTo(text(1, 0, "", "400 Bad Request", "/private/o, 403 Forbidden\n",
                "/private/missing, 403 Forbidden\n", "/shared, 403 Forbidden\n"));
        assertThat(status("/shared/o")).isEqualTo(404);
        assertThat(status("/private/o")).isEqualTo(200);
    }

    @Test
    void badPathsAreErrorsAsTheProxyWouldAnswerThem() throws Exception {
        put("/c");
        String longName = "x".repeat(257);

        FakeHttp.Response response = serve(bulk("/c/%FF\n/c/a%00b\n/" + longName + "\n/\n/c/%zz"));

        assertThat(response.text()).isEqualTo(text(0, 1, "", "400 Bad Request", "/c/%FF, 412 Precondition Failed\n",
                "/c/a%00b, 412 Precondition Failed\n", "/" + longName + ", 400 Bad Request\n", "/, 405 Method Not Allowed\n"));
    }

    @Test
    void moreNamesThanAllowedAreRefusedBeforeAnyIsDeleted() throws Exception {
        put("/c");
        put("/c/o");

        FakeHttp.Response response = serve(bulk("/c/o\n".repeat(10_001)));

        assertThat(response.text()).isEqualTo(text(0, 0, "Maximum Bulk Deletes: 10000 per request",
                "413 Request Entity Too Large"));
        assertThat(status("/c/o")).isEqualTo(200);
        assertThat(serve(bulk("/c/o\n".repeat(10_000))).text()).as("the limit itself").isEqualTo(text(1, 9_999, "", "200 OK"));
    }

    @Test
    void aLineLongerThanTwiceTheLongestPathIsAnInvalidFileName() throws Exception {
        assertThat(serve(bulk("/c/" + "x".repeat(2600))).text()).isEqualTo(text(0, 0, "Invalid File Name", "400 Bad Request"));
        assertThat(serve(bulk("/c/" + "x".repeat(2000))).text()).as("one Swift reads")
                .isEqualTo(text(0, 0, "", "400 Bad Request", "/c/" + "x".repeat(2000) + ", 400 Bad Request\n"));
    }

    @Test
    void afterAThousandFailuresTheRestIsNotTried() throws Exception {
        put("/c");
        put("/c/last");

        FakeHttp.Response response = serve(bulk("/c/%FF\n".repeat(1000) + "/c/last"));

        assertThat(response.text()).startsWith(text(0, 0, "Max delete failures exceeded", "400 Bad Request"))
                .endsWith("/c/%FF, 412 Precondition Failed\n");
        assertThat(response.text().lines().count()).isEqualTo(5 + 1000);
        assertThat(status("/c/last")).isEqualTo(200);
    }

    @Test
    void anEmptyBodyIsAnInvalidBulkDeleteAndABodyWithoutLengthIs411() throws Exception {
        assertThat(serve(bulk("")).text()).isEqualTo(text(0, 0, "Invalid bulk delete.", "400 Bad Request"));
        assertThat(serve(bulk("\n\n  \n")).text()).isEqualTo(text(0, 0, "Invalid bulk delete.", "400 Bad Request"));
        assertThat(serve(bulk("/c/o").contentLength(-1)).text()).isEqualTo(text(0, 0, "", "411 Length Required"));
    }

    @Test
    void anExpiredObjectWasAlreadyGone() throws Exception {
        put("/c");
        put("/c/o", "X-Delete-After", "60");
        clock.set(START + 60_000);

        assertThat(serve(bulk("/c/o")).text()).isEqualTo(text(0, 1, "", "200 OK"));
    }

    @Test
    void theAnswerIsJsonOrXmlAsTheAcceptHeaderAsks() throws Exception {
        put("/c");
        put("/c/o");
        put("/full");
        put("/full/o");

        FakeHttp.Response json = serve(bulk("/c/o\n/full").header("Accept", "application/json"));
        assertThat(json.contentType).isEqualTo("application/json");
        assertThat(json.text()).isEqualTo("{\"Response Status\": \"400 Bad Request\", \"Response Body\": \"\", "
                + "\"Number Deleted\": 1, \"Number Not Found\": 0, \"Errors\": [[\"/full\", \"409 Conflict\"]]}");

        FakeHttp.Response xml = serve(bulk("/c/o\n/full").header("Accept", "application/json;q=0.9, application/xml"));
        assertThat(xml.contentType).isEqualTo("application/xml");
        assertThat(xml.text()).isEqualTo("<delete>\n<number_deleted>0</number_deleted>\n<number_not_found>1</number_not_found>\n"
                + "<response_body></response_body>\n<response_status>400 Bad Request</response_status>\n<errors>\n"
                + "<object><name>/full</name><status>409 Conflict</status></object>\n</errors>\n</delete>\n");
        assertThat(serve(bulk("/c/o").header("Accept", "text/xml")).contentType).isEqualTo("text/xml");
        assertThat(serve(bulk("/c/o").header("Accept", "*/*")).contentType).isEqualTo("text/plain");
    }

    @Test
    void anAnswerNoAcceptableFormatOrABodyNotPlainTextIs406() throws Exception {
        FakeHttp.Response png = serve(bulk("/c/o").header("Accept", "image/png"));
        assertThat(png.status).isEqualTo(200);
        assertThat(png.contentType).isEqualTo("text/html; charset=UTF-8");
        assertThat(png.text()).isEqualTo(text(0, 0, "", "406 Not Acceptable"));
        assertThat(serve(bulk("/c/o").header("Accept", "text/plain;q=1;q=2")).text()).as("a header that does not parse")
                .isEqualTo(text(0, 0, "", "406 Not Acceptable"));

        FakeHttp.Response form = serve(bulk("/c/o").header("Content-Type", "application/json").header("Accept", "application/json"));
        assertThat(form.text()).isEqualTo("{\"Response Status\": \"406 Not Acceptable\", \"Response Body\": \"\", "
                + "\"Number Deleted\": 0, \"Number Not Found\": 0, \"Errors\": []}");
    }

    @Test
    void swobsAcceptMatching() {
        assertThat(Accept.bulkFormat(null)).isEqualTo("text/plain");
        assertThat(Accept.bulkFormat("")).isEqualTo("text/plain");
        assertThat(Accept.bulkFormat("text/*")).isEqualTo("text/plain");
        assertThat(Accept.bulkFormat("*/*;q=0.5, application/xml")).isEqualTo("application/xml");
        assertThat(Accept.bulkFormat("application/*, application/xml")).as("exact first").isEqualTo("application/xml");
        assertThat(Accept.bulkFormat("application/*")).isEqualTo("application/json");
        assertThat(Accept.bulkFormat("text/html")).isNull();
        assertThat(Accept.bulkFormat("text/plain,")).as("an empty range does not parse").isNull();
        assertThat(Accept.bulkFormat("text/plain;q=x")).isNull();
    }
}
