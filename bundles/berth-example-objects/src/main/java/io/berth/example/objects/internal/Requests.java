package io.berth.example.objects.internal;

import java.net.URLConnection;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;

import io.berth.api.Berth;
import io.berth.api.Headers;

/** Reading what a Swift request says: its path, its metadata headers and its ACL entries ({@link Ranges}: its ranges). */
final class Requests {

    static final int MAX_OBJECT_NAME_LENGTH = 1024;
    static final int MAX_CONTAINER_NAME_LENGTH = 256;
    static final int MAX_ACCOUNT_NAME_LENGTH = 256;
    static final int MAX_META_NAME_LENGTH = 128;
    static final int MAX_META_VALUE_LENGTH = 256;
    static final int MAX_META_COUNT = 90;
    static final int MAX_META_OVERALL_SIZE = 4096;

    /** Swift's proxy answer (412) for a path, or a copy's source or destination, that is not UTF-8 or holds NUL. */
    static final String INVALID_NAME = "Invalid UTF8 or contains NULL";

    /** A {@code %} not followed by two hex digits. */
    static final Pattern BAD_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("txt", "text/plain"), Map.entry("html", "text/html"), Map.entry("htm", "text/html"),
            Map.entry("css", "text/css"), Map.entry("csv", "text/csv"), Map.entry("js", "application/javascript"),
            Map.entry("json", "application/json"), Map.entry("xml", "application/xml"),
            Map.entry("pdf", "application/pdf"), Map.entry("zip", "application/zip"),
            Map.entry("gz", "application/gzip"), Map.entry("tar", "application/x-tar"),
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"), Map.entry("svg", "image/svg+xml"), Map.entry("webp", "image/webp"),
            Map.entry("mp4", "video/mp4"), Map.entry("mp3", "audio/mpeg"), Map.entry("iso", "application/x-iso9660-image"),
            Map.entry("sh", "application/x-sh"), Map.entry("py", "text/x-python"), Map.entry("md", "text/markdown"));

    private Requests() {
    }

    /** A Swift path: account, container and object, each null when the path stops before it. */
    record Target(String account, String container, String object) {
    }

    /**
     * The path under the pipeline's mount point, as sent and percent-decoded ({@link Berth#pathAsSent}):
     * the path tempauth checked, not the servlet API's, in which Jetty resolved dot segments.
     *
     * @throws SwiftException 412 {@value #INVALID_NAME}, Swift's answer, when the path is not UTF-8 or
     *         holds NUL; 400 naming what else is wrong with the encoding
     */
    static String path(HttpServletRequest request) {
        String raw = request.getRequestURI();
        // Jetty decodes raw bytes in the request line as UTF-8 and puts U+FFFD for those that are
        // not: taken as sent, that would store a name the client never sent. A client that sends
        // U+FFFD itself, unescaped, is refused as well: the two cannot be told apart.
        if (raw != null && raw.indexOf('\uFFFD') >= 0) {
            throw new SwiftException(412, INVALID_NAME);
        }
        String path;
        try {
            path = Berth.pathAsSent(request);
        } catch (IllegalArgumentException e) {
            if (raw != null && raw.startsWith(request.getContextPath()) && !BAD_ESCAPE.matcher(raw).find()) {
                throw new SwiftException(412, INVALID_NAME);
            }
            throw new SwiftException(400, e.getMessage());
        }
        String servletPath = request.getServletPath();
        if (!servletPath.isEmpty() && path.startsWith(servletPath)) {
            path = path.substring(servletPath.length());
        }
        return path;
    }

    /**
     * A parameter of the query string as Swift's {@code req.params} reads it (parse_qsl: + is a
     * space, a blank value kept, the last of a name winning); null when the query has none. Not
     * the servlet API's getParameter: on a PUT or POST with a form's Content-Type, as curl sends
     * with --data-binary, that reads the body, which is the object's bytes.
     */
    static String parameter(HttpServletRequest request, String name) {
        String query = request.getQueryString();
        if (query == null) {
            return null;
        }
        String value = null;
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            if (formDecode(equals < 0 ? pair : pair.substring(0, equals)).equals(name)) {
                value = equals < 0 ? "" : formDecode(pair.substring(equals + 1));
            }
        }
        return value;
    }

    /** As Python's unquote_plus: an escape that is not one stays as sent. */
    private static String formDecode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEscape) {
            return text.replace('+', ' ');
        }
    }

    /**
     * A header's value as the UTF-8 text the client sent ({@link Headers#utf8}), as Swift reads
     * Content-Type, X-Object-Manifest and the ACLs.
     *
     * @return null when the request has no such header
     * @throws SwiftException 400 naming the header when its bytes are not UTF-8
     */
    static String header(HttpServletRequest request, String name) {
        return header(request, name, 400, null);
    }

    /**
     * A header's value as the UTF-8 text the client sent, with Swift's answer for that header when
     * its bytes are not UTF-8 (which differs: 412 for a copy's source, 400 for metadata, ...).
     *
     * @param answer the body of that answer; null: one naming the header
     * @return null when the request has no such header
     */
    static String header(HttpServletRequest request, String name, int status, String answer) {
        try {
            return Headers.utf8(request, name);
        } catch (IllegalArgumentException e) {
            throw new SwiftException(status, answer != null ? answer : e.getMessage());
        }
    }

    /**
     * Percent-decodes strictly ({@link Berth#percentDecode}).
     *
     * @param what names the decoded thing in the error message
     * @throws SwiftException 400 for bad escapes, bytes that are not UTF-8, and NUL
     */
    static String decode(String encoded, String what) {
        try {
            return Berth.percentDecode(encoded, what);
        } catch (IllegalArgumentException e) {
            throw new SwiftException(400, e.getMessage());
        }
    }

    /** Percent-encodes as Python's urllib.parse.quote does (keeping /), for headers naming objects. */
    static String quote(String text) {
        return quote(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Bytes percent-encoded as Python's quote does: a bulk delete names the lines it could not decode so. */
    static String quote(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "/_.-~".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    /**
     * Splits {@code /v1/ACCOUNT[/CONTAINER[/OBJECT...]]} as Swift's proxy does
     * ({@code split_path(path, 1, 4, True)} in {@code get_controller}); the object keeps every /.
     * An empty segment at the end names nothing ({@code /v1/a/c/} is the container), one in the
     * middle leaves the path naming no resource ({@code /v1//c}, {@code /v1/a//o}).
     *
     * @throws SwiftException 404 when the path does not split ({@code /}, {@code //a}); 400 for
     *         an API version other than v1 and v1.0, or names over Swift's lengths; 412 "Bad URL",
     *         Swift's answer, when the path names no account, container or object ({@code /v1},
     *         {@code /v1/}, {@code /v1//c}, {@code /v1/a//o}, {@code /crossdomain.xml})
     */
    static Target target(String path) {
        String[] segments = path.split("/", 5);
        if (segments.length < 2 || !segments[0].isEmpty() || segments[1].isEmpty()) {
            throw new SwiftException(404, "Not found: " + path + " is not /info or /v1/ACCOUNT[/CONTAINER[/OBJECT]]");
        }
        String version = segments[1];
        String account = segments.length > 2 ? segments[2] : "";
        String container = segments.length > 3 ? segments[3] : "";
        String object = segments.length > 4 ? segments[4] : "";
        if (!account.isEmpty() && !version.equals("v1") && !version.equals("v1.0")) {
            throw new SwiftException(400, "Invalid path: API version '" + version + "' is not v1 or v1.0");
        }
        if (account.isEmpty() || container.isEmpty() && !object.isEmpty()) {
            throw new SwiftException(412, "Bad URL: " + path + " names no account, container or object");
        }
        check(account, MAX_ACCOUNT_NAME_LENGTH, "Account");
        if (container.isEmpty()) {
            return new Target(account, null, null);
        }
        check(container, MAX_CONTAINER_NAME_LENGTH, "Container");
        if (object.isEmpty()) {
            return new Target(account, container, null);
        }
        check(object, MAX_OBJECT_NAME_LENGTH, "Object");
        return new Target(account, container, object);
    }

    private static void check(String name, int max, String what) {
        int length = name.getBytes(StandardCharsets.UTF_8).length;
        if (length > max) {
            throw new SwiftException(400, what + " name length of " + length + " longer than " + max + " bytes");
        }
    }

    /**
     * The metadata headers of a request, named as Swift names them (title case), checked
     * against Swift's limits. An empty value, or an {@code X-Remove-...} header, asks for removal
     * (an empty value in the map).
     *
     * @param kind "object", "container" or "account"
     */
    static Map<String, String> metadata(HttpServletRequest request, String kind) {
        String prefix = "x-" + kind + "-meta-";
        String remove = "x-remove-" + kind + "-meta-";
        Map<String, String> meta = new LinkedHashMap<>();
        int count = 0;
        int size = 0;
        for (String header : Collections.list(request.getHeaderNames())) {
            String lower = header.toLowerCase(Locale.ROOT);
            String key;
            String value;
            if (lower.startsWith(prefix)) {
                key = header.substring(prefix.length());
                value = metaValue(request, header);
            } else if (lower.startsWith(remove) && !"object".equals(kind)) {
                key = header.substring(remove.length());
                value = "";
            } else {
                continue;
            }
            if (key.isEmpty()) {
                throw new SwiftException(400, "Metadata name cannot be empty");
            }
            String name = title(prefix + key);
            if (key.length() > MAX_META_NAME_LENGTH) {
                throw new SwiftException(400, "Metadata name too long (max " + MAX_META_NAME_LENGTH + " bytes): " + name);
            }
            // Swift's limits count the bytes sent, not the characters they spell.
            int valueBytes = value.getBytes(StandardCharsets.UTF_8).length;
            if (valueBytes > MAX_META_VALUE_LENGTH) {
                throw new SwiftException(400, "Metadata value longer than " + MAX_META_VALUE_LENGTH + " bytes: " + name);
            }
            count++;
            size += key.length() + valueBytes;
            meta.put(name, value);
        }
        if (count > MAX_META_COUNT) {
            throw new SwiftException(400, "Too many metadata items; max " + MAX_META_COUNT);
        }
        if (size > MAX_META_OVERALL_SIZE) {
            throw new SwiftException(400, "Total metadata too large; max " + MAX_META_OVERALL_SIZE + " bytes");
        }
        return meta;
    }

    /**
     * A metadata value as UTF-8 text. Swift refuses other bytes in account and container metadata
     * ("Metadata must be valid UTF-8"); in object metadata it keeps them as sent, which a store of
     * text cannot, so they are refused there too rather than stored as something else.
     */
    private static String metaValue(HttpServletRequest request, String header) {
        return header(request, header, 400, "Metadata must be valid UTF-8: " + title(header) + " is not");
    }

    /** Python's str.title(), which is how Swift spells the metadata headers it returns. */
    static String title(String header) {
        StringBuilder out = new StringBuilder(header.length());
        boolean start = true;
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (Character.isLetter(c)) {
                out.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
                start = false;
            } else {
                out.append(c);
                start = true;
            }
        }
        return out.toString();
    }

    /** The type Swift would guess from the name (Python's mimetypes), else application/octet-stream. */
    static String guessType(String name) {
        int dot = name.lastIndexOf('.');
        if (dot >= 0 && dot > name.lastIndexOf('/')) {
            String type = TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
            if (type != null) {
                return type;
            }
        }
        String guessed = URLConnection.guessContentTypeFromName(name);
        return guessed != null ? guessed : "application/octet-stream";
    }

    /** true, 1, yes, on, t, y: Swift's config_true_value. */
    static boolean isTrue(String value) {
        return value != null && List.of("true", "1", "yes", "on", "t", "y").contains(value.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * Whether a Swift ACL ({@code X-Container-Read} / {@code -Write}) grants a user: entries are
     * {@code account:user}, {@code account}, {@code *:user}, {@code account:*} or {@code *}, or one
     * of the user's groups ({@code isRole}: tempauth's roles, which Swift's tempauth matches);
     * referrer entries ({@code .r:...}, {@code .rlistings}) name no user and grant none here, nor
     * does {@code .admin}.
     *
     * @param user {@code account:user}, as the auth stage gives it in getRemoteUser()
     */
    static boolean aclGrants(String acl, String user, Predicate<String> isRole) {
        if (acl == null || acl.isBlank()) {
            return false;
        }
        int colon = user.indexOf(':');
        String account = colon < 0 ? user : user.substring(0, colon);
        String name = colon < 0 ? "" : user.substring(colon + 1);
        for (String entry : acl.split(",")) {
            entry = entry.strip();
            if (entry.isEmpty() || entry.startsWith(".")) {
                continue;
            }
            if (entry.equals("*") || entry.equals("*:*") || entry.equals(user) || entry.equals(account)
                    || entry.equals("*:" + name) || entry.equals(account + ":*") || isRole.test(entry)) {
                return true;
            }
        }
        return false;
    }
}
