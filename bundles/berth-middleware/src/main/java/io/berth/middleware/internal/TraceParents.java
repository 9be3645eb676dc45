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
        if (!isHex(value, 0, 2) || value.charAt(2) != '-' || value.startsWith("ff")) {
            return false;
        }
        if (value.startsWith("00") ? value.length() != LENGTH
                : value.length() > LENGTH && value.charAt(LENGTH) != '-') {
            return false;
        }
        return isHex(value, TRACE_ID_START, TRACE_ID_END) && value.charAt(TRACE_ID_END) == '-'
                && isHex(value, TRACE_ID_END + 1, PARENT_ID_END) && value.charAt(PARENT_ID_END) == '-'
                && isHex(value, PARENT_ID_END + 1, LENGTH)
                && !isZero(value, TRACE_ID_START, TRACE_ID_END) && !isZero(value, TRACE_ID_END + 1, PARENT_ID_END);
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
        StringBuilder value = new StringBuilder(LENGTH).append("00-");
        appendHex(value, high);
        appendHex(value, low);
        value.append('-');
        appendHex(value, parent);
        return value.append("-01").toString();
    }

    private static void appendHex(StringBuilder out, long value) {
        for (int shift = 60; shift >= 0; shift -= 4) {
            out.append(HEX[(int) (value >>> shift) & 0xf]);
        }
    }

    /** Lowercase hex only: the specification's HEXDIGLC. */
    private static boolean isHex(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isZero(String value, int from, int to) {
        for (int i = from; i < to; i++) {
            if (value.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}
