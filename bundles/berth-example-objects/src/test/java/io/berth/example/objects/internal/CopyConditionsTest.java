package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.berth.api.StageSettings;

/**
 * A copy's Range and conditions, which Swift's copy middleware sends with its GET of the source:
 * they hold for the source, so a Range copies a part (several, the multipart document the GET
 * would answer) and a failed condition is the copy's answer.
 */
class CopyConditionsTest {

    private static final String C = "/v1/AUTH_test/c";
    private static final String DIGITS = "0123456789";

    @TempDir
    Path root;

    private ObjectsServlet servlet;
    private String etag;

    @BeforeEach
    void servlet() throws Exception {
        servlet = new ObjectsServlet(ObjectStore.open(root),
                StageSettings.of(ObjectsApp.Config.class, ObjectsApp.NAME, Map.of("root", root.toString())));
        assertThat(serve(request("PUT", C)).status).isEqualTo(201);
        FakeHttp.Response put = serve(request("PUT", C + "/src").header("Content-Type", "text/x-digits").body(DIGITS));
        assertThat(put.status).isEqualTo(201);
        etag = put.header("ETag");
    }

    private FakeHttp.Response serve(FakeHttp.Request request) throws Exception {
        FakeHttp.Response response = new FakeHttp.Response();
        servlet.service(request.build(), response.build());
        return response;
    }

    private static FakeHttp.Request request(String method, String path) {
        return new FakeHttp.Request().method(method).path(path);
    }

    private FakeHttp.Response get(String path) throws Exception {
        return serve(request("GET", C + path));
    }

    @Test
    void aRangeCopiesThePartAsCopyAndAsXCopyFrom() throws Exception {
        FakeHttp.Response copy = serve(request("COPY", C + "/src").header("Destination", "c/part").header("Range", "bytes=2-4"));
        assertThat(copy.status).isEqualTo(201);
        assertThat(get("/part").text()).isEqualTo("234");
        assertThat(get("/part").header("Content-Type")).isEqualTo("text/x-digits");

        FakeHttp.Response put = serve(request("PUT", C + "/tail").header("X-Copy-From", "c/src").header("Range", "bytes=-3"));
        assertThat(put.status).isEqualTo(201);
        assertThat(get("/tail").text()).isEqualTo("789");
        assertThat(copy.header("X-Copied-From-Last-Modified")).as("the source's Last-Modified, as Swift sends it")
                .matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
    }

    @Test
    void severalRangesCopyTheMultipartDocumentTheSourceGetWouldSend() throws Exception {
        assertThat(serve(request("COPY", C + "/src").header("Destination", "c/parts").header("Range", "bytes=0-1,8-9")).status)
                .isEqualTo(201);

        FakeHttp.Response copied = get("/parts");
        assertThat(copied.header("Content-Type")).startsWith("multipart/byteranges;boundary=");
        String boundary = copied.header("Content-Type").substring(copied.header("Content-Type").indexOf('=') + 1);
        assertThat(copied.text()).isEqualTo("--" + boundary + "\r\nContent-Type: text/x-digits\r\nContent-Range: bytes 0-1/10\r\n\r\n01\r\n"
                + "--" + boundary + "\r\nContent-Type: text/x-digits\r\nContent-Range: bytes 8-9/10\r\n\r\n89\r\n"
                + "--" + boundary + "--");
    }

    @Test
    void anUnsatisfiableRangeIs416AndCopiesNothing() throws Exception {
        FakeHttp.Response refused = serve(request("COPY", C + "/src").header("Destination", "c/none").header("Range", "bytes=20-"));

        assertThat(refused.status).isEqualTo(416);
        assertThat(refused.header("Content-Range")).isEqualTo("bytes */10");
        assertThat(get("/none").status).isEqualTo(404);
    }

    @Test
    void theSourcesConditionsAreTheCopys() throws Exception {
        FakeHttp.Response mismatch = serve(request("COPY", C + "/src").header("Destination", "c/x").header("If-Match", "\"nope\""));
        assertThat(mismatch.status).isEqualTo(412);
        assertThat(mismatch.header("ETag")).as("the source's, for the client to see").isEqualTo(etag);

        FakeHttp.Response unchanged = serve(request("PUT", C + "/x").header("X-Copy-From", "c/src").header("If-None-Match", etag));
        assertThat(unchanged.status).isEqualTo(304);
        assertThat(get("/x").status).as("nothing copied").isEqualTo(404);

        assertThat(serve(request("COPY", C + "/src").header("Destination", "c/x").header("If-Match", etag)).status).isEqualTo(201);
        assertThat(get("/x").text()).isEqualTo(DIGITS);
    }
}
