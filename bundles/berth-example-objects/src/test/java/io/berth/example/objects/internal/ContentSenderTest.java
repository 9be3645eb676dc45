package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What a Range makes of a content: 200 whole, 206 with one range or multipart/byteranges, 416. */
class ContentSenderTest {

    private static final String DIGITS = "0123456789";

    private static FakeHttp.Response send(FakeHttp.Request request, Content content, boolean dlo) throws Exception {
        FakeHttp.Response response = new FakeHttp.Response();
        ContentSender.send(request.build(), response.build(), content, "text/plain", dlo);
        return response;
    }

    private static FakeHttp.Request range(String header) {
        return new FakeHttp.Request().header("Range", header);
    }

    @Test
    void withoutARangeOrWithOneSwobIgnoresTheWholeIsSent() throws Exception {
        for (FakeHttp.Request request : new FakeHttp.Request[] {new FakeHttp.Request(), range("bytes=a-b"), range("lines=1-2")}) {
            FakeHttp.Response whole = send(request, new BytesContent(DIGITS), false);

            assertThat(whole.status).isEqualTo(200);
            assertThat(whole.contentLength).isEqualTo(10);
            assertThat(whole.text()).isEqualTo(DIGITS);
        }
    }

    @Test
    void oneRangeIs206WithItsContentRange() throws Exception {
        FakeHttp.Response suffix = send(range("bytes=-3"), new BytesContent(DIGITS), false);

        assertThat(suffix.status).isEqualTo(206);
        assertThat(suffix.header("Content-Range")).isEqualTo("bytes 7-9/10");
        assertThat(suffix.contentLength).isEqualTo(3);
        assertThat(suffix.text()).isEqualTo("789");
        assertThat(send(range("bytes=2-100"), new BytesContent(DIGITS), false).text()).isEqualTo("23456789");
    }

    @Test
    void severalRangesAreMultipartWithALengthThatIsTheBodys() throws Exception {
        FakeHttp.Response multi = send(range("bytes=0-1,8-"), new BytesContent(DIGITS), false);

        assertThat(multi.status).isEqualTo(206);
        assertThat(multi.contentType).matches("multipart/byteranges;boundary=[0-9a-f]{32}");
        String boundary = multi.contentType.substring(multi.contentType.indexOf('=') + 1);
        assertThat(multi.text()).isEqualTo("--" + boundary + "\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/10\r\n\r\n01\r\n"
                + "--" + boundary + "\r\nContent-Type: text/plain\r\nContent-Range: bytes 8-9/10\r\n\r\n89\r\n"
                + "--" + boundary + "--");
        assertThat(multi.contentLength).isEqualTo(multi.body.size());
    }

    @Test
    void aDloIsSentWholeForSeveralRangesReadingItsSegmentsOnce() throws Exception {
        BytesContent dlo = new BytesContent(DIGITS);
        FakeHttp.Response whole = send(range("bytes=0-1,8-"), dlo, true);

        assertThat(whole.status).isEqualTo(200);
        assertThat(whole.text()).isEqualTo(DIGITS);
        assertThat(dlo.writes).isEqualTo(1);
        assertThat(send(range("bytes=0-1"), new BytesContent(DIGITS), true).status).isEqualTo(206);
    }

    @Test
    void anUnsatisfiableRangeIs416AndLeavesItsContentRangeForTheErrorAnswer() {
        FakeHttp.Response response = new FakeHttp.Response();

        assertThatThrownBy(() -> ContentSender.send(range("bytes=10-").build(), response.build(), new BytesContent(DIGITS),
                "text/plain", false))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(416))
                .hasMessage("Requested Range Not Satisfiable: the object holds 10 bytes");
        assertThat(response.header("Content-Range")).isEqualTo("bytes */10");
    }

    @Test
    void aSuffixRangeOfAnEmptyBodyIsTheWholeEmptyBody() throws Exception {
        FakeHttp.Response empty = send(range("bytes=-5"), new BytesContent(""), false);

        assertThat(empty.status).isEqualTo(200);
        assertThat(empty.contentLength).isZero();
    }

    @Test
    void aHeadGetsTheStatusAndHeadersWithoutTheBody() throws Exception {
        BytesContent content = new BytesContent(DIGITS);
        FakeHttp.Response one = send(range("bytes=1-2").method("HEAD"), content, false);
        FakeHttp.Response multi = send(range("bytes=1-2,5-6").method("HEAD"), content, false);
        FakeHttp.Response whole = send(new FakeHttp.Request().method("HEAD"), content, false);

        assertThat(one.status).isEqualTo(206);
        assertThat(one.contentLength).isEqualTo(2);
        assertThat(multi.status).isEqualTo(206);
        assertThat(multi.contentLength).isPositive();
        assertThat(whole.status).isEqualTo(200);
        assertThat(whole.contentLength).isEqualTo(10);
        assertThat(content.writes).isZero();
        assertThat(one.body.size() + multi.body.size() + whole.body.size()).isZero();
    }
}
