package io.berth.middleware.internal;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoField;
import java.util.List;

/**
 * The times of an access log line as Swift's proxy_logging writes them: durations and epoch
 * seconds with Python's decimals, and its StrFormatTime attributes ({@code {start_time.iso8601}}),
 * in UTC and the C locale. {@link AccessLogTemplate}'s fields call these.
 */
final class AccessLogTimes {

    /** The formats of a time (Swift's StrFormatTime): named ones, then strftime's directives. */
    static final List<String> FORMATS = List.of("datetime", "iso8601", "asctime", "s", "ms", "us", "ns",
            "a", "A", "b", "B", "c", "d", "H", "I", "j", "m", "M", "p", "S", "U", "w", "W", "x", "X", "y", "Y", "Z");

    private static final String[] DAYS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

    private static final String[] MONTHS = {"January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December"};

    private AccessLogTimes() {
    }

    /** Seconds with 4 decimals, Python's {@code '%.4f'}. */
    static void appendSeconds(StringBuilder line, long nanos) {
        long tenThousandths = (nanos + 50_000) / 100_000;
        line.append(tenThousandths / 10_000).append('.');
        appendPadded(line, tenThousandths % 10_000, 4);
    }

    /** Seconds since the epoch with 9 decimals, Swift's {@code str(StrFormatTime)}. */
    static void appendEpoch(StringBuilder line, long epochNanos) {
        line.append(Math.floorDiv(epochNanos, 1_000_000_000L)).append('.');
        appendPadded(line, Math.floorMod(epochNanos, 1_000_000_000L), 9);
    }

    private static void appendPadded(StringBuilder line, long value, int digits) {
        String text = Long.toString(value);
        for (int i = text.length(); i < digits; i++) {
            line.append('0');
        }
        line.append(text);
    }

    /** One of Swift's StrFormatTime attributes, in UTC and the C locale as Swift writes them. */
    static String formatTime(long epochNanos, String format) {
        long seconds = Math.floorDiv(epochNanos, 1_000_000_000L);
        long nanos = Math.floorMod(epochNanos, 1_000_000_000L);
        StringBuilder out = new StringBuilder(32);
        switch (format) {
            case "s":
                return Long.toString(seconds);
            case "ms":
                appendPadded(out, nanos / 1_000_000, 3);
                return out.toString();
            case "us":
                appendPadded(out, nanos / 1_000, 6);
                return out.toString();
            case "ns":
                appendPadded(out, nanos, 9);
                return out.toString();
            default:
                break;
        }
        LocalDateTime t = LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC);
        switch (format) {
            case "datetime":
                return strftime(out, t, "d/b/Y/H/M/S");
            case "iso8601":
                return strftime(out, t, "Y-m-dTH:M:S");
            case "asctime":
            case "c":
                strftime(out, t, "a b ");
                if (t.getDayOfMonth() < 10) {
                    out.append(' ');
                }
                out.append(t.getDayOfMonth()).append(' ');
                return strftime(out, t, "H:M:S Y");
            case "x":
                return strftime(out, t, "m/d/y");
            case "X":
                return strftime(out, t, "H:M:S");
            default:
                return strftime(out, t, format);
        }
    }

    /** Writes {@code pattern}, each letter taken as a strftime directive, anything else as itself. */
    private static String strftime(StringBuilder out, LocalDateTime t, String pattern) {
        int weekdayFromSunday = t.getDayOfWeek().getValue() % 7;
        int dayOfYear = t.getDayOfYear() - 1;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            switch (c) {
                case 'a' -> out.append(DAYS[t.getDayOfWeek().getValue() - 1], 0, 3);
                case 'A' -> out.append(DAYS[t.getDayOfWeek().getValue() - 1]);
                case 'b' -> out.append(MONTHS[t.getMonthValue() - 1], 0, 3);
                case 'B' -> out.append(MONTHS[t.getMonthValue() - 1]);
                case 'd' -> appendPadded(out, t.getDayOfMonth(), 2);
                case 'H' -> appendPadded(out, t.getHour(), 2);
                case 'I' -> appendPadded(out, t.get(ChronoField.CLOCK_HOUR_OF_AMPM), 2);
                case 'j' -> appendPadded(out, t.getDayOfYear(), 3);
                case 'm' -> appendPadded(out, t.getMonthValue(), 2);
                case 'M' -> appendPadded(out, t.getMinute(), 2);
                case 'p' -> out.append(t.getHour() < 12 ? "AM" : "PM");
                case 'S' -> appendPadded(out, t.getSecond(), 2);
                case 'U' -> appendPadded(out, (dayOfYear + 7 - weekdayFromSunday) / 7, 2);
                case 'w' -> out.append(weekdayFromSunday);
                case 'W' -> appendPadded(out, (dayOfYear + 7 - (weekdayFromSunday + 6) % 7) / 7, 2);
                case 'y' -> appendPadded(out, t.getYear() % 100, 2);
                case 'Y' -> out.append(t.getYear());
                case 'Z' -> out.append("UTC");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
