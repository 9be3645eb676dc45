package io.berth.example.objects.internal;

import java.math.BigInteger;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;

import io.berth.example.objects.internal.ObjectStore.StoredObject;

/**
 * Expiring objects as Swift has them: {@code X-Delete-At} (epoch seconds) or {@code X-Delete-After}
 * (seconds from now) on PUT, POST and copies, read as Swift's {@code constraints.check_delete_headers}
 * reads them; once its time has come an object answers 404 as if it were gone, whether or not
 * {@link Expirer} has removed it yet (Swift's diskfile does the same with {@code DiskFileExpired}).
 * Times are compared in milliseconds of the app's clock, so that tests move the clock instead of waiting.
 */
final class Expiry {

    /** No expiry. */
    static final long NEVER = 0;

    /** Swift's normalize_delete_at_timestamp caps there: ten digits. */
    private static final long LATEST = 9_999_999_999L;

    private Expiry() {
    }

    /** Whether the request says anything about expiry: else a copy keeps its source's. */
    static boolean requested(HttpServletRequest request) {
        return request.getHeader("X-Delete-At") != null || request.getHeader("X-Delete-After") != null;
    }

    /**
     * The expiry a PUT, POST or copy asks for. X-Delete-After, when sent, is turned into an
     * X-Delete-At and wins over one sent beside it; Swift's POST replaces the object's metadata,
     * so a request with neither header asks for no expiry.
     *
     * @param nowMillis the request's time
     * @return epoch seconds, or {@link #NEVER}
     * @throws SwiftException 400 with Swift's bodies: "Non-integer X-Delete-After", "X-Delete-After in past",
     *         "Non-integer X-Delete-At", "X-Delete-At in past"
     */
    static long deleteAt(HttpServletRequest request, long nowMillis) {
        String after = request.getHeader("X-Delete-After");
        if (after != null) {
            BigInteger seconds = integer(after, "X-Delete-After");
            // Swift adds to the request's float time and truncates: 0 or less is always in the past.
            long at = clamp(BigInteger.valueOf(nowMillis).add(seconds.multiply(BigInteger.valueOf(1000)))
                    .divide(BigInteger.valueOf(1000)));
            if (at * 1000 <= nowMillis) {
                throw new SwiftException(400, "X-Delete-After in past");
            }
            return at;
        }
        String at = request.getHeader("X-Delete-At");
        if (at == null) {
            return NEVER;
        }
        long seconds = clamp(integer(at, "X-Delete-At"));
        if (seconds * 1000 <= nowMillis) {
            throw new SwiftException(400, "X-Delete-At in past");
        }
        return seconds;
    }

    /** Whether an object's time has come: Swift's {@code x_delete_at <= current_time}. */
    static boolean expired(StoredObject object, long nowMillis) {
        return object.deleteAt() != NEVER && object.deleteAt() * 1000 <= nowMillis;
    }

    /** The header's value, as Swift stores it: ten digits. */
    static String header(long deleteAt) {
        return String.format(Locale.ROOT, "%010d", deleteAt);
    }

    /** Python's int(): surrounding blanks and a sign allowed, nothing else. */
    private static BigInteger integer(String value, String header) {
        try {
            return new BigInteger(value.strip());
        } catch (NumberFormatException e) {
            throw new SwiftException(400, "Non-integer " + header);
        }
    }

    private static long clamp(BigInteger seconds) {
        return seconds.max(BigInteger.ZERO).min(BigInteger.valueOf(LATEST)).longValueExact();
    }
}
