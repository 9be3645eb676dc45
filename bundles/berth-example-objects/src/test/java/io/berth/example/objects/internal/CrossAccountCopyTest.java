package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.berth.api.StageSettings;

/**
 * Copies between accounts, COPY with Destination-Account and PUT with X-Copy-From-Account, as
 * Swift's copy middleware makes them: a GET of the source with the user's rights in its account,
 * a PUT of the destination with the user's rights in that one. The users are tempauth's, as it
 * lets another account's user through to a container (FakeHttp gives them tempauth's roles).
 */
class CrossAccountCopyTest {

    private static final String TEST = "/v1/AUTH_test";
    private static final String TEST2 = "/v1/AUTH_test2";

    @TempDir
    Path root;

    private ObjectsServlet servlet;

    @BeforeEach
    void servlet() throws Exception {
        servlet = new ObjectsServlet(ObjectStore.open(root),
                StageSettings.of(ObjectsApp.Config.class, ObjectsApp.NAME, Map.of("root", root.toString())));
        // Made by their owners (no auth stage): test shares "shared" with test2's users, not "private".
        assertThat(serve(owner("PUT", TEST + "/shared").header("X-Container-Read", "test2")).status).isEqualTo(201);
        assertThat(serve(owner("PUT", TEST + "/private")).status).isEqualTo(201);
        assertThat(serve(owner("PUT", TEST + "/inbox").header("X-Container-Write", "test2:tester2")).status).isEqualTo(201);
        assertThat(serve(owner("PUT", TEST2 + "/mine")).status).isEqualTo(201);
        for (String path : new String[] {"/shared/o", "/private/o"}) {
            assertThat(serve(owner("PUT", TEST + path).header("X-Object-Meta-Color", "blue").body("data of " + path)).status)
                    .isEqualTo(201);
        }
        assertThat(serve(owner("PUT", TEST2 + "/mine/o").body("test2's own")).status).isEqualTo(201);
    }

    private FakeHttp.Response serve(FakeHttp.Request request) throws Exception {
        FakeHttp.Response response = new FakeHttp.Response();
        servlet.service(request.build(), response.build());
        return response;
    }

    private static FakeHttp.Request owner(String method, String path) {
        return new FakeHttp.Request().method(method).path(path);
    }

    /** test2's admin: owns AUTH_test2, and only what ACLs grant in AUTH_test. */
    private static FakeHttp.Request tester2(String method, String path) {
        return owner(method, path).user("test2:tester2", ".admin");
    }

    private String read(String path) throws Exception {
        return serve(owner("GET", path)).text();
    }

    @Test
    void copyToAnotherAccountReadsWithTheSourcesAclsAndWritesAsThere() throws Exception {
        FakeHttp.Response copy = serve(tester2("COPY", TEST + "/shared/o").header("Destination", "mine/copy")
                .header("Destination-Account", "AUTH_test2"));

        assertThat(copy.status).as(copy.text()).isEqualTo(201);
        assertThat(copy.header("X-Copied-From-Account")).isEqualTo("AUTH_test");
        assertThat(copy.header("X-Copied-From")).isEqualTo("shared/o");
        assertThat(read(TEST2 + "/mine/copy")).isEqualTo("data of /shared/o");
        assertThat(serve(owner("HEAD", TEST2 + "/mine/copy")).header("X-Object-Meta-Color")).isEqualTo("blue");
    }

    @Test
    void copyFromAnotherAccountWithXCopyFromAccount() throws Exception {
        FakeHttp.Response put = serve(tester2("PUT", TEST2 + "/mine/pulled").header("X-Copy-From", "shared/o")
                .header("X-Copy-From-Account", "AUTH_test").body(""));

        assertThat(put.status).as(put.text()).isEqualTo(201);
        assertThat(put.header("X-Copied-From-Account")).isEqualTo("AUTH_test");
        assertThat(read(TEST2 + "/mine/pulled")).isEqualTo("data of /shared/o");
        // And back, into a container of test's that test2:tester2 may write.
        FakeHttp.Response pushed = serve(tester2("PUT", TEST + "/inbox/o").header("X-Copy-From", "mine/o")
                .header("X-Copy-From-Account", "AUTH_test2").body(""));
        assertThat(pushed.status).as(pushed.text()).isEqualTo(201);
        assertThat(read(TEST + "/inbox/o")).isEqualTo("test2's own");
    }

    @Test
    void aSourceTheUserMayNotReadIs403AndNothingIsWritten() throws Exception {
        FakeHttp.Response copy = serve(tester2("COPY", TEST + "/private/o").header("Destination", "mine/copy")
                .header("Destination-Account", "AUTH_test2"));
        assertThat(copy.status).isEqualTo(403);
        assertThat(copy.text()).isEqualTo("Forbidden: test2:tester2 may not GET objects in the container 'private': "
                + "X-Container-Read does not name them\n");

        FakeHttp.Response put = serve(tester2("PUT", TEST2 + "/mine/copy").header("X-Copy-From", "private/o")
                .header("X-Copy-From-Account", "AUTH_test").body(""));
        assertThat(put.status).isEqualTo(403);
        assertThat(serve(owner("HEAD", TEST2 + "/mine/copy")).status).isEqualTo(404);
    }

    @Test
    void aDestinationTheUserMayNotWriteIs403EvenForAnAdminOfItsOwnAccount() throws Exception {
        // test2's admin reads test's shared container, but may not write it: .admin is test2's, not test's.
        FakeHttp.Response copy = serve(tester2("COPY", TEST2 + "/mine/o").header("Destination", "shared/o2")
                .header("Destination-Account", "AUTH_test"));
        assertThat(copy.status).isEqualTo(403);
        assertThat(copy.text()).isEqualTo("Forbidden: test2:tester2 may not PUT objects in the container 'shared': "
                + "X-Container-Write does not name them\n");

        // A user of test who may read the source in its own account may still not write into test2's.
        FakeHttp.Response reader = serve(owner("COPY", TEST + "/shared/o").user("test:tester", ".admin")
                .header("Destination", "mine/o2").header("Destination-Account", "AUTH_test2"));
        assertThat(reader.status).isEqualTo(403);
        assertThat(reader.text()).startsWith("Forbidden: test:tester may not PUT objects in the container 'mine'");
        assertThat(serve(owner("HEAD", TEST + "/shared/o2")).status).isEqualTo(404);
        assertThat(serve(owner("HEAD", TEST2 + "/mine/o2")).status).isEqualTo(404);
    }

    @Test
    void accountNamesAreCheckedAsSwiftsCheckAccountFormat() throws Exception {
        String[][] cases = {
            {"", "412", "Account name cannot be empty"},
            {"AUTH_a/b", "412", "Account name cannot contain slashes"},
            {"AUTH_a%2Fb", "412", "Account name cannot contain slashes"},
            {"AUTH_%zz", "400", "Invalid percent-encoding in the Destination-Account header"},
            {"AUTH_%FF", "412", "Invalid UTF8 or contains NULL"},
            {"A".repeat(257), "400", "Account name length of 257 longer than 256 bytes"},
        };
        for (String[] c : cases) {
            FakeHttp.Response copy = serve(owner("COPY", TEST + "/shared/o").header("Destination", "shared/o2")
                    .header("Destination-Account", c[0]));
            assertThat(copy.status).as(c[0]).isEqualTo(Integer.parseInt(c[1]));
            assertThat(copy.text()).as(c[0]).isEqualTo(c[2] + "\n");
        }
        // An empty X-Copy-From-Account names no other account, as in Swift.
        FakeHttp.Response put = serve(owner("PUT", TEST + "/shared/o3").header("X-Copy-From", "shared/o")
                .header("X-Copy-From-Account", "").body(""));
        assertThat(put.status).as(put.text()).isEqualTo(201);
        assertThat(put.header("X-Copied-From-Account")).isEqualTo("AUTH_test");
    }
}
