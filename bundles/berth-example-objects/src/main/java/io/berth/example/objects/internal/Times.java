package io.berth.example.objects.internal;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Swift's three ways of writing a time: {@code X-Timestamp} (seconds with five decimals),
 * HTTP dates for {@code Last-Modified} (whole seconds, rounded up as Swift does), and the
 * listings' {@code last_modified} (ISO 8601 with microseconds, UTC, no zone suffix).
 * Times are held as microseconds since the epoch, in steps of 10 so that X-Timestamp shows them exactly.
 */
final class Times {

    private static final AtomicLong LAST = new AtomicLong();
    private static final DateTimeFormatter LISTING =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HTTP =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private static final String MONTHS = "janfebmaraprmayjunjulaugsepoctnovdec";
    /** {@code [Sun, ]06 Nov 1994 08:49:37[ GMT]}: day, month, year, hour, minute, second. */
    private static final Pattern RFC_1123 = Pattern.compile(
            "(?:[A-Za-z]+, ?)?(\\d{1,2}) ([A-Za-z]{3}) (\\d{4}) (\\d{1,2}):(\\d{2}):(\\d{2})(?: (?:GMT|UTC|UT|[+-]\\d{4}))?");
    /** {@code Sunday, 06-Nov-94 08:49:37 GMT}: day, month, two-digit year, hour, minute, second. */
    private static final Pattern RFC_850 = Pattern.compile(
            "[A-Za-z]+, (\\d{1,2})-([A-Za-z]{3})-(\\d{2}) (\\d{1,2}):(\\d{2}):(\\d{2})(?: GMT)?");
    /** {@code Sun Nov  6 08:49:37 1994}, spaces already collapsed: month, day, hour, minute, second, year. */
    private static final Pattern ASCTIME = Pattern.compile(
            "[A-Za-z]{3} ([A-Za-z]{3}) (\\d{1,2}) (\\d{1,2}):(\\d{2}):(\\d{2}) (\\d{4})");

    private Times() {
    }

    /** Now, strictly later than any time this method gave before: two writes never share a timestamp. */
    static long now() {
        Instant now = Instant.now();
        long micros = (now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000) / 10 * 10;
        return LAST.updateAndGet(last -> Math.max(last + 10, micros));
    }

    static String xTimestamp(long micros) {
        return String.format(Locale.ROOT, "%010d.%05d", micros / 1_000_000, micros % 1_000_000 / 10);
    }

    static String listing(long micros) {
        return LISTING.format(Instant.ofEpochSecond(micros / 1_000_000, micros % 1_000_000 * 1_000));
    }

    /** Swift's Last-Modified is the timestamp rounded up to the second: math.ceil(float(x_timestamp)). */
    static long lastModifiedSeconds(long micros) {
        return (micros + 999_999) / 1_000_000;
    }

    static String httpDate(long seconds) {
        return HTTP.format(Instant.ofEpochSecond(seconds));
    }

    /**
     * An HTTP date in any of HTTP's three forms, read as Swift's swob reads one (Python's
     * {@code email.utils.parsedate}): RFC 1123 ({@code Sun, 06 Nov 1994 08:49:37 GMT}), RFC 850
     * ({@code Sunday, 06-Nov-94 08:49:37 GMT}, years 69 to 99 in the 1900s, 00 to 68 in the 2000s)
     * and asctime ({@code Sun Nov  6 08:49:37 1994}). The weekday is not checked and a zone is
     * not applied, as parsedate does neither.
     *
     * @return the epoch seconds, or -1 when the text is none of these or no real date: Swift then ignores the header
     */
    static long parseHttpDate(String text) {
        String date = text.trim().replaceAll("\\s+", " ");
        try {
            Matcher m = RFC_1123.matcher(date);
            if (m.matches()) {
                return epochSeconds(Integer.parseInt(m.group(3)), m.group(2), m.group(1), m.group(4), m.group(5), m.group(6));
            }
            m = RFC_850.matcher(date);
            if (m.matches()) {
                int year = Integer.parseInt(m.group(3));
                return epochSeconds(year > 68 ? 1900 + year : 2000 + year, m.group(2), m.group(1), m.group(4), m.group(5),
                        m.group(6));
            }
            m = ASCTIME.matcher(date);
            if (m.matches()) {
                return epochSeconds(Integer.parseInt(m.group(6)), m.group(1), m.group(2), m.group(3), m.group(4), m.group(5));
            }
        } catch (DateTimeException e) {
            // Such as 31 Feb: no date, as for Python's datetime.
        }
        return -1;
    }

    private static long epochSeconds(int year, String month, String day, String hour, String minute, String second) {
        int index = MONTHS.indexOf(month.toLowerCase(Locale.ROOT));
        if (index < 0 || index % 3 != 0) {
            throw new DateTimeException("no month " + month);
        }
        return LocalDateTime.of(year, index / 3 + 1, Integer.parseInt(day), Integer.parseInt(hour), Integer.parseInt(minute),
                Integer.parseInt(second)).toEpochSecond(ZoneOffset.UTC);
    }
}
