package io.berth.api;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Header values as UTF-8 text, as OpenStack clients send them and Swift reads and answers them.
 * HTTP/1.1 gives header values no character set, and Jetty hands a servlet each byte as one
 * {@code char} (ISO-8859-1): {@code X-Copy-From: c/☃} arrives as {@code c/â\u0098\u0083}. Swift
 * decodes such values (X-Copy-From, Destination, Content-Type, metadata) as UTF-8 and answers with
 * the same raw bytes. These two methods do both, in one place, so every app agrees with Swift.
 */
public final class Headers {

    private Headers() {
    }

    /**
     * A request header's value decoded from the bytes the client sent as UTF-8. A value holding a
     * character above U+00FF was not read byte for byte (a wrapper set it, or a protocol decoded
     * it already) and is returned as it is.
     *
     * @param request the request being served
     * @param name the header's name
     * @return the value, or {@code null} when the request has no such header
     * @throws IllegalArgumentException naming the header when its bytes are not UTF-8
     */
    public static String utf8(HttpServletRequest request, String name) {
        String value = request.getHeader(name);
        if (value == null) {
            return null;
        }
        byte[] bytes = new byte[value.length()];
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xff) {
                return value;
            }
            bytes[i] = (byte) c;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("Invalid UTF-8 in the " + name + " header");
        }
    }

    /**
     * Sets a response header so that the client receives the value's UTF-8 bytes, as Swift sends
     * metadata and content types: the servlet container writes each {@code char} of a header value
     * as one byte, so a value holding {@code ☃} would otherwise go out as {@code ?}.
     *
     * @param response the response being written
     * @param name the header's name
     * @param value the value, as text
     */
    public static void setUtf8(HttpServletResponse response, String name, String value) {
        response.setHeader(name, wire(value));
    }

    /**
     * The form of a value that a servlet container writes as the value's UTF-8 bytes: one
     * {@code char} per byte. ASCII text is returned unchanged.
     *
     * @param value the value, as text
     * @return the same value, one {@code char} per UTF-8 byte
     */
    public static String wire(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) >= 0x80) {
                return new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            }
        }
        return value;
    }
}
