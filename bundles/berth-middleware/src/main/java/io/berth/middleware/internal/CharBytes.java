package io.berth.middleware.internal;

import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;

/**
 * How many bytes characters take in a request's or response's encoding, for {@code bytes_recvd}
 * and {@code bytes_sent} when the application reads or writes characters: counted without
 * encoding them again for UTF-8, ISO-8859-1, US-ASCII and UTF-16; by encoding them for any other
 * charset, which is rare enough not to matter for speed.
 */
final class CharBytes {

    private static final CharBytes UTF_8 = new CharBytes(null, 0);
    private static final CharBytes SINGLE_BYTE = new CharBytes(null, 1);
    private static final CharBytes DOUBLE_BYTE = new CharBytes(null, 2);

    /** Set only for charsets counted by encoding. */
    private final Charset charset;

    /** Bytes per char, or 0 for UTF-8. */
    private final int width;

    private CharBytes(Charset charset, int width) {
        this.charset = charset;
        this.width = width;
    }

    /**
     * @param encoding a character encoding's name, as {@code getCharacterEncoding()} returns it
     * @return its counter; UTF-8's for none or an unknown one
     */
    static CharBytes of(String encoding) {
        if (encoding == null) {
            return UTF_8;
        }
        Charset charset;
        try {
            charset = Charset.forName(encoding);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return UTF_8;
        }
        if (charset.equals(StandardCharsets.UTF_8)) {
            return UTF_8;
        }
        if (charset.equals(StandardCharsets.ISO_8859_1) || charset.equals(StandardCharsets.US_ASCII)) {
            return SINGLE_BYTE;
        }
        if (charset.equals(StandardCharsets.UTF_16BE) || charset.equals(StandardCharsets.UTF_16LE)) {
            return DOUBLE_BYTE;
        }
        return new CharBytes(charset, 0);
    }

    long count(int c) {
        if (width > 0) {
            return width;
        }
        if (charset != null) {
            return count(String.valueOf((char) c), 0, 1);
        }
        return utf8(c);
    }

    long count(char[] chars, int offset, int length) {
        if (width > 0) {
            return (long) width * length;
        }
        if (charset != null) {
            return charset.encode(CharBuffer.wrap(chars, offset, length)).remaining();
        }
        long bytes = 0;
        for (int i = offset; i < offset + length; i++) {
            bytes += utf8(chars[i]);
        }
        return bytes;
    }

    long count(CharSequence chars, int offset, int length) {
        if (width > 0) {
            return (long) width * length;
        }
        if (charset != null) {
            return charset.encode(CharBuffer.wrap(chars, offset, offset + length)).remaining();
        }
        long bytes = 0;
        for (int i = offset; i < offset + length; i++) {
            bytes += utf8(chars.charAt(i));
        }
        return bytes;
    }

    /** A surrogate pair takes four bytes in UTF-8: two for each half. */
    private static int utf8(int c) {
        if (c < 0x80) {
            return 1;
        }
        if (c < 0x800 || Character.isSurrogate((char) c)) {
            return 2;
        }
        return 3;
    }
}
