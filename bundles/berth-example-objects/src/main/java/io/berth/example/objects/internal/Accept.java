package io.berth.example.objects.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Accept header as Swift's swob reads it ({@code swob.Accept}), to choose a listing's or a
 * bulk answer's format the way Swift does. Its rules are swob's, not RFC 7231's: the media
 * ranges are tried by quality, then exact types before wildcards, each against the offered
 * types in the server's order; a quality of 0 does not refuse a type; no header takes the first
 * offer.
 */
final class Accept {

    /** What Swift answers listings and bulk requests in, in its order of preference (its ACCEPTABLE_FORMATS). */
    static final List<String> SWIFT_FORMATS = List.of("text/plain", "application/json", "application/xml", "text/xml");

    /** RFC 2616 section 2.2, as swob spells it. */
    private static final String TOKEN = "[^()<>@,;:\"/\\[\\]?={}\\x00-\\x20\\x7f]+";
    private static final String QUOTED = "\"(?:[^\"\\\\]|\\\\.)*\"";
    private static final String EXTENSION = "(?:\\s*;\\s*" + TOKEN + "\\s*=\\s*(?:" + TOKEN + "|" + QUOTED + "))";
    private static final Pattern MEDIA_RANGE = Pattern.compile(
            "^\\s*(" + TOKEN + ")/(" + TOKEN + ")(" + EXTENSION + "*?\\s*)$");
    /** What Python's float() takes, less the underscores. */
    private static final Pattern FLOAT = Pattern.compile(
            "[+-]?(?:(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?|inf|infinity|nan)", Pattern.CASE_INSENSITIVE);

    private Accept() {
    }

    /** One media range: its type and subtype (either may be *), quality and whether it has no wildcard. */
    private record Range(String type, String subtype, double quality, boolean exact) {

        boolean matches(String option) {
            int slash = option.indexOf('/');
            return (type.equals("*") || type.equals(option.substring(0, slash)))
                    && (subtype.equals("*") || subtype.equals(option.substring(slash + 1)));
        }
    }

    /**
     * @param header the Accept header, or null
     * @param options the types the server can send, the one it prefers first
     * @return the option to send, or null when the header accepts none of them (Swift: 406)
     * @throws IllegalArgumentException when the header is malformed (Swift: 400 "Invalid Accept header")
     */
    static String bestMatch(String header, List<String> options) {
        List<Range> ranges = parse(header);
        if (ranges.isEmpty()) {
            return options.isEmpty() ? null : options.get(0);
        }
        for (Range range : ranges) {
            for (String option : options) {
                if (range.matches(option)) {
                    return option;
                }
            }
        }
        return null;
    }

    /**
     * The format of a bulk answer (a bulk delete's, an SLO's), which Swift's bulk and slo choose
     * ignoring a malformed header.
     *
     * @return one of {@link #SWIFT_FORMATS}, or null when the header takes none or does not parse
     */
    static String bulkFormat(String header) {
        try {
            return bestMatch(header, SWIFT_FORMATS);
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    /** The ranges by quality, then exact before wildcard; stable, as Python's sort. */
    private static List<Range> parse(String header) {
        List<Range> ranges = new ArrayList<>();
        if (header == null || header.isEmpty()) {
            return ranges;
        }
        for (String item : header.split(",", -1)) {
            Matcher matcher = MEDIA_RANGE.matcher(item);
            if (!matcher.find()) {
                throw new IllegalArgumentException("Invalid Accept header: '" + item.strip() + "' is not a media range");
            }
            String type = matcher.group(1);
            String subtype = matcher.group(2);
            double quality = 1.0;
            boolean seenQuality = false;
            for (String parameter : matcher.group(3).split(";")) {
                if (parameter.isBlank()) {
                    continue;
                }
                String[] nameAndValue = parameter.split("=", -1);
                if (nameAndValue.length != 2) {
                    throw new IllegalArgumentException("Invalid Accept header: parameter '" + parameter.strip() + "'");
                }
                if (nameAndValue[0].strip().equals("q")) {
                    if (seenQuality) {
                        throw new IllegalArgumentException("Invalid Accept header: two q parameters in '" + item.strip() + "'");
                    }
                    seenQuality = true;
                    quality = quality(nameAndValue[1].strip());
                }
            }
            // Compared as written, case and all, as swob's patterns compare.
            ranges.add(new Range(type, subtype, quality, !type.equals("*") && !subtype.equals("*")));
        }
        ranges.sort(Comparator.comparingDouble(Range::quality).thenComparing(Range::exact).reversed());
        return ranges;
    }

    private static double quality(String value) {
        if (!FLOAT.matcher(value).matches()) {
            throw new IllegalArgumentException("Invalid Accept header: q=" + value + " is not a number");
        }
        String lower = value.toLowerCase(Locale.ROOT);
        if (lower.endsWith("nan")) {
            // Python sorts NaN unpredictably; last is the reading that refuses nothing.
            return Double.NEGATIVE_INFINITY;
        }
        return lower.endsWith("inf") || lower.endsWith("infinity")
                ? lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY
                : Double.parseDouble(value);
    }
}
