package io.berth.example.objects.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

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

    /** An HTTP date (RFC 1123, as clients send them), or -1 when the text is not one: Swift then ignores the header. */
    static long parseHttpDate(String text) {
        try {
            return ZonedDateTime.parse(text.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
        } catch (DateTimeParseException e) {
            return -1;
        }
    }
}
