package io.berth.middleware.internal;

import java.util.concurrent.ThreadLocalRandom;

/**
 * W3C Trace Context (level 1) {@code traceparent} values: {@code version-traceid-parentid-flags},
 * lowercase hex, {@code 00-} + 32 + {@code -} + 16 + {@code -} + 2 characters.
 *
 * <p>Berth creates no spans, so it is a forwarding participant: a valid {@code traceparent} is
 * passed on unchanged (the specification's "processing model in forwarding mode"); an absent or
 * invalid one is replaced by a new trace (a restart). A version above {@code 00} is accepted when
 * its first four fields parse as the specification's versioning rules say (at least 55
 * characters, the flags followed by the end or a dash); {@code ff} is invalid.
 */
final class TraceParents {

    /** Characters of a version 00 value. */
    static final int LENGTH = 55;

    private static final int TRACE_ID_START = 3;
    private static final int TRACE_ID_END = 35;
    private static final int PARENT_ID_END = 52;

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private TraceParents() {
    }

    /**
     * @param value a request's {@code traceparent} header, or {@code null}
     * @return whether it is a traceparent to pass on as it is
     */
    static boolean isValid(String value) {
        if (value == null || value.length() < LENGTH) {
            return false;
        }
        if (!isHex(value.charAt(0)) || !isHex(value.charAt(1)) || value.charAt(2) != '-' || value.startsWith("ff")) {
            return false;
        }
        if (value.startsWith("00") ? value.length() != LENGTH
                : value.length() > LENGTH && value.charAt(LENGTH) != '-') {
            return false;
        }
        if (value.charAt(TRACE_ID_END) != '-' || value.charAt(PARENT_ID_END) != '-') {
            return false;
        }
        return digits(value, TRACE_ID_START, TRACE_ID_END) > 0 && digits(value, TRACE_ID_END + 1, PARENT_ID_END) > 0
                && digits(value, PARENT_ID_END + 1, LENGTH) >= 0;
    }

    /**
     * @return -1 when a character in the range is not lowercase hex, else 0 when all are {@code 0}
     *     (an id that is all zero is invalid), else more
     */
    private static int digits(String value, int from, int to) {
        int set = 0;
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (!isHex(c)) {
                return -1;
            }
            set |= c ^ '0';
        }
        return set;
    }

    /**
     * @param valid a value {@link #isValid} accepted
     * @return its trace id, 32 lowercase hex digits
     */
    static String traceId(String valid) {
        return valid.substring(TRACE_ID_START, TRACE_ID_END);
    }

    /**
     * @return a new trace: version 00, a random trace id and parent id (never all zero), flags
     *     {@code 01}: sampled, because Berth records every request it starts a trace for (the
     *     access log's {@code {trace_id}}) and a tracer after it should record it too
     */
    static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high;
        long low;
        do {
            high = random.nextLong();
            low = random.nextLong();
        } while (high == 0 && low == 0);
        long parent;
        do {
            parent = random.nextLong();
        } while (parent == 0);
        // One char array, filled in place: a StringBuilder appending char by char cost twice as much.
        char[] value = new char[LENGTH];
        value[0] = '0';
        value[1] = '0';
        value[2] = '-';
        putHex(value, TRACE_ID_START, high);
        putHex(value, TRACE_ID_START + 16, low);
        value[TRACE_ID_END] = '-';
        putHex(value, TRACE_ID_END + 1, parent);
        value[PARENT_ID_END] = '-';
        value[PARENT_ID_END + 1] = '0';
        value[PARENT_ID_END + 2] = '1';
        return new String(value);
    }

    /** Writes the 16 hex digits of {@code value} at {@code at}, most significant first. */
    private static void putHex(char[] out, int at, long value) {
        for (int i = 15; i >= 0; i--) {
            out[at + i] = HEX[(int) value & 0xf];
            value >>>= 4;
        }
    }

    /** Lowercase hex only: the specification's HEXDIGLC. */
    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }
}
