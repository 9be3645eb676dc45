package io.berth.example.objects.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;

/** How names are ordered and how they become file names. */
final class Names {

    /**
     * Swift lists names in the order of their UTF-8 bytes (SQLite's binary collation). That is
     * code point order, which String.compareTo (UTF-16 units) breaks for characters above U+FFFF
     * against U+E000..U+FFFF; markers taken from one order and used in the other would skip names.
     */
    static final Comparator<String> ORDER = Names::compare;

    private Names() {
    }

    static int compare(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                return fix(x) - fix(y);
            }
        }
        return a.length() - b.length();
    }

    /** Moves surrogates above U+E000..U+FFFF, which puts UTF-16 units in code point order. */
    private static int fix(char c) {
        if (c >= 0xD800) {
            return c >= 0xE000 ? c - 0x800 : c + 0x2000;
        }
        return c;
    }

    /**
     * The file name for a name: its SHA-256 in hex. A name is never used as a path, so no name
     * (with /, .., NUL, or 1024 bytes) can reach outside its directory or collide with another.
     */
    static String hash(String name) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(name.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java has SHA-256", e);
        }
    }

    /** The smallest string after every string that starts with the prefix, or null if there is none to compute. */
    static String after(String prefix) {
        if (prefix.isEmpty()) {
            return null;
        }
        int last = prefix.codePointBefore(prefix.length());
        if (last == Character.MAX_CODE_POINT || (last == 0xD7FF)) {
            return null;
        }
        String head = prefix.substring(0, prefix.length() - Character.charCount(last));
        return head + new String(Character.toChars(last + 1));
    }
}
