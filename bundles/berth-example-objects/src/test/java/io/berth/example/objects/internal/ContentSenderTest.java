package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

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

    /** A copy reads the document through a stream, in pieces that cut parts anywhere: every cut gives the same bytes. */
    @Test
    void theMultipartDocumentReadsTheSameFromAnyOffset() throws Exception {
        BytesContent digits = new BytesContent(DIGITS);
        ByteRanges document = new ByteRanges(digits, "text/plain", List.of(new long[] {0, 2}, new long[] {5, 6}, new long[] {8, 10}));
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        document.write(whole, 0, document.size());
        assertThat(whole.size()).isEqualTo(document.size());
        String expected = whole.toString(StandardCharsets.ISO_8859_1);
        assertThat(expected).contains("Content-Range: bytes 5-5/10\r\n\r\n5\r\n").endsWith("--");

        for (int from = 0; from < document.size(); from++) {
            for (int length = 0; from + length <= document.size(); length += 7) {
                ByteArrayOutputStream part = new ByteArrayOutputStream();
                document.write(part, from, length);
                assertThat(part.toString(StandardCharsets.ISO_8859_1)).as(from + "+" + length)
                        .isEqualTo(expected.substring(from, from + length));
            }
        }
        assertThat(new String(document.stream().readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo(expected);
        assertThat(new String(new ContentSlice(digits, 3, 4).stream().readAllBytes(), StandardCharsets.ISO_8859_1))
                .isEqualTo("3456");
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
