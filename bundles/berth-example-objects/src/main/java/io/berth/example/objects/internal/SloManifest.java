package io.berth.example.objects.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.berth.example.objects.internal.Requests.Target;

/**
 * An SLO's manifest in its two forms: as a client PUTs it ({@code path}, {@code etag},
 * {@code size_bytes}, {@code range}, or inline base64 {@code data}), checked as Swift 2.30's slo
 * middleware checks it before it looks at a segment; and as it is stored and answered to
 * {@code ?multipart-manifest=get} ({@code name}, {@code hash}, {@code bytes}, {@code content_type},
 * {@code last_modified}, {@code range}, {@code sub_slo}; or {@code data}), the object's data.
 */
final class SloManifest {

    /** Swift's defaults: its operators may change them, this app keeps them. */
    static final int MAX_MANIFEST_SEGMENTS = 1000;
    static final int MAX_MANIFEST_SIZE = 8 * 1024 * 1024;

    private static final Set<String> PATH_KEYS = Set.of("path", "etag", "size_bytes", "range");
    private static final Set<String> DATA_KEYS = Set.of("data");

    private SloManifest() {
    }

    /**
     * A segment as the PUT names it.
     *
     * @param path {@code /container/object}, not percent-decoded, as Swift takes it
     * @param etag the ETag it must have, or null
     * @param sizeBytes the size it must have, or null
     * @param range the one range of it to use, or null for all of it
     * @param data inline bytes in base64 (then no path), or null
     */
    record Requested(String path, String etag, Long sizeBytes, Ranges range, String data) {

        String container() {
            String name = path.replaceFirst("^/+", "");
            return name.substring(0, name.indexOf('/'));
        }

        String object() {
            String name = path.replaceFirst("^/+", "");
            return name.substring(name.indexOf('/') + 1);
        }
    }

    /**
     * A segment as stored.
     *
     * @param name {@code /container/object}
     * @param hash the segment's ETag, bare
     * @param bytes the whole segment's size (a sub-SLO's total)
     * @param range the inclusive {@code first-last} used of it, or null for all of it
     * @param subSlo the segment is an SLO itself
     * @param data inline bytes in base64, or null: then bytes is their length and hash their MD5, as
     *        Swift counts them in the SLO's ETag
     */
    record Segment(String name, String hash, long bytes, String contentType, String lastModified, String range,
            boolean subSlo, String data) {

        Segment(String name, String hash, long bytes, String contentType, String lastModified, String range,
                boolean subSlo) {
            this(name, hash, bytes, contentType, lastModified, range, subSlo, null);
        }

        static Segment inline(String data) {
            byte[] raw = Base64.getDecoder().decode(data);
            return new Segment(null, HexFormat.of().formatHex(StoreFiles.md5().digest(raw)), raw.length, null, null, null,
                    false, data);
        }

        /** Where the used bytes start in the segment. */
        long first() {
            return range == null ? 0 : Long.parseLong(range.substring(0, range.indexOf('-')));
        }

        /** How many bytes of the segment the SLO holds. */
        long length() {
            return range == null ? bytes : Long.parseLong(range.substring(range.indexOf('-') + 1)) - first() + 1;
        }

        String container() {
            return name.substring(1, name.indexOf('/', 1));
        }

        String object() {
            return name.substring(name.indexOf('/', 1) + 1);
        }

        /** In the order Swift stores the keys. */
        Map<String, Object> stored() {
            if (data != null) {
                return Map.of("data", data);
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", name);
            json.put("bytes", bytes);
            json.put("hash", hash);
            json.put("content_type", contentType);
            json.put("last_modified", lastModified);
            if (range != null) {
                json.put("range", range);
            }
            if (subSlo) {
                json.put("sub_slo", Boolean.TRUE);
            }
            return json;
        }

        /** The form a PUT takes, keys sorted as Swift's {@code format=raw} writes them. */
        Map<String, Object> raw() {
            if (data != null) {
                return Map.of("data", data);
            }
            Map<String, Object> json = new TreeMap<>();
            json.put("path", name);
            json.put("etag", hash);
            json.put("size_bytes", bytes);
            if (range != null) {
                json.put("range", range);
            }
            return json;
        }
    }

    /**
     * A PUT's body, checked as Swift's parse_and_validate_input: every problem of every segment
     * found before any is looked up, each a line of the 400's body.
     *
     * @throws SwiftException 400 with Swift's text when the body is not a list of valid segments
     */
    static List<Requested> parse(byte[] body, Target target) {
        Object parsed;
        try {
            parsed = Json.parse(new String(body, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new SwiftException(400, "Manifest must be valid JSON.");
        }
        if (!(parsed instanceof List)) {
            throw new SwiftException(400, "Manifest must be a list.");
        }
        List<?> items = (List<?>) parsed;
        List<Requested> segments = new ArrayList<>();
        StringBuilder errors = new StringBuilder();
        for (int index = 0; index < items.size(); index++) {
            String problem = problem(items.get(index), index, index == items.size() - 1, target, segments);
            if (problem != null) {
                errors.append("Index ").append(index).append(": ").append(problem).append('\n');
            }
        }
        if (!items.isEmpty() && items.stream().allMatch(item -> item instanceof Map && ((Map<?, ?>) item).containsKey("data"))) {
            errors.append("Inline data segments require at least one object-backed segment.\n");
        }
        if (errors.length() > 0) {
            // The answer ends each line, the last one too.
            throw new SwiftException(400, errors.substring(0, errors.length() - 1));
        }
        return segments;
    }

    /** What is wrong with one item, or null when it is a segment (then added). */
    private static String problem(Object item, int index, boolean last, Target target, List<Requested> segments) {
        if (!(item instanceof Map)) {
            return "not a JSON object";
        }
        Map<?, ?> segment = (Map<?, ?>) item;
        boolean inline = segment.containsKey("data");
        if (!inline && !segment.containsKey("path")) {
            return "expected keys to include one of 'data' or 'path'";
        }
        Set<String> extraneous = new TreeSet<>();
        segment.keySet().forEach(key -> {
            if (!(inline ? DATA_KEYS : PATH_KEYS).contains(String.valueOf(key))) {
                extraneous.add(Json.write(String.valueOf(key)));
            }
        });
        if (!extraneous.isEmpty()) {
            return "extraneous keys " + String.join(", ", extraneous);
        }
        if (inline) {
            byte[] data = base64(segment.get("data"));
            if (data == null) {
                return "data must be valid base64";
            }
            if (data.length < 1) {
                return "too small; each segment must be at least 1 byte.";
            }
            // Kept re-encoded, its padding made regular, as Swift keeps it.
            segments.add(new Requested(null, null, null, null, Base64.getEncoder().encodeToString(data)));
            return null;
        }
        if (!(segment.get("path") instanceof String)) {
            return "\"path\" must be a string";
        }
        Object etag = segment.get("etag");
        if (etag != null && !(etag instanceof String)) {
            return "\"etag\" must be a string or null (if provided)";
        }
        String path = (String) segment.get("path");
        if (!path.replaceAll("^/+|/+$", "").contains("/")) {
            return "path does not refer to an object. Path must be of the form /container/object.";
        }
        Long size = null;
        if (segment.get("size_bytes") != null) {
            size = sizeBytes(segment.get("size_bytes"));
            if (size == null) {
                return "invalid size_bytes";
            }
            if (size < 1 && !last) {
                return "too small; each segment must be at least 1 byte.";
            }
        }
        if (path.replaceFirst("^/+", "").equals(target.container() + "/" + target.object())) {
            return "manifest must not include itself as a segment";
        }
        Ranges range = null;
        Object rangeText = segment.get("range");
        if (rangeText != null && !"".equals(rangeText)) {
            range = rangeText instanceof String ? Ranges.parse("bytes=" + rangeText) : null;
            if (range == null) {
                return "invalid range";
            }
            if (range.count() > 1) {
                return "multiple ranges (only one allowed)";
            }
            if (size != null && !satisfiable(range, size)) {
                return "unsatisfiable range";
            }
        }
        segments.add(new Requested(path, (String) etag, size, range, null));
        return null;
    }

    /**
     * Swift's strict_b64decode: only the base64 alphabet, '=' only at the ends, and the padding
     * Python's decoder needs.
     *
     * @return the bytes, or null when Swift would refuse them
     */
    private static byte[] base64(Object value) {
        if (!(value instanceof String)) {
            return null;
        }
        String text = (String) value;
        String core = text.replaceAll("^=+|=+$", "");
        int padding = text.length() - text.replaceAll("=+$", "").length();
        if (!core.matches("[A-Za-z0-9/+]*") || core.length() % 4 == 1 || padding < (4 - core.length() % 4) % 4) {
            return null;
        }
        return Base64.getDecoder().decode(core);
    }

    /** Python's int() of a number or a string of digits; null for what it refuses. */
    private static Long sizeBytes(Object value) {
        if (value instanceof Number) {
            return ((Number) value).longValue();
        }
        if (value instanceof String && ((String) value).strip().matches("[+-]?[0-9]{1,18}")) {
            return Long.parseLong(((String) value).strip().replace("+", ""));
        }
        return null;
    }

    static boolean satisfiable(Ranges range, long size) {
        try {
            return range.forLength(size).size() == 1;
        } catch (SwiftException unsatisfiable) {
            return false;
        }
    }

    /** The stored manifest, as the SLO's data holds it. */
    static List<Segment> read(String json) {
        List<Segment> segments = new ArrayList<>();
        for (Object item : (List<?>) Json.parse(json)) {
            Map<?, ?> segment = (Map<?, ?>) item;
            if (segment.containsKey("data")) {
                segments.add(Segment.inline((String) segment.get("data")));
                continue;
            }
            segments.add(new Segment((String) segment.get("name"), (String) segment.get("hash"),
                    Json.longValue(segment.get("bytes")), (String) segment.get("content_type"),
                    (String) segment.get("last_modified"), (String) segment.get("range"),
                    Boolean.TRUE.equals(segment.get("sub_slo"))));
        }
        return segments;
    }

    static String write(List<Segment> segments) {
        List<Object> json = new ArrayList<>();
        segments.forEach(segment -> json.add(segment.stored()));
        return Json.write(json);
    }

    /** The {@code ?multipart-manifest=get&format=raw} answer: what a PUT of it would take. */
    static String raw(List<Segment> segments) {
        List<Object> json = new ArrayList<>();
        segments.forEach(segment -> json.add(segment.raw()));
        return Json.write(json);
    }

    /** Swift's SLO ETag, bare: the MD5 of the segments' ETags, each with {@code :range;} when it has one. */
    static String etag(List<Segment> segments) {
        MessageDigest md5 = StoreFiles.md5();
        for (Segment segment : segments) {
            String part = segment.range() == null ? segment.hash() : segment.hash() + ":" + segment.range() + ";";
            md5.update(part.getBytes(StandardCharsets.US_ASCII));
        }
        return HexFormat.of().formatHex(md5.digest());
    }
}
