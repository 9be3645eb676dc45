package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HeaderPatternsTest {

    private static final HeaderPatterns SWIFT = HeaderPatterns.parse("k", new String[] {"X-Backend-*", "X-*-Sysmeta-*"});

    @Test
    void matchesSwiftsInternalHeadersWhateverTheirCase() {
        assertThat(SWIFT.matches("X-Backend-Storage-Policy-Index")).isTrue();
        assertThat(SWIFT.matches("x-backend-")).isTrue();
        assertThat(SWIFT.matches("X-BACKEND-ETAG")).isTrue();
        assertThat(SWIFT.matches("X-Account-Sysmeta-Quota")).isTrue();
        assertThat(SWIFT.matches("x-container-sysmeta-")).isTrue();
        assertThat(SWIFT.matches("X-Object-Transient-Sysmeta-Crypto-Meta")).isTrue();
    }

    @Test
    void leavesEverythingElse() {
        assertThat(SWIFT.matches("X-Backend")).isFalse();
        assertThat(SWIFT.matches("X-Backendx")).isFalse();
        assertThat(SWIFT.matches("X-Object-Meta-Color")).isFalse();
        assertThat(SWIFT.matches("X-Sysmeta-Foo")).isFalse();
        assertThat(SWIFT.matches("X-Object-Sysmeta")).isFalse();
        assertThat(SWIFT.matches("My-X-Backend-Foo")).isFalse();
        assertThat(SWIFT.matches("Host")).isFalse();
        assertThat(SWIFT.matches("")).isFalse();
        assertThat(SWIFT.matches(null)).isFalse();
        assertThat(SWIFT.matches("\u00e9X-Backend-")).isFalse();
    }

    @Test
    void aPatternWithoutStarIsOneName() {
        HeaderPatterns exact = HeaderPatterns.parse("k", new String[] {"X-Auth-Token"});

        assertThat(exact.matches("x-auth-token")).isTrue();
        assertThat(exact.matches("X-Auth-Token-Extra")).isFalse();
        assertThat(exact.matches("X-Auth-Toke")).isFalse();
    }

    @Test
    void starsAnywhere() {
        HeaderPatterns patterns = HeaderPatterns.parse("k", new String[] {"*-Secret", "A*B*C"});

        assertThat(patterns.matches("X-Secret")).isTrue();
        assertThat(patterns.matches("y-SECRET")).isTrue();
        assertThat(patterns.matches("-Secret")).isTrue();
        assertThat(patterns.matches("Secret")).isFalse();
        assertThat(patterns.matches("ABC")).isTrue();
        assertThat(patterns.matches("aXbYbZc")).isTrue();
        assertThat(patterns.matches("ABCB")).isFalse();
        assertThat(patterns.matches("AC")).isFalse();
        assertThat(patterns.matches("ABC-Secret-")).isFalse();
    }

    @Test
    void noPatternsMatchNothing() {
        HeaderPatterns none = HeaderPatterns.parse("k", new String[0]);

        assertThat(none.isEmpty()).isTrue();
        assertThat(none.matches("X-Backend-Foo")).isFalse();
    }

    @Test
    void duplicatesAndRepeatedStarsCollapse() {
        assertThat(HeaderPatterns.parse("k", new String[] {"X-A-**", "x-a-*"})).hasToString("x-a-*");
    }

    @Test
    void rejectsWhatCannotBeAHeaderName() {
        assertThatThrownBy(() -> HeaderPatterns.parse("remove_request_headers", new String[] {"X-Backend:"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("remove_request_headers: 'X-Backend:' is not a header name pattern; use letters, "
                        + "digits and !#$%&'+-.^_`|~, with * for any run of characters");
        assertThatThrownBy(() -> HeaderPatterns.parse("k", new String[] {"X-\u00c9t\u00e9"}))
                .hasMessageStartingWith("k: 'X-\u00c9t\u00e9' is not a header name pattern");
    }

    @Test
    void rejectsAPatternRemovingEverything() {
        assertThatThrownBy(() -> HeaderPatterns.parse("remove_response_headers", new String[] {"X-A-*", "**"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("remove_response_headers: '**' would remove every header");
    }
}
