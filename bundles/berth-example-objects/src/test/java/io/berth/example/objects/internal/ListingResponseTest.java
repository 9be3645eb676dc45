package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

/** A listing's parameters and its three formats, over a small index of name to size. */
class ListingResponseTest {

    private final NavigableMap<String, Long> index = new TreeMap<>(Names.ORDER);

    {
        index.put("a", 1L);
        index.put("dir/b", 2L);
        index.put("dir/c", 3L);
        index.put("x<&>\"", 4L);
    }

    private FakeHttp.Response list(FakeHttp.Request request) throws Exception {
        FakeHttp.Response response = new FakeHttp.Response();
        ListingResponse.send(request.build(), response.build(), index, 3, "container", "c&d", size -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", name(size));
            json.put("bytes", size);
            return json;
        });
        return response;
    }

    private String name(long size) {
        return index.entrySet().stream().filter(e -> e.getValue() == size).findFirst().orElseThrow().getKey();
    }

    @Test
    void plainTextIsOneNamePerLineUpToTheListingLimitAndAnEmptyPageIs204() throws Exception {
        FakeHttp.Response page = list(new FakeHttp.Request());
        assertThat(page.status).isEqualTo(200);
        assertThat(page.contentType).isEqualTo("text/plain; charset=utf-8");
        assertThat(page.text()).isEqualTo("a\ndir/b\ndir/c\n");
        assertThat(page.contentLength).isEqualTo(page.body.size());

        FakeHttp.Response empty = list(new FakeHttp.Request().parameter("prefix", "nothing"));
        assertThat(empty.status).isEqualTo(204);
        assertThat(empty.contentLength).isZero();
    }

    @Test
    void jsonRollsUpByTheDelimiterIntoSubdirs() throws Exception {
        FakeHttp.Response page = list(new FakeHttp.Request().parameter("format", "JSON").parameter("delimiter", "/"));

        assertThat(page.contentType).isEqualTo("application/json; charset=utf-8");
        assertThat(page.text()).isEqualTo("[{\"name\": \"a\", \"bytes\": 1}, {\"subdir\": \"dir/\"}, {\"name\": \"x<&>\\\"\", \"bytes\": 4}]");
    }

    @Test
    void xmlEscapesNamesAndNamesItsItemsByKind() throws Exception {
        FakeHttp.Response page = list(new FakeHttp.Request().header("Accept", "text/xml").parameter("delimiter", "/")
                .parameter("marker", "a"));

        assertThat(page.contentType).isEqualTo("application/xml; charset=utf-8");
        assertThat(page.text()).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<container name=\"c&amp;d\">"
                + "<subdir name=\"dir/\"><name>dir/</name></subdir>"
                + "<object><name>x&lt;&amp;&gt;&quot;</name><bytes>4</bytes></object></container>");
    }

    @Test
    void theFormatParameterWinsOverAccept() {
        assertThat(ListingResponse.format(new FakeHttp.Request().header("Accept", "application/json").build())).isEqualTo("json");
        assertThat(ListingResponse.format(new FakeHttp.Request().header("Accept", "application/json")
                .parameter("format", "plain").build())).isEqualTo("plain");
        assertThat(ListingResponse.format(new FakeHttp.Request().parameter("format", "yaml").build())).isEqualTo("plain");
        assertThat(ListingResponse.format(new FakeHttp.Request().build())).isEqualTo("plain");
    }

    @Test
    void aLimitOverTheListingLimitIs412AndOneThatIsNotANumberIsIgnored() throws Exception {
        assertThatThrownBy(() -> list(new FakeHttp.Request().parameter("limit", "4")))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(412))
                .hasMessage("Maximum limit is 3");
        assertThatThrownBy(() -> list(new FakeHttp.Request().parameter("limit", "99999999999")))
                .hasMessage("Maximum limit is 3");
        assertThat(list(new FakeHttp.Request().parameter("limit", "1")).text()).isEqualTo("a\n");
        assertThat(list(new FakeHttp.Request().parameter("limit", "-1")).text()).isEqualTo("a\ndir/b\ndir/c\n");
    }

    @Test
    void reverseAndEndMarkerPageBackwards() throws Exception {
        assertThat(list(new FakeHttp.Request().parameter("reverse", "on").parameter("end_marker", "a")).text())
                .isEqualTo("x<&>\"\ndir/c\ndir/b\n");
    }

    @Test
    void nulInAParameterIs400() {
        assertThatThrownBy(() -> list(new FakeHttp.Request().parameter("prefix", "a\0")))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(400))
                .hasMessage("NUL in the prefix parameter");
    }
}
