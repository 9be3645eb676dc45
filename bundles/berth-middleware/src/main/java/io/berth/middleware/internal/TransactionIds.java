package io.berth.middleware.internal;

import java.nio.charset.StandardCharsets;

import io.berth.api.Berth;

/**
 * Transaction ids in Swift's form: {@code tx} + 21 random hex digits + {@code -} + the epoch
 * seconds as 10 hex digits + the URL-quoted suffix. Swift builds the suffix from its
 * {@code trans_id_suffix} setting and, when the client sent one, {@code -} and the first 32
 * characters of {@code X-Trans-Id-Extra}.
 */
final class TransactionIds {

    /** Characters of the client's {@code X-Trans-Id-Extra} that are kept, as Swift does. */
    static final int MAX_EXTRA_CHARS = 32;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private TransactionIds() {
    }

    /**
     * A new transaction id.
     *
     * @param suffix the configured suffix (may be empty)
     * @param extra the client's {@code X-Trans-Id-Extra} value, or {@code null}
     * @param epochSeconds the current time
     */
    static String next(String suffix, String extra, long epochSeconds) {
        StringBuilder id = new StringBuilder(2 + 21 + 1 + 10 + suffix.length() + 3 * MAX_EXTRA_CHARS + 8);
        Berth.appendTransactionId(id, epochSeconds);
        quote(id, suffix);
        if (extra != null && !extra.isEmpty()) {
            id.append('-');
            quote(id, firstCodePoints(extra, MAX_EXTRA_CHARS));
        }
        return id.toString();
    }

    private static String firstCodePoints(String value, int count) {
        if (value.length() <= count) {
            return value;
        }
        int end = value.offsetByCodePoints(0, Math.min(count, value.codePointCount(0, value.length())));
        return value.substring(0, end);
    }

    /**
     * Percent-encodes the UTF-8 bytes of {@code value} as Python's {@code urllib.parse.quote}
     * does with its default {@code safe='/'}: letters, digits, {@code _.-~/} stay as they are.
     * This keeps a client's value from smuggling spaces, control characters or header syntax
     * into a response header.
     */
    static void quote(StringBuilder out, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (isSafe(c)) {
                out.append(c);
            } else {
                int end = i + (Character.isHighSurrogate(c) && i + 1 < value.length() ? 2 : 1);
                for (byte b : value.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                    out.append('%').append(Character.toUpperCase(HEX[(b >> 4) & 0xf]))
                            .append(Character.toUpperCase(HEX[b & 0xf]));
                }
                i = end - 1;
            }
        }
    }

    private static boolean isSafe(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '.' || c == '-' || c == '~' || c == '/';
    }
}
