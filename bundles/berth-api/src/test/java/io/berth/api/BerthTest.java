package io.berth.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;

import org.junit.jupiter.api.Test;

class BerthTest {

    private final Map<String, Object> attributes = new HashMap<>();

    private final ServletRequest request = (ServletRequest) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {ServletRequest.class},
            (proxy, method, args) -> {
                if (method.getName().equals("getAttribute")) {
                    return attributes.get((String) args[0]);
                }
                throw new UnsupportedOperationException(method.getName());
            });

    @Test
    void transactionIdIsTheAttributeCatchErrorsSet() {
        attributes.put(Berth.TRANS_ID_ATTRIBUTE, "txabc-0065f1a2b3");

        assertThat(Berth.transactionId(request)).isEqualTo("txabc-0065f1a2b3");
    }

    @Test
    void transactionIdIsNullWithoutCatchErrors() {
        assertThat(Berth.transactionId(request)).isNull();
    }

    @Test
    void transactionIdIgnoresAnAttributeOfAnotherType() {
        attributes.put(Berth.TRANS_ID_ATTRIBUTE, 42);

        assertThat(Berth.transactionId(request)).isNull();
    }

    @Test
    void pathAsSentKeepsDotSegmentsAndDecodesAfterThePipelinesPath() {
        assertThat(Berth.pathAsSent(http("/swift/v1/AUTH_b/c/../../AUTH_a/o", "/swift"))).isEqualTo("/v1/AUTH_b/c/../../AUTH_a/o");
        assertThat(Berth.pathAsSent(http("/swift/v1/AUTH%5Fa/50%25%20off+x/caf%C3%A9", "/swift")))
                .isEqualTo("/v1/AUTH_a/50% off+x/café");
        assertThat(Berth.pathAsSent(http("/swift", "/swift"))).isEmpty();
        assertThat(Berth.pathAsSent(http("/v1/a", ""))).isEqualTo("/v1/a");
    }

    @Test
    void pathAsSentRefusesWhatCannotBeReadOneWay() {
        assertThatThrownBy(() -> Berth.pathAsSent(http("/%73wift/v1/a", "/swift")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the path as sent does not start with the pipeline's path /swift");
        assertThatThrownBy(() -> Berth.pathAsSent(http("/v1/a%2", "")))
                .hasMessage("Invalid percent-encoding in the path at character 5");
        assertThatThrownBy(() -> Berth.pathAsSent(http("/v1/%C3%28", ""))).hasMessage("Invalid UTF-8 in the path");
        assertThatThrownBy(() -> Berth.percentDecode("a%00b", "X-Copy-From header"))
                .hasMessage("NUL (%00) in the X-Copy-From header");
    }

    @Test
    void pathAsSentLenientlyReadsWhatIsNotUtf8AsReplacementButStillRefusesBadEscapes() {
        assertThat(Berth.pathAsSentLeniently(http("/swift/v1/AUTH_a/c/%C3%28/%00", "/swift"))).isEqualTo("/v1/AUTH_a/c/\uFFFD(/\0");
        assertThat(Berth.pathAsSentLeniently(http("/v1/caf%C3%A9", ""))).isEqualTo("/v1/café");
        assertThatThrownBy(() -> Berth.pathAsSentLeniently(http("/v1/a%zz", "")))
                .hasMessage("Invalid percent-encoding in the path at character 5");
        assertThatThrownBy(() -> Berth.pathAsSentLeniently(http("/v1/a", "/swift")))
                .hasMessage("the path as sent does not start with the pipeline's path /swift");
    }

    @Test
    void aRequestHasABodyWithAPositiveLengthOrChunked() {
        assertThat(Berth.hasBody(framed(5, null))).isTrue();
        assertThat(Berth.hasBody(framed(-1, "chunked"))).isTrue();
        assertThat(Berth.hasBody(framed(0, null))).isFalse();
        assertThat(Berth.hasBody(framed(-1, null))).as("a GET: no length, not chunked").isFalse();
    }

    private static HttpServletRequest framed(long length, String transferEncoding) {
        return (HttpServletRequest) Proxy.newProxyInstance(BerthTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getContentLengthLong" -> length;
                    case "getHeader" -> "Transfer-Encoding".equalsIgnoreCase((String) args[0]) ? transferEncoding : null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static HttpServletRequest http(String uri, String contextPath) {
        return (HttpServletRequest) Proxy.newProxyInstance(BerthTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getRequestURI" -> uri;
                    case "getContextPath" -> contextPath;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
