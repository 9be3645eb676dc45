package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.junit.jupiter.api.Test;

import io.berth.example.objects.internal.Requests.Target;

/** Who may do what to an account, a container and its objects, and the ACL headers a container request sets. */
class AclsTest {

    private static final Target ACCOUNT = new Target("AUTH_test", null, null);
    private static final Target CONTAINER = new Target("AUTH_test", "c", null);
    private static final Target OBJECT = new Target("AUTH_test", "c", "o");

    private static Container container(String read, String write) {
        Map<String, String> meta = new LinkedHashMap<>();
        if (read != null) {
            meta.put("X-Container-Read", read);
        }
        if (write != null) {
            meta.put("X-Container-Write", write);
        }
        return new Container("c", Path.of("unused"), 0, meta);
    }

    private static HttpServletRequest user(String name, String... roles) {
        return new FakeHttp.Request().user(name, roles).build();
    }

    @Test
    void withoutAnAuthStageAndForAdminsEverythingIsAllowed() {
        for (HttpServletRequest owner : new HttpServletRequest[] {new FakeHttp.Request().build(), user("test:admin", ".admin"),
                user("reseller:boss", ".reseller_admin")}) {
            for (Target target : new Target[] {ACCOUNT, CONTAINER, OBJECT}) {
                assertThatCode(() -> Acls.authorize(owner, target, null, "DELETE")).doesNotThrowAnyException();
            }
            assertThat(Acls.isOwner(owner, "AUTH_test")).isTrue();
            assertThat(Acls.mayRead(owner, "AUTH_test", null)).isTrue();
        }
    }

    @Test
    void anAdminOfAnotherAccountOwnsNothingHereAndGetsWhatTheAclsGrant() {
        // tempauth lets test2's users through to test's containers and objects: the ACLs decide.
        HttpServletRequest otherAdmin = user("test2:tester2", ".admin");

        assertThat(Acls.isOwner(otherAdmin, "AUTH_test")).isFalse();
        assertThat(Acls.isOwner(otherAdmin, "AUTH_test2")).isTrue();
        assertThat(Acls.mayRead(otherAdmin, "AUTH_test", container(null, null))).isFalse();
        assertThatThrownBy(() -> Acls.authorize(otherAdmin, ACCOUNT, null, "GET"))
                .hasMessage("Forbidden: test2:tester2 may not GET the account AUTH_test: that needs .admin");
        assertThatThrownBy(() -> Acls.authorize(otherAdmin, CONTAINER, container("test2", "test2"), "DELETE"))
                .hasMessage("Forbidden: test2:tester2 may not DELETE the container 'c': that needs .admin");
        assertThatThrownBy(() -> Acls.authorize(otherAdmin, OBJECT, container(null, null), "GET"))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(403));
        assertThatCode(() -> Acls.authorize(otherAdmin, OBJECT, container("test2", "test2:tester2"), "PUT"))
                .doesNotThrowAnyException();
        assertThatCode(() -> Acls.authorize(otherAdmin, CONTAINER, container("test2:tester2", null), "GET"))
                .doesNotThrowAnyException();
    }

    @Test
    void aclEntriesNameUsersOfOtherAccountsByTheirGroupsAsSwiftsTempauthDoes() {
        // Swift's tempauth: an entry equal to one of the user's groups (account, account:user, its
        // configured groups, AUTH_account for an .admin). The wildcards are the app's own reading.
        HttpServletRequest tester2 = user("test2:tester2", "staff");
        HttpServletRequest admin2 = user("test2:admin", ".admin");
        for (String acl : new String[] {"test2:tester2", "test2", " x , test2 ", "staff", "test2:*", "*:tester2", "*"}) {
            assertThat(Acls.mayRead(tester2, "AUTH_test", container(acl, null))).as(acl).isTrue();
            assertThatCode(() -> Acls.authorize(tester2, OBJECT, container(null, acl), "DELETE")).as(acl)
                    .doesNotThrowAnyException();
        }
        for (String acl : new String[] {"test2:other", "other:tester2", "test", "test:tester2", "AUTH_test2", ".r:*",
            "test2:tester", "tester2"}) {
            assertThat(Acls.mayRead(tester2, "AUTH_test", container(acl, null))).as(acl).isFalse();
            assertThatThrownBy(() -> Acls.authorize(tester2, OBJECT, container(null, acl), "PUT")).as(acl)
                    .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(403));
        }
        assertThat(Acls.mayRead(admin2, "AUTH_test", container("AUTH_test2", null))).as("an .admin's storage account")
                .isTrue();
    }

    @Test
    void anAccountNeedsAdmin() {
        assertThatThrownBy(() -> Acls.authorize(user("test:reader"), ACCOUNT, null, "GET"))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(403))
                .hasMessage("Forbidden: test:reader may not GET the account AUTH_test: that needs .admin");
    }

    @Test
    void aContainerIsListedWithReadAndChangedOnlyByAdmins() {
        Container readable = container("test:reader", null);

        assertThatCode(() -> Acls.authorize(user("test:reader"), CONTAINER, readable, "GET")).doesNotThrowAnyException();
        assertThatCode(() -> Acls.authorize(user("test:reader"), CONTAINER, readable, "HEAD")).doesNotThrowAnyException();
        assertThatThrownBy(() -> Acls.authorize(user("test:other"), CONTAINER, readable, "GET"))
                .hasMessage("Forbidden: test:other may not list the container 'c': X-Container-Read does not name them");
        assertThatThrownBy(() -> Acls.authorize(user("test:reader"), CONTAINER, readable, "POST"))
                .hasMessage("Forbidden: test:reader may not POST the container 'c': that needs .admin");
        assertThatThrownBy(() -> Acls.authorize(user("test:reader"), CONTAINER, null, "GET"))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(403));
    }

    @Test
    void objectsAreReadWithReadAndWrittenWithWrite() {
        Container shared = container("test:reader", "test:writer");

        assertThatCode(() -> Acls.authorize(user("test:reader"), OBJECT, shared, "GET")).doesNotThrowAnyException();
        assertThatCode(() -> Acls.authorize(user("test:writer"), OBJECT, shared, "PUT")).doesNotThrowAnyException();
        assertThatThrownBy(() -> Acls.authorize(user("test:reader"), OBJECT, shared, "DELETE"))
                .hasMessage("Forbidden: test:reader may not DELETE objects in the container 'c': X-Container-Write does not name them");
        assertThatThrownBy(() -> Acls.authorize(user("test:writer"), OBJECT, shared, "HEAD"))
                .hasMessage("Forbidden: test:writer may not HEAD objects in the container 'c': X-Container-Read does not name them");
        // A container that does not exist grants nothing: its absence is not told to those who may not read it.
        assertThatThrownBy(() -> Acls.authorize(user("test:reader"), OBJECT, null, "GET"))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(403));
    }

    private static HttpServletRequest anonymous(String referer) {
        FakeHttp.Request request = new FakeHttp.Request().anonymous();
        if (referer != null) {
            request.header("Referer", referer);
        }
        return request.build();
    }

    @Test
    void anAnonymousRequestReadsObjectsWhereAReferrerAclAdmitsItAndListsOnlyWithRlistings() {
        Container pub = container(".r:*", null);
        Container listed = container(".r:.example.com,.r:-blocked.example.com,.rlistings", null);

        assertThatCode(() -> Acls.authorize(anonymous(null), OBJECT, pub, "GET")).doesNotThrowAnyException();
        assertThatCode(() -> Acls.authorize(anonymous(null), OBJECT, pub, "HEAD")).doesNotThrowAnyException();
        assertThatThrownBy(() -> Acls.authorize(anonymous(null), CONTAINER, pub, "GET")).as("no .rlistings")
                .isInstanceOfSatisfying(SwiftException.class, e -> {
                    assertThat(e.status).isEqualTo(401);
                    assertThat(e.challenge).isEqualTo("Swift realm=\"AUTH_test\"");
                })
                .hasMessage("Unauthorized: tempauth needs a valid X-Auth-Token");
        assertThatCode(() -> Acls.authorize(anonymous("http://www.example.com/"), CONTAINER, listed, "GET"))
                .doesNotThrowAnyException();
        assertThat(Acls.mayRead(anonymous("http://www.example.com/"), "AUTH_test", listed)).as("a DLO's segments are listed so").isTrue();
        assertThatThrownBy(() -> Acls.authorize(anonymous("http://blocked.example.com/"), OBJECT, listed, "GET"))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(401));
        assertThat(Acls.mayRead(anonymous(null), "AUTH_test", pub)).isFalse();
        assertThat(Acls.isOwner(anonymous(null), "AUTH_test")).as("an anonymous request sees no ACLs").isFalse();
    }

    @Test
    void anAnonymousRequestGetsNothingElse() {
        Container pub = container(".r:*,.rlistings,*", "*");

        for (String method : new String[] {"PUT", "POST", "DELETE"}) {
            assertThatThrownBy(() -> Acls.authorize(anonymous(null), OBJECT, pub, method)).as(method)
                    .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(401));
        }
        assertThatThrownBy(() -> Acls.authorize(anonymous(null), ACCOUNT, null, "GET"))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(401));
        assertThatThrownBy(() -> Acls.authorize(anonymous(null), OBJECT, container("test:reader", null), "GET"))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(401));
        assertThatThrownBy(() -> Acls.authorize(anonymous(null), OBJECT, null, "GET")).as("no container")
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(401));
    }

    @Test
    void aUserTheAclDoesNotNameReadsWhereTheReferrerAclAdmitsThem() {
        Container pub = container(".r:*", null);

        assertThatCode(() -> Acls.authorize(user("test:other"), OBJECT, pub, "GET")).doesNotThrowAnyException();
        assertThatThrownBy(() -> Acls.authorize(user("test:other"), CONTAINER, pub, "GET"))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(403));
    }

    @Test
    void aContainerRequestSetsTrimsAndRemovesItsAcls() {
        Map<String, String> meta = new LinkedHashMap<>();
        Acls.fromHeaders(new FakeHttp.Request().header("X-Container-Read", " test:reader , .r:*.example.com")
                .header("X-Remove-Container-Write", "x").build(), meta);

        assertThat(meta).containsExactly(Map.entry("X-Container-Read", "test:reader,.r:.example.com"),
                Map.entry("X-Container-Write", ""));
    }

    @Test
    void anAclIsCleanedAsSwiftsCleanAclDoes() {
        assertThat(Acls.clean(Acls.READ, " .r:*.example.com, .ref: - bad.example.com ,,test:reader, .rlistings"))
                .isEqualTo(".r:.example.com,.r:-bad.example.com,test:reader,.rlistings");
        assertThat(Acls.clean(Acls.READ, ".referrer:*")).isEqualTo(".r:*");
        assertThat(Acls.clean(Acls.READ, "")).isEmpty();

        assertThatThrownBy(() -> Acls.clean(Acls.WRITE, "test:writer,.r:*"))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(400))
                .hasMessage("Referrers not allowed in write ACL: '.r:*'");
        assertThatThrownBy(() -> Acls.clean(Acls.READ, ".r:")).hasMessage("No host/domain value after referrer designation in ACL: '.r:'");
        assertThatThrownBy(() -> Acls.clean(Acls.READ, ".r:-*.")).hasMessage("No host/domain value after referrer designation in ACL: '.r:-*.'");
        assertThatThrownBy(() -> Acls.clean(Acls.READ, ".x:y")).hasMessage("Unknown designator '.x' in ACL: '.x:y'");
        assertThatThrownBy(() -> Acls.clean(Acls.READ, ".x:it's")).hasMessage("Unknown designator '.x' in ACL: \".x:it's\"");
    }

    @Test
    void aclsAreShownOnlyToOwners() {
        assertThat(Acls.shows("X-Container-Read", true)).isTrue();
        assertThat(Acls.shows("X-Container-Read", false)).isFalse();
        assertThat(Acls.shows("X-Container-Write", false)).isFalse();
        assertThat(Acls.shows("X-Container-Meta-Color", false)).isTrue();
    }
}
