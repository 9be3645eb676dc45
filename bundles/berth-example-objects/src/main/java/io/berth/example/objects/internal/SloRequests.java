package io.berth.example.objects.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.berth.example.objects.internal.ObjectStore.Account;
import io.berth.example.objects.internal.ObjectStore.BodyReadException;
import io.berth.example.objects.internal.ObjectStore.Container;
import io.berth.example.objects.internal.ObjectStore.StoredObject;
import io.berth.example.objects.internal.Requests.Target;
import io.berth.example.objects.internal.SloManifest.Requested;
import io.berth.example.objects.internal.SloManifest.Segment;

/**
 * The requests that make and remove an SLO, as Swift 2.30's slo middleware answers them: a PUT
 * with {@code ?multipart-manifest=put} (each segment looked up with the user's rights), a DELETE
 * with {@code ?multipart-manifest=delete} (the segments, then the manifest, answered as a bulk
 * delete). Reading one is {@link StaticLargeObject}'s.
 */
final class SloRequests {

    /** Swift's bulk ACCEPTABLE_FORMATS, in its order of preference. */
    private static final List<String> FORMATS = List.of("text/plain", "application/json", "application/xml", "text/xml");

    private final ObjectStore store;
    /** Epoch milliseconds: an expired segment is not found ({@link Expiry}). */
    private final LongSupplier clock;

    SloRequests(ObjectStore store, LongSupplier clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * What a manifest PUT stores, checked.
     *
     * @param body the manifest as stored, for the object's data
     * @param etag the SLO's ETag, bare
     * @param sysmeta what marks the object an SLO
     */
    record Upload(byte[] body, String etag, Map<String, String> sysmeta) {
    }

    /**
     * Reads and checks a manifest PUT's body: its form ({@link SloManifest#parse}), then each
     * segment as a HEAD of the user's would find it.
     *
     * @return the manifest to store, or null when segments were refused: the 400 naming them is
     *         answered, in the format the Accept header asks for, as Swift does
     * @throws SwiftException 405 with X-Copy-From, 411 without a length, 413 over Swift's limits,
     *         400 for a body that is no manifest, 422 for an ETag that is not the SLO's
     */
    Upload upload(HttpServletRequest request, HttpServletResponse response, Account account, Target target)
            throws IOException {
        String copyFrom = request.getHeader("X-Copy-From");
        if (copyFrom != null && !copyFrom.isEmpty()) {
            throw new SwiftException(405, "Multipart Manifest PUTs cannot be COPY requests");
        }
        long length = request.getContentLengthLong();
        String encoding = request.getHeader("Transfer-Encoding");
        if (length < 0 && (encoding == null || !encoding.toLowerCase(Locale.ROOT).equals("chunked"))) {
            throw new SwiftException(411, "Length Required: send Content-Length or a chunked body");
        }
        if (length > SloManifest.MAX_MANIFEST_SIZE) {
            throw new SwiftException(413, "Manifest File > " + SloManifest.MAX_MANIFEST_SIZE + " bytes");
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            // As Swift reads it: what is longer is cut, and then not JSON.
            body = in.readNBytes(SloManifest.MAX_MANIFEST_SIZE);
        } catch (IOException e) {
            throw new BodyReadException("Reading the manifest of '" + target.object() + "' failed: " + e.getMessage(), 0, e);
        }
        List<Requested> requested = SloManifest.parse(body, target);
        // Inline data does not count, as in Swift.
        if (requested.stream().filter(wanted -> wanted.data() == null).count() > SloManifest.MAX_MANIFEST_SEGMENTS) {
            throw new SwiftException(413, "Number of object-backed segments must be <= " + SloManifest.MAX_MANIFEST_SEGMENTS);
        }
        String format = accepted(request.getHeader("Accept"));
        Map<String, Object> heads = new HashMap<>();
        List<String[]> problems = new ArrayList<>();
        List<Segment> segments = new ArrayList<>();
        long total = 0;
        for (int index = 0; index < requested.size(); index++) {
            Requested wanted = requested.get(index);
            if (wanted.data() != null) {
                segments.add(Segment.inline(wanted.data()));
                total += segments.get(segments.size() - 1).bytes();
                continue;
            }
            Object head = heads.get(wanted.path());
            if (head == null) {
                head = head(request, account, wanted);
                heads.put(wanted.path(), head);
            }
            String name = Requests.quote(wanted.path());
            if (head instanceof String) {
                problems.add(new String[] {name, (String) head});
                continue;
            }
            Segment segment = segment(wanted, (StoredObject) head, index == requested.size() - 1, name, problems);
            segments.add(segment);
            total += segment.length();
        }
        if (!problems.isEmpty()) {
            String answer = body(format == null ? "text/plain" : format, new LinkedHashMap<>(), problems, "upload");
            Responses.body(response, 400, format == null ? "text/plain" : format, answer);
            return null;
        }
        String etag = SloManifest.etag(segments);
        String sent = request.getHeader("ETag");
        if (sent != null && !sent.isBlank() && !sent.trim().replace("\"", "").equals(etag)) {
            throw new SwiftException(422, "Unprocessable Entity: the ETag sent (" + sent.trim()
                    + ") is not the SLO's, the MD5 of its segments' ETags (" + etag + ")");
        }
        return new Upload(SloManifest.write(segments).getBytes(StandardCharsets.UTF_8), etag,
                StaticLargeObject.sysmeta(etag, total));
    }

    /** The segment as a HEAD of the user's finds it, or the status of that HEAD's failure. */
    private Object head(HttpServletRequest request, Account account, Requested segment) throws IOException {
        Container container = account.containers.get(segment.container());
        try {
            Acls.authorize(request, new Target(account.name, segment.container(), segment.object()), container, "HEAD");
        } catch (SwiftException refused) {
            return status(refused.status);
        }
        StoredObject object = container == null ? null : store.head(container, segment.object());
        return object == null || Expiry.expired(object, clock.getAsLong()) ? status(404) : object;
    }

    /** The segment to store, each of its problems added as Swift's validate_seg_dict finds them. */
    private static Segment segment(Requested wanted, StoredObject object, boolean last, String name,
            List<String[]> problems) {
        boolean slo = StaticLargeObject.is(object);
        long size = slo ? Long.parseLong(object.sysmeta().get(StaticLargeObject.SYSMETA_SIZE)) : object.size();
        String etag = slo ? object.sysmeta().get(StaticLargeObject.SYSMETA_ETAG) : object.etag();
        String range = null;
        long length = size;
        if (wanted.range() != null) {
            if (!SloManifest.satisfiable(wanted.range(), size)) {
                problems.add(new String[] {name, "Unsatisfiable Range"});
            } else {
                long[] used = wanted.range().forLength(size).get(0);
                if (used[0] != 0 || used[1] != size) {
                    range = used[0] + "-" + (used[1] - 1);
                    length = used[1] - used[0];
                }
            }
        }
        if (length < 1 && !last) {
            problems.add(new String[] {name, "Too small; each segment must be at least 1 byte."});
        }
        if (wanted.sizeBytes() != null && wanted.sizeBytes() != size) {
            problems.add(new String[] {name, "Size Mismatch"});
        }
        if (wanted.etag() != null && !wanted.etag().equals(etag)) {
            problems.add(new String[] {name, "Etag Mismatch"});
        }
        // Swift takes the HEAD's Last-Modified, which has whole seconds.
        String lastModified = Times.listing(Times.lastModifiedSeconds(object.timestamp()) * 1_000_000);
        // And swob's content_type: the media type, without its parameters.
        String type = object.contentType().split(";", 2)[0].trim();
        return new Segment("/" + wanted.path().replaceFirst("^/+", ""), etag, size, type, lastModified, range, slo);
    }

    /**
     * {@code DELETE ?multipart-manifest=delete}: the segments (those of SLOs among them too),
     * then the manifest, each with the user's rights, answered 200 with a bulk delete's body.
     */
    void delete(HttpServletRequest request, HttpServletResponse response, Account account, Target target)
            throws IOException {
        String format = accepted(request.getHeader("Accept"));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("Response Status", status(200));
        result.put("Response Body", "");
        int deleted = 0;
        int notFound = 0;
        List<String[]> errors = new ArrayList<>();
        Deque<Item> items = new ArrayDeque<>();
        items.add(new Item("/" + target.container() + "/" + target.object(), true, null));
        while (format != null && !items.isEmpty()) {
            if (items.size() > SloManifest.MAX_MANIFEST_SEGMENTS * 10) {
                result.put("Response Status", status(400));
                result.put("Response Body", "Too many buffered slo segments to delete.");
                break;
            }
            Item item = items.poll();
            if (item.manifest) {
                SwiftException error = null;
                try {
                    for (Segment segment : segments(request, account, item.name)) {
                        if (segment.data() == null) {
                            items.add(new Item(segment.name(), segment.subSlo(), null));
                        }
                    }
                } catch (SwiftException e) {
                    error = e;
                }
                // The manifest after its segments.
                items.add(new Item(item.name, false, error));
                continue;
            }
            int status = item.error != null ? item.error.status : deleteOne(request, account, item.name);
            if (status / 100 == 2) {
                deleted++;
            } else if (status == 404) {
                notFound++;
            } else {
                String why = item.error != null ? item.error.getMessage() : status(status);
                errors.add(new String[] {Requests.quote(item.name), why});
            }
        }
        result.put("Number Deleted", deleted);
        result.put("Number Not Found", notFound);
        if (format == null) {
            result.put("Response Status", status(406));
        } else if (!errors.isEmpty()) {
            result.put("Response Status", status(400));
        } else if (deleted == 0 && notFound == 0) {
            result.put("Response Status", status(400));
            result.put("Response Body", "Invalid bulk delete.");
        }
        // Swift sets no type when none is acceptable: swob's default goes out, and a plain body.
        String type = format == null ? "text/html; charset=UTF-8" : format;
        Responses.body(response, 200, type, body(format == null ? "text/plain" : format, result, errors, "delete"));
    }

    /** An object to delete, or an SLO to read for its segments first. */
    private record Item(String name, boolean manifest, SwiftException error) {
    }

    /** The manifest's segments, read as Swift's slo reads them, with a GET of the user's. */
    private List<Segment> segments(HttpServletRequest request, Account account, String name) throws IOException {
        String container = name.substring(1, name.indexOf('/', 1));
        String object = name.substring(name.indexOf('/', 1) + 1);
        Container found = account.containers.get(container);
        try {
            Acls.authorize(request, new Target(account.name, container, object), found, "GET");
        } catch (SwiftException refused) {
            throw refused.status == 401 ? new SwiftException(401, status(401))
                    : new SwiftException(500, "Unable to load SLO manifest or segment.");
        }
        try (ObjectStore.Opened opened = found == null ? null : store.open(found, object)) {
            if (opened == null || Expiry.expired(opened.object(), clock.getAsLong())) {
                throw new SwiftException(404, "SLO manifest not found");
            }
            if (!StaticLargeObject.is(opened.object())) {
                throw new SwiftException(400, "Not an SLO manifest");
            }
            return SloManifest.read(new String(Channels.newInputStream(opened.channel()).readAllBytes(),
                    StandardCharsets.UTF_8));
        }
    }

    /** A DELETE of the user's: its status. */
    private int deleteOne(HttpServletRequest request, Account account, String name) throws IOException {
        String path = name.replaceFirst("^/+", "");
        int slash = path.indexOf('/');
        if (slash < 0) {
            return 404;
        }
        Container container = account.containers.get(path.substring(0, slash));
        try {
            Acls.authorize(request, new Target(account.name, path.substring(0, slash), path.substring(slash + 1)), container,
                    "DELETE");
        } catch (SwiftException refused) {
            return refused.status;
        }
        StoredObject gone = container == null ? null : store.delete(container, path.substring(slash + 1));
        return gone == null || Expiry.expired(gone, clock.getAsLong()) ? 404 : 204;
    }

    /**
     * Swift's bulk answer body (its get_response_body): JSON, XML, or plain text with the keys sorted,
     * then "Errors:" and a line per failure.
     */
    static String body(String format, Map<String, Object> result, List<String[]> errors, String root) {
        if (format.equals("application/json")) {
            Map<String, Object> json = new LinkedHashMap<>(result);
            List<Object> list = new ArrayList<>();
            errors.forEach(error -> list.add(List.of(error[0], error[1])));
            json.put("Errors", list);
            return Json.write(json);
        }
        StringBuilder out = new StringBuilder();
        boolean xml = format.endsWith("/xml");
        if (xml) {
            out.append('<').append(root).append(">\n");
        }
        new TreeMap<>(result).forEach((key, value) -> {
            if (xml) {
                String tag = key.replace(' ', '_').toLowerCase(Locale.ROOT);
                out.append('<').append(tag).append('>').append(escape(String.valueOf(value)))
                        .append("</").append(tag).append(">\n");
            } else {
                out.append(key).append(": ").append(value).append('\n');
            }
        });
        out.append(xml ? "<errors>\n" : "Errors:\n");
        for (String[] error : errors) {
            out.append(xml ? "<object><name>" + escape(error[0]) + "</name><status>" + escape(error[1]) + "</status></object>\n"
                    : error[0] + ", " + error[1] + "\n");
        }
        if (xml) {
            out.append("</errors>\n</").append(root).append(">\n");
        }
        return out.toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /**
     * The answer's format as swob's best_match picks it from Swift's bulk formats: the Accept
     * entries by quality, the first format an entry admits; text/plain without Accept.
     *
     * @return null when no format is acceptable
     */
    static String accepted(String accept) {
        if (accept == null || accept.isBlank()) {
            return FORMATS.get(0);
        }
        List<String[]> entries = new ArrayList<>();
        for (String part : accept.split(",")) {
            String[] pieces = part.trim().split(";");
            String q = "1";
            for (int i = 1; i < pieces.length; i++) {
                String param = pieces[i].trim();
                if (param.startsWith("q=")) {
                    q = param.substring(2);
                }
            }
            entries.add(new String[] {pieces[0].trim().toLowerCase(Locale.ROOT), q});
        }
        entries.sort((a, b) -> Double.compare(quality(b[1]), quality(a[1])));
        for (String[] entry : entries) {
            if (quality(entry[1]) <= 0) {
                continue;
            }
            for (String format : FORMATS) {
                String type = entry[0];
                if (type.equals("*/*") || type.equals(format)
                        || type.endsWith("/*") && format.startsWith(type.substring(0, type.length() - 1))) {
                    return format;
                }
            }
        }
        return null;
    }

    private static double quality(String q) {
        try {
            return Double.parseDouble(q);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A status line as Swift writes it in these bodies. */
    static String status(int status) {
        switch (status) {
            case 200: return "200 OK";
            case 400: return "400 Bad Request";
            case 401: return "401 Unauthorized";
            case 403: return "403 Forbidden";
            case 404: return "404 Not Found";
            case 406: return "406 Not Acceptable";
            case 409: return "409 Conflict";
            case 412: return "412 Precondition Failed";
            default: return status + (status >= 500 ? " Internal Server Error" : "");
        }
    }
}
