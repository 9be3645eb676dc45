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
