package io.berth.middleware.internal;

/**
 * The JSON Swift's memcache values are made of, written as Python's {@code json.dumps} writes it
 * (non-ASCII as {@code \\uXXXX}) and read strictly: a string, and tempauth's token record
 * {@code [EXPIRES, "GROUPS"]}. Two fixed shapes of a few dozen bytes do not warrant a JSON library
 * in this bundle; anything else reads as {@code null}, as an unreadable cache entry should.
 */
final class SwiftJson {

    private SwiftJson() {
    }

    /** A JSON string literal, as {@code json.dumps} writes it. */
    static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** @return the string a JSON text holds, or {@code null} when it holds anything else */
    static String string(String json) {
        if (json == null) {
            return null;
        }
        Reader reader = new Reader(json);
        String value = reader.string();
        return value != null && reader.end() ? value : null;
    }

    /** Tempauth's token record: when it expires (Unix seconds) and the user's groups. */
    record TokenRecord(double expires, String groups) {
    }

    /** @return the {@code [EXPIRES, "GROUPS"]} a JSON text holds, or {@code null} */
    static TokenRecord tokenRecord(String json) {
        if (json == null) {
            return null;
        }
        Reader reader = new Reader(json);
        if (!reader.take('[')) {
            return null;
        }
        Double expires = reader.number();
        if (expires == null || !reader.take(',')) {
            return null;
        }
        String groups = reader.string();
        if (groups == null || !reader.take(']') || !reader.end()) {
            return null;
        }
        return new TokenRecord(expires, groups);
    }

    /** {@code [EXPIRES, "GROUPS"]} as Swift writes it. */
    static String tokenRecord(double expires, String groups) {
        return "[" + java.math.BigDecimal.valueOf(expires).toPlainString() + ", " + quote(groups) + "]";
    }

    private static final class Reader {
        private final String text;
        private int pos;

        Reader(String text) {
            this.text = text;
        }

        private void space() {
            while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
                pos++;
            }
        }

        boolean take(char c) {
            space();
            if (pos < text.length() && text.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        boolean end() {
            space();
            return pos == text.length();
        }

        Double number() {
            space();
            int start = pos;
            while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
                pos++;
            }
            try {
                double value = Double.parseDouble(text.substring(start, pos));
                return Double.isFinite(value) ? value : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }

        String string() {
            if (!take('"')) {
                return null;
            }
            StringBuilder out = new StringBuilder();
            while (pos < text.length()) {
                char c = text.charAt(pos++);
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    return null;
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (pos == text.length()) {
                    return null;
                }
                char e = text.charAt(pos++);
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (pos + 4 > text.length()) {
                            return null;
                        }
                        try {
                            out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException bad) {
                            return null;
                        }
                        pos += 4;
                    }
                    default -> {
                        return null;
                    }
                }
            }
            return null;
        }
    }
}
