package io.berth.pipeline.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Paste ini files as paste.deploy reads them (Python's ConfigParser, keys kept as written):
 * {@code [section]} headers, {@code key = value} or {@code key: value}, indented continuation
 * lines, {@code #} and {@code ;} comment lines, {@code %(name)s} interpolation from
 * {@code [DEFAULT]} (plus {@code here} and {@code __file__}). Several files read into one
 * model merge key by key, later files winning, as ConfigParser.read() and oslo's config-dir do.
 * Every option remembers the file and line it came from, for error messages.
 *
 * <p>Written here rather than taken from a library, on purpose: Java's ini readers (ini4j, Commons
 * Configuration) follow their own rules, not ConfigParser's — continuation lines, {@code ;}
 * comments, {@code %(name)s} from {@code [DEFAULT]}, keys as written, several files merged key by
 * key — and those rules are what lets a Swift or Neutron paste file import unchanged; an error must
 * also name the file and the line, which they do not keep.
 */
final class PasteIni {

    static final String DEFAULT = "DEFAULT";

    /** One {@code key = value}, where it was written. */
    record Option(String key, String value, Path file, int line) {
    }

    /** A section; its first header names where it starts. */
    static final class Section {
        final String name;
        final Path file;
        final int line;
        final Map<String, Option> options = new LinkedHashMap<>();

        Section(String name, Path file, int line) {
            this.name = name;
            this.file = file;
            this.line = line;
        }

        String where() {
            return file + ", [" + name + "] line " + line;
        }

        String where(Option option) {
            return option.file + ", [" + name + "] line " + option.line;
        }
    }

    /** Thrown for a file that cannot be read as a paste ini: the message names file, section and line. */
    static final class PasteException extends Exception {
        private static final long serialVersionUID = 1L;

        PasteException(String message) {
            super(message);
        }
    }

    final Map<String, Section> sections = new LinkedHashMap<>();

    /** Reads the files in order; a later file's values win. */
    static PasteIni read(List<Path> files) throws PasteException {
        PasteIni ini = new PasteIni();
        for (Path file : files) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new PasteException(file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
            }
            ini.parse(file, text(file, bytes));
        }
        return ini;
    }

    /**
     * A file's text as paste.deploy reads it: UTF-8 (a UTF-8 byte order mark is skipped, as
     * Python's utf-8-sig does). Anything else (UTF-16 or UTF-32, a file in a legacy encoding, a
     * binary file) would be read as garbled keys, or not at all: it is named instead.
     *
     * @throws PasteException {@code FILE: not a text file in UTF-8: WHAT}, one line
     */
    static String text(Path file, byte[] bytes) throws PasteException {
        String problem = notText(bytes);
        if (problem != null) {
            throw new PasteException(file + ": not a text file in UTF-8: " + problem);
        }
        int start = startsWith(bytes, 0xEF, 0xBB, 0xBF) ? 3 : 0;
        return new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8);
    }

    /** @return what shows the bytes are not UTF-8 text, or null */
    private static String notText(byte[] bytes) {
        // UTF-32's marks first: UTF-32LE's starts with UTF-16LE's.
        if (startsWith(bytes, 0xFF, 0xFE, 0x00, 0x00) || startsWith(bytes, 0x00, 0x00, 0xFE, 0xFF)) {
            return "UTF-32 byte order mark at the start";
        }
        if (startsWith(bytes, 0xFF, 0xFE) || startsWith(bytes, 0xFE, 0xFF)) {
            return "UTF-16 byte order mark at the start";
        }
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            if (b == 0) {
                return "a NUL byte at line " + line(bytes, i)
                        + " (UTF-16 or UTF-32 without a byte order mark, or not text at all)";
            }
            if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' || b == 0x7F) {
                return String.format("control character 0x%02X at line %d (not text?)", b, line(bytes, i));
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int at = in.position();
            return String.format("byte 0x%02X at line %d is not UTF-8 (saved as ISO-8859-1 or Windows-1252?)",
                    bytes[at] & 0xFF, line(bytes, at));
        }
        return null;
    }

    private static boolean startsWith(byte[] bytes, int... prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((bytes[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int line(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    /** Adds one file's sections to this model. */
    void parse(Path file, String text) throws PasteException {
        Set<String> inThisFile = new HashSet<>();
        Section section = null;
        Option last = null;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            String raw = lines[i];
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                // ConfigParser ends a value at a blank line only when the next line is not indented; comments never continue one.
                if (line.isEmpty()) {
                    last = null;
                }
                continue;
            }
            if (Character.isWhitespace(raw.charAt(0)) && last != null && section != null) {
                last = new Option(last.key(), last.value() + "\n" + line, last.file(), last.line());
                section.options.put(last.key(), last);
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]") || line.length() < 3) {
                    throw new PasteException(file + ", line " + number + ": '" + line + "' is not a section header");
                }
                String name = line.substring(1, line.length() - 1).strip();
                if (!inThisFile.add(name)) {
                    throw new PasteException(file + ", line " + number + ": section [" + name + "] appears twice in this file");
                }
                section = sections.computeIfAbsent(name, n -> new Section(n, file, number));
                last = null;
                continue;
            }
            if (section == null) {
                throw new PasteException(file + ", line " + number + ": '" + line + "' comes before any [section]");
            }
            int equals = line.indexOf('=');
            int colon = line.indexOf(':');
            int split = equals < 0 ? colon : colon < 0 ? equals : Math.min(equals, colon);
            if (split <= 0) {
                throw new PasteException(file + ", [" + section.name + "] line " + number + ": '" + line
                        + "' is not 'key = value'");
            }
            String key = line.substring(0, split).strip();
            // "set key = value" and "get key = name" keep their word: paste.deploy reads them so.
            key = key.replaceAll("\\s+", " ");
            last = new Option(key, line.substring(split + 1).strip(), file, number);
            section.options.put(key, last);
        }
    }

    Section section(String name) {
        return sections.get(name);
    }

    /** The value of an option with {@code %(name)s} replaced from [DEFAULT], {@code here} and {@code __file__}. */
    String interpolate(Section section, Option option) throws PasteException {
        String value = option.value();
        if (value.indexOf('%') < 0) {
            return value;
        }
        return interpolate(section, option, value, 0);
    }

    private String interpolate(Section section, Option option, String value, int depth) throws PasteException {
        if (depth > 10) {
            throw new PasteException(section.where(option) + ": " + option.key() + ": %(...)s refers to itself");
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '%') {
                out.append(c);
            } else if (value.startsWith("%%", i)) {
                out.append('%');
                i++;
            } else if (value.startsWith("%(", i)) {
                int close = value.indexOf(")s", i);
                if (close < 0) {
                    throw new PasteException(section.where(option) + ": " + option.key() + ": '%(' without ')s'");
                }
                String name = value.substring(i + 2, close);
                out.append(interpolate(section, option, lookup(section, option, name), depth + 1));
                i = close + 1;
            } else {
                throw new PasteException(section.where(option) + ": " + option.key()
                        + ": a lone '%' (write %% for a percent sign)");
            }
        }
        return out.toString();
    }

    private String lookup(Section section, Option option, String name) throws PasteException {
        if (name.equals("here")) {
            Path parent = option.file().toAbsolutePath().getParent();
            return parent == null ? "" : parent.toString();
        }
        if (name.equals("__file__")) {
            return option.file().toAbsolutePath().toString();
        }
        Section defaults = sections.get(DEFAULT);
        Option found = defaults == null ? null : defaults.options.get(name);
        if (found == null) {
            throw new PasteException(section.where(option) + ": " + option.key() + ": %(" + name
                    + ")s is not set in [DEFAULT]");
        }
        return found.value();
    }

    /** Names of the sections whose name starts with {@code prefix:}, without it. */
    List<String> named(String prefix) {
        List<String> names = new ArrayList<>();
        for (String name : sections.keySet()) {
            if (name.startsWith(prefix + ":")) {
                names.add(name.substring(prefix.length() + 1).strip());
            }
        }
        return names;
    }
}
