package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Range requests as Swift's swob answers them (Range, ranges_for_length), limits included: RFC
 * 7233 section 6.1 asks servers to refuse egregious range sets, and without limits one request
 * with thousands of ranges makes the server read the object thousands of times.
 */
@Timeout(30)
class RangesTest {

    private static final String A = "/v1/AUTH_test";
    private static final String TEN = "0123456789";

    @TempDir
    Path dir;

    private ObjectsJetty jetty;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        jetty = ObjectsJetty.start(dir, Map.of());
        send("PUT", "/c", null, "");
        send("PUT", "/c/o", null, TEN);
    }

    @AfterEach
    void stop() throws Exception {
        jetty.close();
    }

    @Test
    void thousandsOfWholeObjectRangesAre416NotThousandsOfReads() throws Exception {
        HttpResponse<String> response = get("/c/o", "bytes=" + "0-,".repeat(1999) + "0-");

        assertThat(response.statusCode()).isEqualTo(416);
        assertThat(response.headers().firstValue("Content-Range")).hasValue("bytes */10");
        assertThat(response.body()).isEqualTo("Requested Range Not Satisfiable: 2000 ranges; Swift serves at most 50\n");
    }

    @Test
    void atMostFiftySatisfiableRangesAreServed() throws Exception {
        // Identical ranges do not overlap by swob's rule (it compares strictly): only the count limits them.
        HttpResponse<String> fifty = get("/c/o", "bytes=" + "0-0,".repeat(49) + "0-0");
        assertThat(fifty.statusCode()).isEqualTo(206);
        assertThat(fifty.body().split("Content-Range: bytes 0-0/10", -1)).hasSize(51);

        assertThat(get("/c/o", "bytes=" + "0-0,".repeat(50) + "0-0").statusCode()).isEqualTo(416);
        // The limit counts the ranges that can be served; those past the end are dropped first.
        assertThat(get("/c/o", "bytes=" + "0-0,".repeat(50) + "20-30").statusCode()).isEqualTo(206);
    }

    @Test
    void moreThanTwoOverlappingPairsAre416() throws Exception {
        // 0-5 and 1-6 overlap, 1-6 and 6-7 overlap, 0-5 and 6-7 do not: two overlaps.
        assertThat(get("/c/o", "bytes=0-5,1-6,6-7").statusCode()).isEqualTo(206);
        HttpResponse<String> three = get("/c/o", "bytes=0-5,1-6,2-7");
        assertThat(three.statusCode()).isEqualTo(416);
        assertThat(three.headers().firstValue("Content-Range")).hasValue("bytes */10");
        assertThat(three.body()).isEqualTo("Requested Range Not Satisfiable: more than 2 overlapping ranges\n");
    }

    @Test
    void eightRangesOutOfAscendingOrderAre416() throws Exception {
        assertThat(get("/c/o", "bytes=0-0,1-1,2-2,3-3,4-4,5-5,6-6,7-7").statusCode()).isEqualTo(206);
        assertThat(get("/c/o", "bytes=7-7,6-6,5-5,4-4,3-3,2-2,1-1").statusCode()).isEqualTo(206);
        HttpResponse<String> eight = get("/c/o", "bytes=0-0,1-1,2-2,3-3,4-4,5-5,7-7,6-6");
        assertThat(eight.statusCode()).isEqualTo(416);
        assertThat(eight.body()).isEqualTo("Requested Range Not Satisfiable: 8 or more ranges, not in ascending order\n");
    }

    @Test
    void neighboursCompareAsSwobsTuplesAndRangesThatTouchDoNotOverlap() {
        // Equal neighbours are in order; the same start with a smaller end after a larger one is not.
        assertThat(Ranges.parse("bytes=1-1,2-2,3-3,4-4,5-5,6-6,7-7,7-7").forLength(10)).hasSize(8);
        assertThatThrownBy(() -> Ranges.parse("bytes=1-1,2-2,3-3,4-4,5-5,6-6,7-8,7-7").forLength(10))
                .hasMessageContaining("not in ascending order");
        // Half-open as swob's: 0-1 is [0, 2), 2-3 is [2, 4): they touch, they do not overlap.
        assertThat(Ranges.parse("bytes=0-1,2-3,0-1,2-3").forLength(10)).hasSize(4);
        assertThat(Ranges.parse("bytes=0-1,2-3,0-2").forLength(10)).hasSize(3);
        assertThatThrownBy(() -> Ranges.parse("bytes=0-2,2-3,0-2,2-3").forLength(10))
                .isInstanceOfSatisfying(SwiftException.class, e -> assertThat(e.status).isEqualTo(416))
                .hasMessage("Requested Range Not Satisfiable: more than 2 overlapping ranges");
    }

    @Test
    void aHeaderSwobCannotParseIsIgnoredAndOneItCanIsServed() throws Exception {
        // swob drops every space, and refuses an empty range (a trailing comma) as it refuses bytes=5-3.
        assertThat(get("/c/o", "bytes = 2 - 4").body()).isEqualTo("234");
        assertThat(get("/c/o", "bytes=2-4,").statusCode()).isEqualTo(200);
        assertThat(get("/c/o", "bytes=5-3").statusCode()).isEqualTo(200);
        assertThat(get("/c/o", "bytes=-").statusCode()).isEqualTo(200);
        // Python's integers have no upper bound.
        HttpResponse<String> huge = get("/c/o", "bytes=8-99999999999999999999999");
        assertThat(huge.statusCode()).isEqualTo(206);
        assertThat(huge.body()).isEqualTo("89");
        assertThat(get("/c/o", "bytes=99999999999999999999999-").statusCode()).isEqualTo(416);
    }

    /** Each expectation is what Swift 2.30's swob.Range gives for the same header, over 100 bytes. */
    @Test
    void theFormsSwobReadsAreReadAlike() {
        assertThat(forHundred("BYTES=0-5")).isEqualTo("0-6");
        assertThat(forHundred("Bytes = 0 - 5, 7 - 8")).isEqualTo("0-6 7-9");
        assertThat(forHundred("bytes=\t0-5")).as("int() strips the first part").isEqualTo("0-6");
        assertThat(forHundred("bytes=\f1-5")).isEqualTo("1-6");
        assertThat(forHundred("bytes=1_0-20")).as("int() takes underscores").isEqualTo("10-21");
        assertThat(forHundred("bytes=+3-5")).isEqualTo("3-6");
        assertThat(forHundred("bytes=\u0663-5")).as("an Arabic-Indic three").isEqualTo("3-6");
        assertThat(forHundred("bytes=00-0005")).isEqualTo("0-6");
        assertThat(forHundred("bytes= -5")).isEqualTo("95-100");
        assertThat(forHundred("bytes=5-")).isEqualTo("5-100");
        for (String invalid : new String[] {"bytes=0-5\t", "bytes=0-5,", "bytes=--5", "bytes=0x1-5", "bytes=1__0-5",
                "bytes=_1-5", "bytes=1-\u00b2", "bytes=1-+5", "octets=0-5", "bytes=5"}) {
            assertThat(Ranges.parse(invalid)).as(invalid).isNull();
        }
    }

    private static String forHundred(String header) {
        return Ranges.parse(header).forLength(100).stream().map(r -> r[0] + "-" + r[1])
                .collect(java.util.stream.Collectors.joining(" "));
    }

    @Test
    void aSuffixRangeOfAnEmptyObjectServesItWhole() throws Exception {
        send("PUT", "/c/empty", null, "");

        HttpResponse<String> suffix = get("/c/empty", "bytes=-5");
        assertThat(suffix.statusCode()).isEqualTo(200);
        assertThat(suffix.headers().firstValue("Content-Length")).hasValue("0");
        assertThat(get("/c/empty", "bytes=0-").statusCode()).isEqualTo(416);
    }

    @Test
    void aDloServesOneRangeAndIgnoresSeveral() throws Exception {
        // Swift's dlo middleware honours a single range only; for several it sends the whole object once.
        send("PUT", "/segs", null, "");
        send("PUT", "/segs/p/1", null, "01234");
        send("PUT", "/segs/p/2", null, "56789");
        send("PUT", "/c/dlo", "segs/p/", "");

        HttpResponse<String> one = get("/c/dlo", "bytes=3-6");
        assertThat(one.statusCode()).isEqualTo(206);
        assertThat(one.body()).isEqualTo("3456");
        HttpResponse<String> many = get("/c/dlo", "bytes=" + "0-,".repeat(1999) + "0-");
        assertThat(many.statusCode()).isEqualTo(200);
        assertThat(many.body()).isEqualTo(TEN);
        assertThat(get("/c/dlo", "bytes=0-1,8-9").body()).isEqualTo(TEN);
        HttpResponse<String> beyond = get("/c/dlo", "bytes=10-");
        assertThat(beyond.statusCode()).isEqualTo(416);
        assertThat(beyond.headers().firstValue("Content-Range")).hasValue("bytes */10");
    }

    private HttpResponse<String> get(String path, String range) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(jetty.base() + A + path)).header("Range", range).GET().build(),
                BodyHandlers.ofString());
    }

    private void send(String method, String path, String manifest, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(jetty.base() + A + path));
        if (manifest != null) {
            request.header("X-Object-Manifest", manifest);
        }
        HttpResponse<String> response = client.send(request.method(method, BodyPublishers.ofString(body)).build(),
                BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path).isBetween(200, 299);
    }
}
