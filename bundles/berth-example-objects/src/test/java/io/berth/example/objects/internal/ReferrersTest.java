package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Referrer ACLs read and applied as Swift's acl.py parse_acl and referrer_allowed do. */
class ReferrersTest {

    @Test
    void readsTheReferrerEntriesAndRlistingsAndIgnoresTheUsers() {
        Referrers referrers = Referrers.of("test:reader,.r:example.com, .r:-bad.example.com,.rlistings");

        assertThat(referrers.hosts()).containsExactly("example.com", "-bad.example.com");
        assertThat(referrers.listings()).isTrue();
        assertThat(Referrers.of(null)).isEqualTo(Referrers.NONE);
        assertThat(Referrers.of("test:reader").allow("http://example.com/")).isFalse();
    }

    @Test
    void aStarAdmitsAnyoneEvenWithoutAReferer() {
        Referrers any = Referrers.of(".r:*");

        assertThat(any.allow(null)).isTrue();
        assertThat(any.allow("not a url at all")).isTrue();
        assertThat(any.listings()).isFalse();
    }

    @Test
    void aHostMatchesExactlyADotNameByItsEndAndAMinusTakesBackWhatCameBefore() {
        Referrers exact = Referrers.of(".r:example.com");
        assertThat(exact.allow("http://example.com/page")).isTrue();
        assertThat(exact.allow("https://User@EXAMPLE.com:8443/x")).as("hostname: lower case, no user or port").isTrue();
        assertThat(exact.allow("http://www.example.com/")).isFalse();
        assertThat(exact.allow("http://evilexample.com/")).isFalse();
        assertThat(exact.allow(null)).isFalse();

        Referrers domain = Referrers.of(".r:.example.com");
        assertThat(domain.allow("http://www.example.com/")).isTrue();
        assertThat(domain.allow("http://example.com/")).as("'.example.com' is not a suffix of 'example.com'").isFalse();

        Referrers blocked = Referrers.of(".r:*,.r:-blocked.example.com");
        assertThat(blocked.allow("http://blocked.example.com/")).isFalse();
        assertThat(blocked.allow("http://other.example.com/")).isTrue();
        assertThat(Referrers.of(".r:-blocked.example.com,.r:*").allow("http://blocked.example.com/"))
                .as("a later entry wins, in order").isTrue();
    }

    @Test
    void theHostIsWhatPythonsUrlparseCallsTheHostname() {
        assertThat(Referrers.host("http://Example.COM:80/a?b")).isEqualTo("example.com");
        assertThat(Referrers.host("http://[::1]:8080/")).isEqualTo("::1");
        assertThat(Referrers.host("example.com/no-scheme")).isEqualTo("unknown");
        assertThat(Referrers.host("")).isEqualTo("unknown");
    }
}
