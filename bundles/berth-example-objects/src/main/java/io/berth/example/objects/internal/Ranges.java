package io.berth.example.objects.internal;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Range header as Swift's swob reads it ({@code swob.Range}), and the byte ranges it asks of a
 * body of a given length ({@code Range.ranges_for_length}), with swob's limits. RFC 7233 section
 * 6.1 asks servers to refuse egregious range sets: without limits, one request with thousands of
 * {@code 0-} ranges reads the object thousands of times.
 */
final class Ranges {

    /** swob's MAX_RANGES: more satisfiable ranges than this are refused. */
    static final int MAX_RANGES = 50;
    /** swob's MAX_RANGE_OVERLAPS: more overlapping pairs than this are refused. */
    static final int MAX_RANGE_OVERLAPS = 2;
    /** swob's MAX_NONASCENDING_RANGES: this many ranges or more, not in ascending order, are refused. */
    static final int MAX_NONASCENDING_RANGES = 8;

    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    /** As sent: {first, last}, -1 where the header leaves it out ({@code 5-}, {@code -5}). */
    private final List<long[]> specs;

    private Ranges(List<long[]> specs) {
        this.specs = specs;
    }

    /**
     * @return the ranges, or null when there is no header or swob would not parse it: then the
     *         request is served as if it had none (RFC 7233: a syntactically invalid range set is ignored)
     */
    static Ranges parse(String header) {
        if (header == null || header.isEmpty()) {
            return null;
        }
        String value = header.replace(" ", "");
        if (!value.toLowerCase(Locale.ROOT).startsWith("bytes=")) {
            return null;
        }
        List<long[]> specs = new ArrayList<>();
        // -1: an empty range (bytes=0-1,) is invalid, as in swob, not skipped.
        for (String spec : value.substring(6).split(",", -1)) {
            int dash = spec.indexOf('-');
            if (dash < 0) {
                return null;
            }
            String first = spec.substring(0, dash);
            String last = spec.substring(dash + 1);
            BigInteger start = first.isEmpty() ? null : integer(first, true);
            BigInteger end = last.isEmpty() ? null : integer(last, false);
            if (!first.isEmpty() && start == null || !last.isEmpty() && end == null || start == null && end == null
                    || start != null && end != null && end.compareTo(start) < 0) {
                return null;
            }
            specs.add(new long[] {clamp(start), clamp(end)});
        }
        return new Ranges(specs);
    }

    /** How many ranges the header names, satisfiable or not. */
    int count() {
        return specs.size();
    }

    /**
     * The ranges to send of a body of a given length, as swob's ranges_for_length: those that
     * start past the end dropped, the others cut to the body.
     *
     * @return half-open {start, end} pairs, as swob's, in the header's order; for an empty body
     *         only {0, 0} pairs (suffix ranges), and then the whole (empty) body is sent, as swob does
     * @throws SwiftException 416 when none is satisfiable, or the set is one swob refuses as egregious
     */
    List<long[]> forLength(long length) {
        List<long[]> ranges = new ArrayList<>();
        for (long[] spec : specs) {
            long begin = spec[0];
            long end = spec[1];
            if (begin < 0) {
                if (end != 0) {
                    ranges.add(end > length ? new long[] {0, length} : new long[] {length - end, length});
                }
            } else if (begin < length) {
                ranges.add(new long[] {begin, end < 0 || end >= length ? length : end + 1});
            }
        }
        if (ranges.isEmpty()) {
            throw refused("the object holds " + length + " bytes");
        }
        if (ranges.size() > MAX_RANGES) {
            throw refused(ranges.size() + " ranges; Swift serves at most " + MAX_RANGES);
        }
        int overlaps = 0;
        for (int i = 0; i < ranges.size(); i++) {
            for (int j = i + 1; j < ranges.size(); j++) {
                if (overlap(ranges.get(i), ranges.get(j)) && ++overlaps > MAX_RANGE_OVERLAPS) {
                    throw refused("more than " + MAX_RANGE_OVERLAPS + " overlapping ranges");
                }
            }
        }
        if (ranges.size() >= MAX_NONASCENDING_RANGES && !ascending(ranges)) {
            throw refused(MAX_NONASCENDING_RANGES + " or more ranges, not in ascending order");
        }
        return ranges;
    }

    /** swob's test, with strict comparisons: identical ranges do not overlap, nor do ranges that touch. */
    private static boolean overlap(long[] one, long[] two) {
        long start1 = one[0];
        long end1 = one[1];
        long start2 = two[0];
        long end2 = two[1];
        return start1 < start2 && start2 < end1 || start1 < end2 && end2 < end1
                || start2 < start1 && start1 < end2 || start2 < end1 && end1 < end2;
    }

    /** swob compares neighbours as (start, end) tuples. */
    private static boolean ascending(List<long[]> ranges) {
        for (int i = 1; i < ranges.size(); i++) {
            long[] before = ranges.get(i - 1);
            long[] after = ranges.get(i);
            if (before[0] > after[0] || before[0] == after[0] && before[1] > after[1]) {
                return false;
            }
        }
        return true;
    }

    private static SwiftException refused(String why) {
        return new SwiftException(416, "Requested Range Not Satisfiable: " + why);
    }

    /**
     * A number as swob reads the parts it splits: the first part by Python's int(), which takes
     * whitespace around it, a sign (only + can reach it), any script's decimal digits and single
     * underscores between them; the last part only if it is all digits, with no bound either way.
     *
     * @return null when it is not one
     */
    private static BigInteger integer(String text, boolean first) {
        String digits = first ? pythonStrip(text) : text;
        if (first && digits.startsWith("+")) {
            digits = digits.substring(1);
        }
        StringBuilder value = new StringBuilder(digits.length());
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (first && c == '_' && i > 0 && i < digits.length() - 1 && digits.charAt(i - 1) != '_') {
                continue;
            }
            if (Character.getType(c) != Character.DECIMAL_DIGIT_NUMBER) {
                return null;
            }
            value.append((char) ('0' + Character.digit(c, 10)));
        }
        return value.length() == 0 ? null : new BigInteger(value.toString());
    }

    /** What Python's str.strip() removes: Java's whitespace and the two it leaves out, NEL and no-break space. */
    private static String pythonStrip(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isPythonSpace(text.charAt(start))) {
            start++;
        }
        while (end > start && isPythonSpace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    private static boolean isPythonSpace(char c) {
        return Character.isWhitespace(c) || c == '\u0085' || c == '\u00a0';
    }

    /** Beyond Long.MAX_VALUE every body is shorter anyway. */
    private static long clamp(BigInteger value) {
        return value == null ? -1 : value.min(LONG_MAX).longValueExact();
    }
}
