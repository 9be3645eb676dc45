package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** X-Delete-At and X-Delete-After read as Swift's check_delete_headers reads them. */
class ExpiryTest {

    /** 2026-12-06T16:00:00.250Z */
    private static final long NOW = 1_796_572_800_250L;
    private static final long NOW_SECONDS = NOW / 1000;

    private static long deleteAt(String header, String value) {
        return Expiry.deleteAt(new FakeHttp.Request().method("PUT").header(header, value).build(), NOW);
    }

    private static void refused(String header, String value, String body) {
        assertThatThrownBy(() -> deleteAt(header, value)).as("%s: %s", header, value)
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(400))
                .hasMessage(body);
    }

    @Test
    void deleteAtIsAWholeNumberOfSecondsAfterNow() {
        assertThat(deleteAt("X-Delete-At", Long.toString(NOW_SECONDS + 1))).isEqualTo(NOW_SECONDS + 1);
        assertThat(deleteAt("X-Delete-At", " +" + (NOW_SECONDS + 5) + " ")).isEqualTo(NOW_SECONDS + 5);
        assertThat(deleteAt("X-Delete-At", "123456789012345678901234567890")).as("capped at ten digits").isEqualTo(9_999_999_999L);
        assertThat(Expiry.deleteAt(new FakeHttp.Request().build(), NOW)).isEqualTo(Expiry.NEVER);

        refused("X-Delete-At", "", "Non-integer X-Delete-At");
        refused("X-Delete-At", "12.5", "Non-integer X-Delete-At");
        refused("X-Delete-At", "tomorrow", "Non-integer X-Delete-At");
        refused("X-Delete-At", Long.toString(NOW_SECONDS), "X-Delete-At in past");
        refused("X-Delete-At", "-5", "X-Delete-At in past");
    }

    @Test
    void deleteAfterBecomesADeleteAtAndWinsOverOne() {
        assertThat(deleteAt("X-Delete-After", "60")).isEqualTo(NOW_SECONDS + 60);
        assertThat(deleteAt("X-Delete-After", "1")).as("now.25 + 1 truncated is still after now").isEqualTo(NOW_SECONDS + 1);
        assertThat(Expiry.deleteAt(new FakeHttp.Request().header("X-Delete-At", "oops").header("X-Delete-After", "10").build(),
                NOW)).isEqualTo(NOW_SECONDS + 10);

        refused("X-Delete-After", "0", "X-Delete-After in past");
        refused("X-Delete-After", "-1", "X-Delete-After in past");
        refused("X-Delete-After", "1.5", "Non-integer X-Delete-After");
        refused("X-Delete-After", "", "Non-integer X-Delete-After");
    }

    @Test
    void anObjectHasExpiredFromItsSecondOn() {
        ObjectStore.StoredObject object = new ObjectStore.StoredObject("o", "d", 0, "e", "t", 0, java.util.Map.of(), null, 100,
                java.util.Map.of());

        assertThat(Expiry.expired(object, 99_999)).isFalse();
        assertThat(Expiry.expired(object, 100_000)).isTrue();
        assertThat(Expiry.header(100)).isEqualTo("0000000100");
    }
}
