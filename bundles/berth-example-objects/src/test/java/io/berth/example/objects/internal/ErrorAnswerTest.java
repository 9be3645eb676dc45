package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.Test;

/** The error answer: over what the app began, keeping the stages' headers, closing the connection when the body stays unread. */
class ErrorAnswerTest {

    @Test
    void replacesWhatTheAppBeganButKeepsTheStagesHeaders() throws Exception {
        FakeHttp.Response recorded = new FakeHttp.Response();
        HttpServletResponse response = recorded.build();
        response.setHeader("X-Trans-Id", "tx1");
        ErrorAnswer answer = ErrorAnswer.keeping(response);
        response.setHeader("ETag", "\"from the app\"");
        response.setStatus(206);

        answer.send(new FakeHttp.Request().build(), response, 404, "Container 'c' not found", false);

        assertThat(recorded.status).isEqualTo(404);
        assertThat(recorded.headers).containsOnlyKeys("X-Trans-Id");
        assertThat(recorded.contentType).isEqualTo("text/html; charset=UTF-8");
        assertThat(recorded.text()).isEqualTo("Container 'c' not found\n");
        assertThat(recorded.contentLength).isEqualTo(recorded.body.size());
    }

    /** Swift's types: text/plain for what constraints.py refuses (400, 413), swob's HTML for the rest. */
    @Test
    void errorsAreTypedAsSwiftTypesThemAndHtmlIsEscaped() throws Exception {
        for (int status : new int[] {400, 401, 403, 404, 405, 409, 411, 412, 413, 416, 422, 500}) {
            FakeHttp.Response recorded = new FakeHttp.Response();
            HttpServletResponse response = recorded.build();
            ErrorAnswer.keeping(response).send(new FakeHttp.Request().build(), response, status,
                    "Object '<b>&amp;' not found", false);

            if (status == 400 || status == 413) {
                assertThat(recorded.contentType).as("" + status).isEqualTo("text/plain; charset=utf-8");
                assertThat(recorded.text()).isEqualTo("Object '<b>&amp;' not found\n");
            } else {
                assertThat(recorded.contentType).as("" + status).isEqualTo("text/html; charset=UTF-8");
                assertThat(recorded.text()).isEqualTo("Object '&lt;b&gt;&amp;amp;' not found\n");
            }
        }
    }

    @Test
    void a416KeepsTheContentRangeThatNamesTheLength() throws Exception {
        FakeHttp.Response recorded = new FakeHttp.Response();
        HttpServletResponse response = recorded.build();
        ErrorAnswer answer = ErrorAnswer.keeping(response);
        response.setHeader("Content-Range", "bytes */10");

        answer.send(new FakeHttp.Request().build(), response, 416, "Requested Range Not Satisfiable", false);

        assertThat(recorded.header("Content-Range")).isEqualTo("bytes */10");
    }

    @Test
    void a412Or416KeepsTheEtagAndLastModifiedOfTheObjectFound() throws Exception {
        for (int status : new int[] {412, 416}) {
            FakeHttp.Response recorded = new FakeHttp.Response();
            HttpServletResponse response = recorded.build();
            ErrorAnswer answer = ErrorAnswer.keeping(response);
            response.setHeader("ETag", "\"abc\"");
            response.setHeader("Last-Modified", "Sun, 06 Dec 2026 10:00:00 GMT");
            response.setHeader("X-Object-Meta-Color", "blue");

            answer.send(new FakeHttp.Request().build(), response, status, "Precondition Failed", false);

            assertThat(recorded.status).isEqualTo(status);
            assertThat(recorded.headers).as("" + status).containsOnlyKeys("ETag", "Last-Modified");
            assertThat(recorded.header("ETag")).isEqualTo("\"abc\"");
        }
    }

    @Test
    void aResponseAlreadyBegunIsLeftAlone() throws Exception {
        FakeHttp.Response recorded = new FakeHttp.Response();
        HttpServletResponse response = recorded.build();
        ErrorAnswer answer = ErrorAnswer.keeping(response);
        response.getOutputStream().write('x');

        answer.send(new FakeHttp.Request().build(), response, 500, "Internal Server Error", false);

        assertThat(recorded.status).isEqualTo(200);
        assertThat(recorded.text()).isEqualTo("x");
    }

    @Test
    void aSmallUnreadBodyIsDrainedSoTheConnectionStaysAndALargeOneClosesIt() throws Exception {
        FakeHttp.Response small = new FakeHttp.Response();
        ErrorAnswer.keeping(small.build()).send(new FakeHttp.Request().body("small").build(), small.build(), 403, "Forbidden", false);
        assertThat(small.header("Connection")).isNull();

        FakeHttp.Response large = new FakeHttp.Response();
        ErrorAnswer.keeping(large.build()).send(new FakeHttp.Request().body("x").contentLength(64 * 1024 + 1).build(),
                large.build(), 403, "Forbidden", false);
        assertThat(large.header("Connection")).isEqualTo("close");

        FakeHttp.Response chunked = new FakeHttp.Response();
        ErrorAnswer.keeping(chunked.build()).send(new FakeHttp.Request().body("x").contentLength(-1)
                        .header("Transfer-Encoding", "chunked").build(),
                chunked.build(), 403, "Forbidden", false);
        assertThat(chunked.header("Connection")).isEqualTo("close");

        FakeHttp.Response none = new FakeHttp.Response();
        ErrorAnswer.keeping(none.build()).send(new FakeHttp.Request().contentLength(-1).build(), none.build(), 404,
                "Not Found", false);
        assertThat(none.header("Connection")).as("no length and not chunked: no body to read").isNull();
    }

    @Test
    void anUnreadableBodyIs408AfterATimeoutElse400SayingWhatBrokeAndClosesTheConnection() throws Exception {
        FakeHttp.Response slow = unreadable(new FakeHttp.Request().body("x").contentLength(100),
                new BodyReadException("idle", 40, new IOException(new TimeoutException("idle"))));
        assertThat(slow.status).isEqualTo(408);
        assertThat(slow.text()).isEqualTo("Request Timeout: no more of the body came after 40 bytes, for longer than the server"
                + " waits on an idle connection; nothing was stored\n");
        assertThat(slow.header("Connection")).isEqualTo("close");

        FakeHttp.Response chunked = unreadable(new FakeHttp.Request().contentLength(-1),
                new BodyReadException("Early EOF", 7, new IOException("Early EOF")));
        assertThat(chunked.status).isEqualTo(400);
        assertThat(chunked.text()).startsWith("Bad Request: malformed chunked body: it broke off after 7 bytes, where a chunk size")
                .endsWith("; nothing was stored\n");

        FakeHttp.Response cut = unreadable(new FakeHttp.Request().contentLength(100),
                new BodyReadException("Early EOF", 60, new IOException("Early EOF")));
        assertThat(cut.status).isEqualTo(400);
        assertThat(cut.text()).isEqualTo("Bad Request: the body ended after 60 of its 100 bytes (Content-Length), with the"
                + " connection; nothing was stored\n");
        assertThat(cut.header("Connection")).isEqualTo("close");
    }

    private static FakeHttp.Response unreadable(FakeHttp.Request request, BodyReadException failure) throws Exception {
        FakeHttp.Response recorded = new FakeHttp.Response();
        ErrorAnswer.keeping(recorded.build()).unreadableBody(request.build(), recorded.build(), failure);
        return recorded;
    }
}
