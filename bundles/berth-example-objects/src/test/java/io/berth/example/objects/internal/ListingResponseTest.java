package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import jakarta.servlet.http.HttpServletRequest;

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
        HttpServletRequest built = request.build();
        ListingResponse.send(built, response.build(), ListingResponse.contentType(built), index, 3, "container", "c&d", size -> {
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

        assertThat(page.contentType).isEqualTo("text/xml; charset=utf-8");
        assertThat(page.header("Vary")).isEqualTo("Accept");
        // Byte for byte what Swift 2.30's container_to_xml writes for the same listing.
        assertThat(page.text()).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<container name=\"c&amp;d\">"
                + "<subdir name=\"dir/\"><name>dir/</name></subdir>"
                + "<object><name>x&lt;&amp;&gt;\"</name><bytes>4</bytes></object></container>");

        FakeHttp.Response empty = list(new FakeHttp.Request().parameter("format", "xml").parameter("prefix", "none"));
        assertThat(empty.status).isEqualTo(200);
        assertThat(empty.contentType).isEqualTo("application/xml; charset=utf-8");
        assertThat(empty.header("Vary")).as("format= decides, not Accept").isNull();
        assertThat(empty.text()).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<container name=\"c&amp;d\" />");
    }

    @Test
    void anAccountInXmlHasAnItemALineAndBareSubdirsAsSwiftWritesIt() throws Exception {
        FakeHttp.Response response = new FakeHttp.Response();
        HttpServletRequest request = new FakeHttp.Request().parameter("format", "xml").parameter("delimiter", "/").build();
        ListingResponse.send(request, response.build(), ListingResponse.contentType(request), index, 10, "account", "AUTH_\"a",
                size -> Map.of("name", name(size)));

        assertThat(response.text()).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<account name=\"AUTH_&quot;a\">\n"
                + "<container><name>a</name></container>\n<subdir name=\"dir/\" />\n"
                + "<container><name>x&lt;&amp;&gt;\"</name></container>\n</account>");
    }

    @Test
    void theFormatParameterWinsOverAccept() {
        assertThat(type("application/json", null)).isEqualTo("application/json");
        assertThat(type("application/json", "plain")).isEqualTo("text/plain");
        assertThat(type(null, "yaml")).isEqualTo("text/plain");
        assertThat(type(null, "XML")).isEqualTo("application/xml");
        assertThat(type("application/json", "")).as("an empty format= is no format").isEqualTo("application/json");
    }

    /** Each expectation is what Swift 2.30's get_listing_content_type answers for the same header. */
    @Test
    void acceptIsMatchedAsSwiftMatchesIt() {
        assertThat(type(null, null)).isEqualTo("text/plain");
        assertThat(type("", null)).isEqualTo("text/plain");
        assertThat(type("*/*", null)).isEqualTo("text/plain");
        assertThat(type("text/xml", null)).isEqualTo("text/xml");
        assertThat(type("text/*", null)).isEqualTo("text/plain");
        assertThat(type("application/*", null)).isEqualTo("application/json");
        assertThat(type("application/json;q=0.5, text/plain;q=0.4", null)).isEqualTo("application/json");
        assertThat(type("*/*;q=0.1, application/xml", null)).isEqualTo("application/xml");
        assertThat(type("application/json;q=0", null)).as("swob: q=0 refuses nothing").isEqualTo("application/json");
        assertThat(type("text/html, */*;q=0.8", null)).isEqualTo("text/plain");

        assertThatThrownBy(() -> type("image/png", null)).isInstanceOf(SwiftException.class)
                .satisfies(e -> assertThat(((SwiftException) e).status).isEqualTo(406));
        assertThatThrownBy(() -> type("APPLICATION/JSON", null)).as("swob compares case and all")
                .satisfies(e -> assertThat(((SwiftException) e).status).isEqualTo(406));
        for (String bad : new String[] {"garbage", "text/plain;q=x", "text/plain;q=1;q=0.5", "text/plain;a=b=c", "text/plain,"}) {
            assertThatThrownBy(() -> type(bad, null)).as(bad).isInstanceOf(SwiftException.class)
                    .hasMessageStartingWith("Invalid Accept header")
                    .satisfies(e -> assertThat(((SwiftException) e).status).isEqualTo(400));
        }
    }

    private static String type(String accept, String format) {
        FakeHttp.Request request = new FakeHttp.Request();
        if (accept != null) {
            request.header("Accept", accept);
        }
        if (format != null) {
            request.parameter("format", format);
        }
        return ListingResponse.contentType(request.build());
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
