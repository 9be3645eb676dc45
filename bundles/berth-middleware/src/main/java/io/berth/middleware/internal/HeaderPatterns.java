package io.berth.middleware.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Header names matched against patterns such as {@code X-Backend-*} or {@code X-*-Sysmeta-*}:
 * {@code *} stands for any run of characters (none included), everything else is literal, case
 * does not matter. Compiled once; matching allocates nothing, and a name whose first character
 * starts no pattern ({@code Host}, {@code Accept}) is turned away after one table look-up.
 */
final class HeaderPatterns {

    /** RFC 9110 {@code tchar} without {@code *}, which patterns use as the wildcard. */
    private static final String NAME_SYMBOLS = "!#$%&'+-.^_`|~";

    /** Each pattern's literal parts, lower case, split at its stars; one part means no star. */
    private final String[][] patterns;

    /** For ASCII first characters: may a name starting with it match? */
    private final boolean[] firstChars = new boolean[128];

    /** A pattern starts with a star: any first character may match. */
    private final boolean anyFirst;

    private final String description;

    private HeaderPatterns(String[][] patterns, boolean anyFirst, String description) {
        this.patterns = patterns;
        this.anyFirst = anyFirst;
        this.description = description;
        for (String[] parts : patterns) {
            if (!parts[0].isEmpty()) {
                char c = parts[0].charAt(0);
                firstChars[c] = true;
                firstChars[Character.toUpperCase(c)] = true;
            }
        }
    }

    /**
     * Compiles a setting's patterns.
     *
     * @param key the setting, for error messages
     * @param values the patterns as configured
     * @throws IllegalArgumentException naming the key and the pattern at fault
     */
    static HeaderPatterns parse(String key, String[] values) {
        Set<String> distinct = new LinkedHashSet<>();
        for (String value : values) {
            String pattern = value.trim().replaceAll("\\*+", "*");
            if (pattern.isEmpty()) {
                continue;
            }
            for (int i = 0; i < pattern.length(); i++) {
                char c = pattern.charAt(i);
                if (!(c == '*' || c < 128 && Character.isLetterOrDigit(c) || NAME_SYMBOLS.indexOf(c) >= 0)) {
                    throw new IllegalArgumentException(key + ": '" + value + "' is not a header name pattern; use "
                            + "letters, digits and " + NAME_SYMBOLS + ", with * for any run of characters");
                }
            }
            if (pattern.equals("*")) {
                throw new IllegalArgumentException(key + ": '" + value + "' would remove every header");
            }
            distinct.add(pattern.toLowerCase(Locale.ROOT));
        }
        List<String[]> compiled = new ArrayList<>();
        boolean anyFirst = false;
        for (String pattern : distinct) {
            compiled.add(pattern.split("\\*", -1));
            anyFirst |= pattern.startsWith("*");
        }
        return new HeaderPatterns(compiled.toArray(new String[0][]), anyFirst, String.join(" ", distinct));
    }

    boolean isEmpty() {
        return patterns.length == 0;
    }

    /**
     * Whether a header name matches one of the patterns.
     *
     * @param name a header name; {@code null} never matches
     * @return true when the header is to be removed
     */
    boolean matches(String name) {
        if (name == null || name.isEmpty() || patterns.length == 0) {
            return false;
        }
        char first = name.charAt(0);
        if (!anyFirst && first < 128 && !firstChars[first]) {
            return false;
        }
        for (String[] parts : patterns) {
            if (matches(name, parts)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String name, String[] parts) {
        if (parts.length == 1) {
            return name.equalsIgnoreCase(parts[0]);
        }
        String head = parts[0];
        String tail = parts[parts.length - 1];
        int end = name.length() - tail.length();
        if (end < head.length()
                || !name.regionMatches(true, 0, head, 0, head.length())
                || !name.regionMatches(true, end, tail, 0, tail.length())) {
            return false;
        }
        // Between the fixed head and tail, each middle part where it first fits: the leftmost
        // place leaves the most room for the parts after it, so this finds a match if any exists.
        int from = head.length();
        for (int i = 1; i < parts.length - 1; i++) {
            String part = parts[i];
            int at = indexOfIgnoreCase(name, part, from, end);
            if (at < 0) {
                return false;
            }
            from = at + part.length();
        }
        return true;
    }

    private static int indexOfIgnoreCase(String name, String part, int from, int end) {
        for (int at = from; at + part.length() <= end; at++) {
            if (name.regionMatches(true, at, part, 0, part.length())) {
                return at;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return description;
    }
}
