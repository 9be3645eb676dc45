package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** If-Match, If-None-Match, If-Modified-Since and If-Unmodified-Since as Swift orders them; If-None-Match: * on a write. */
class PreconditionsTest {

    private static final String ETAG = "\"0cc175b9c0f1b6a831c399e269772661\"";
    private static final String BARE = "0cc175b9c0f1b6a831c399e269772661";
    /** Sun, 06 Dec 2026 10:00:00 GMT */
    private static final long MODIFIED = 1796551200L;

    @Test
    void noConditionsSendTheContent() {
        FakeHttp.Response response = new FakeHttp.Response();

        assertThat(Preconditions.forRead(new FakeHttp.Request().build(), response.build(), ETAG, MODIFIED)).isTrue();
        assertThat(response.status).isEqualTo(200);
    }

    @Test
    void ifMatchThatDoesNotMatchIs412NamingTheEtag() {
        FakeHttp.Request request = new FakeHttp.Request().header("If-Match", "\"other\"");

        assertThatThrownBy(() -> Preconditions.forRead(request.build(), new FakeHttp.Response().build(), ETAG, MODIFIED))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(412))
                .hasMessage("Precondition Failed: ETag " + BARE + " does not match If-Match");
        assertThat(Preconditions.forRead(new FakeHttp.Request().header("If-Match", "x, " + ETAG).build(),
                new FakeHttp.Response().build(), ETAG, MODIFIED)).isTrue();
    }

    @Test
    void ifNoneMatchThatMatchesIs304() {
        for (String header : new String[] {ETAG, BARE, "W/" + ETAG, "\"a\", " + ETAG.toUpperCase(), "*"}) {
            FakeHttp.Response response = new FakeHttp.Response();

            assertThat(Preconditions.forRead(new FakeHttp.Request().header("If-None-Match", header).build(), response.build(),
                    ETAG, MODIFIED)).as(header).isFalse();
            assertThat(response.status).as(header).isEqualTo(304);
        }
        assertThat(Preconditions.forRead(new FakeHttp.Request().header("If-None-Match", "\"a\"").build(),
                new FakeHttp.Response().build(), ETAG, MODIFIED)).isTrue();
    }

    @Test
    void ifModifiedSinceIs304WhenNotModifiedAndIsIgnoredBesideIfNoneMatchOrWhenNotADate() {
        FakeHttp.Response response = new FakeHttp.Response();
        assertThat(Preconditions.forRead(new FakeHttp.Request().header("If-Modified-Since", "Sun, 06 Dec 2026 10:00:00 GMT")
                .build(), response.build(), ETAG, MODIFIED)).isFalse();
        assertThat(response.status).isEqualTo(304);

        assertThat(Preconditions.forRead(new FakeHttp.Request().header("If-Modified-Since", "Sun, 06 Dec 2026 09:59:59 GMT")
                .build(), new FakeHttp.Response().build(), ETAG, MODIFIED)).isTrue();
        assertThat(Preconditions.forRead(new FakeHttp.Request().header("If-Modified-Since", "Sun, 06 Dec 2026 10:00:00 GMT")
                .header("If-None-Match", "\"a\"").build(), new FakeHttp.Response().build(), ETAG, MODIFIED)).isTrue();
        assertThat(Preconditions.forRead(new FakeHttp.Request().header("If-Modified-Since", "yesterday").build(),
                new FakeHttp.Response().build(), ETAG, MODIFIED)).isTrue();
    }

    @Test
    void ifUnmodifiedSinceIs412WhenModifiedAfter() {
        FakeHttp.Request modified = new FakeHttp.Request().header("If-Unmodified-Since", " Sun, 06 Dec 2026 09:59:59 GMT ");

        assertThatThrownBy(() -> Preconditions.forRead(modified.build(), new FakeHttp.Response().build(), ETAG, MODIFIED))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(412))
                .hasMessage("Precondition Failed: modified since Sun, 06 Dec 2026 09:59:59 GMT");
        assertThat(Preconditions.forRead(new FakeHttp.Request().header("If-Unmodified-Since", "Sun, 06 Dec 2026 10:00:00 GMT")
                .build(), new FakeHttp.Response().build(), ETAG, MODIFIED)).isTrue();
    }

    /** Swift's swob reads these with Python's email.utils.parsedate, which takes all three of HTTP's date forms. */
    @Test
    void datesAreTakenInRfc1123Rfc850AndAsctimeForms() {
        for (String same : new String[] {"Sun, 06 Dec 2026 10:00:00 GMT", "Sunday, 06-Dec-26 10:00:00 GMT",
                "Sun Dec  6 10:00:00 2026", "Sun Dec 6 10:00:00 2026", "sun, 6 dec 2026 10:00:00 GMT"}) {
            FakeHttp.Response response = new FakeHttp.Response();
            assertThat(Preconditions.forRead(new FakeHttp.Request().header("If-Modified-Since", same).build(),
                    response.build(), ETAG, MODIFIED)).as(same).isFalse();
            assertThat(response.status).as(same).isEqualTo(304);
        }
        for (String before : new String[] {"Sun, 06 Dec 2026 09:59:59 GMT", "Sunday, 06-Dec-26 09:59:59 GMT",
                "Sun Dec  6 09:59:59 2026"}) {
            assertThatThrownBy(() -> Preconditions.forRead(new FakeHttp.Request().header("If-Unmodified-Since", before).build(),
                    new FakeHttp.Response().build(), ETAG, MODIFIED)).as(before)
                    .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(412));
        }
    }

    @Test
    void dateFormsReadAsPythonsParsedateDoes() {
        assertThat(Times.parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT")).isEqualTo(784111777L);
        assertThat(Times.parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT")).isEqualTo(784111777L);
        assertThat(Times.parseHttpDate("Sun Nov  6 08:49:37 1994")).isEqualTo(784111777L);
        // Two-digit years: 69 to 99 in the 1900s, 00 to 68 in the 2000s
        assertThat(Times.parseHttpDate("Thursday, 01-Jan-70 00:00:00 GMT")).isEqualTo(0L);
        assertThat(Times.parseHttpDate("Sunday, 01-Jan-68 00:00:00 GMT")).isEqualTo(3092601600L);
        // The weekday is not checked, a zone not applied, as parsedate does neither
        assertThat(Times.parseHttpDate("Mon, 06 Nov 1994 08:49:37 +0100")).isEqualTo(784111777L);
        for (String notADate : new String[] {"yesterday", "", "Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
                "1994-11-06T08:49:37Z", "Sun Nov  6 08:49:37"}) {
            assertThat(Times.parseHttpDate(notADate)).as(notADate).isEqualTo(-1L);
        }
    }

    @Test
    void aWriteTakesOnlyIfNoneMatchStar() {
        assertThat(Preconditions.mustNotExist(new FakeHttp.Request().build())).isFalse();
        assertThat(Preconditions.mustNotExist(new FakeHttp.Request().header("If-None-Match", " * ").build())).isTrue();
        assertThatThrownBy(() -> Preconditions.mustNotExist(new FakeHttp.Request().header("If-None-Match", ETAG).build()))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(400))
                .hasMessage("If-None-Match only supports *");
        assertThat(Preconditions.exists("o")).hasMessage("Precondition Failed: 'o' exists (If-None-Match: *)");
    }
}
