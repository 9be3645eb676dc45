package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** Which storage account a user owns: the role the objects app takes for its owner. */
class TempAuthUserTest {

    private final Map<String, TempAuthUser> users = TempAuthUser.parse(Map.of(
            "user_test_tester", "k3y-1 .admin",
            "user_test_tester3", "k3y-3 staff",
            "user_far_away", "k3y-far .admin http://store.example.com:8080/v1/AUTH_elsewhere",
            "user_admin_admin", "k3y-admin .reseller_admin"));

    @Test
    void anAdminOwnsItsAccountUnderThePrefixAndTheOneItsStorageUrlNames() {
        assertThat(users.get("test:tester").owns("AUTH_", "AUTH_test")).isTrue();
        assertThat(users.get("far:away").owns("AUTH_", "AUTH_far")).isTrue();
        assertThat(users.get("far:away").owns("AUTH_", "AUTH_elsewhere")).isTrue();
        // The same as Swift's groups for a token in memcache.
        assertThat(users.get("far:away").swiftGroups("AUTH_")).isEqualTo("far,far:away,AUTH_far,AUTH_elsewhere");
    }

    @Test
    void noUserOwnsAnotherAccountAndOnlyAdminsOwnTheirs() {
        assertThat(users.get("test:tester").owns("AUTH_", "AUTH_test2")).isFalse();
        assertThat(users.get("test:tester").owns("AUTH_", "test")).isFalse();
        assertThat(users.get("test:tester3").owns("AUTH_", "AUTH_test")).as("no .admin").isFalse();
        assertThat(users.get("admin:admin").owns("AUTH_", "AUTH_test")).as("a reseller admin, by its own role").isFalse();
    }
}
