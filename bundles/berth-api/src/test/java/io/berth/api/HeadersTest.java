package io.berth.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.Test;

class HeadersTest {

    private final Map<String, String> headers = new HashMap<>();

    private final HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {HttpServletRequest.class},
            (proxy, method, args) -> {
                if (method.getName().equals("getHeader")) {
                    return headers.get((String) args[0]);
                }
                throw new UnsupportedOperationException(method.getName());
            });

    /** What Jetty hands a servlet for bytes it read: one char per byte. */
    private static String asJettyReadsIt(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    @Test
    void decodesTheBytesTheClientSentAsUtf8() {
        headers.put("X-Copy-From", asJettyReadsIt("c/☃ é".getBytes(StandardCharsets.UTF_8)));

        assertThat(Headers.utf8(request, "X-Copy-From")).isEqualTo("c/☃ é");
    }

    @Test
    void asciiAndMissingValuesAreAsSent() {
        headers.put("Content-Type", "text/plain");

        assertThat(Headers.utf8(request, "Content-Type")).isEqualTo("text/plain");
        assertThat(Headers.utf8(request, "X-Copy-From")).isNull();
    }

    @Test
    void aValueAlreadyDecodedIsKept() {
        headers.put("X-Object-Meta-Snow", "☃");

        assertThat(Headers.utf8(request, "X-Object-Meta-Snow")).isEqualTo("☃");
    }

    @Test
    void bytesThatAreNotUtf8AreRefusedNamingTheHeader() {
        headers.put("X-Container-Meta-Bad", asJettyReadsIt(new byte[] {'a', (byte) 0xc3}));

        assertThatThrownBy(() -> Headers.utf8(request, "X-Container-Meta-Bad"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid UTF-8 in the X-Container-Meta-Bad header");
    }

    @Test
    void wireFormIsOneCharPerUtf8Byte() {
        assertThat(Headers.wire("text/☃")).isEqualTo(asJettyReadsIt("text/☃".getBytes(StandardCharsets.UTF_8)));
        assertThat(Headers.wire("text/plain")).isSameAs("text/plain");
    }

    @Test
    void setUtf8SetsTheWireForm() {
        Map<String, String> set = new HashMap<>();
        HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {HttpServletResponse.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("setHeader")) {
                        return set.put((String) args[0], (String) args[1]);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });

        Headers.setUtf8(response, "X-Object-Meta-Snow", "☃");

        assertThat(set).containsEntry("X-Object-Meta-Snow", "\u00e2\u0098\u0083");
    }
}
