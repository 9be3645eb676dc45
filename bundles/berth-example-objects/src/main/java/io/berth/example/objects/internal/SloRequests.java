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
import java.util.Objects;
import java.util.function.LongSupplier;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

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

    private final ObjectStore store;
    /** Epoch milliseconds: an expired segment is not found ({@link Expiry}). */
    private final LongSupplier clock;
    /** Deletes the segments, each as a bulk delete's item. */
    private final BulkDelete bulk;

    SloRequests(ObjectStore store, LongSupplier clock) {
        this.store = store;
        this.clock = clock;
        this.bulk = new BulkDelete(store, clock);
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
        // Swift's slo answers a malformed Accept or one that takes none of them in text.
        String format = Objects.requireNonNullElse(Accept.bulkFormat(request.getHeader("Accept")), "text/plain");
        Map<String, Object> heads = new HashMap<>();
        List<List<String>> problems = new ArrayList<>();
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
                problems.add(List.of(name, (String) head));
                continue;
            }
            Segment segment = segment(wanted, (StoredObject) head, index == requested.size() - 1, name, problems);
            segments.add(segment);
            total += segment.length();
        }
        if (!problems.isEmpty()) {
            Responses.body(response, 400, format, BulkDeleteAnswer.body(format, new LinkedHashMap<>(), problems, "upload"));
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
            return BulkDeleteAnswer.statusLine(refused.status);
        }
        StoredObject object = container == null ? null : store.head(container, segment.object());
        return object == null || Expiry.expired(object, clock.getAsLong()) ? BulkDeleteAnswer.statusLine(404) : object;
    }

    /** The segment to store, each of its problems added as Swift's validate_seg_dict finds them. */
    private static Segment segment(Requested wanted, StoredObject object, boolean last, String name,
            List<List<String>> problems) {
        boolean slo = StaticLargeObject.is(object);
        long size = slo ? Long.parseLong(object.sysmeta().get(StaticLargeObject.SYSMETA_SIZE)) : object.size();
        String etag = slo ? object.sysmeta().get(StaticLargeObject.SYSMETA_ETAG) : object.etag();
        String range = null;
        long length = size;
        if (wanted.range() != null) {
            if (!SloManifest.satisfiable(wanted.range(), size)) {
                problems.add(List.of(name, "Unsatisfiable Range"));
            } else {
                long[] used = wanted.range().forLength(size).get(0);
                if (used[0] != 0 || used[1] != size) {
                    range = used[0] + "-" + (used[1] - 1);
                    length = used[1] - used[0];
                }
            }
        }
        if (length < 1 && !last) {
            problems.add(List.of(name, "Too small; each segment must be at least 1 byte."));
        }
        if (wanted.sizeBytes() != null && wanted.sizeBytes() != size) {
            problems.add(List.of(name, "Size Mismatch"));
        }
        if (wanted.etag() != null && !wanted.etag().equals(etag)) {
            problems.add(List.of(name, "Etag Mismatch"));
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
        String format = Accept.bulkFormat(request.getHeader("Accept"));
        BulkDeleteAnswer answer = new BulkDeleteAnswer();
        try {
            if (format == null) {
                throw new SwiftException(406, "");
            }
            Deque<Item> items = new ArrayDeque<>();
            items.add(new Item("/" + target.container() + "/" + target.object(), true, null));
            while (!items.isEmpty()) {
                if (items.size() > SloManifest.MAX_MANIFEST_SEGMENTS * 10) {
                    throw new SwiftException(400, "Too many buffered slo segments to delete.");
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
                } else if (item.error != null && item.error.status != 404) {
                    answer.failed(Requests.quote(item.name), item.error.getMessage());
                } else {
                    answer.outcome(Requests.quote(item.name), item.error != null ? 404 : deleteOne(request, account, item.name));
                }
            }
        } catch (SwiftException e) {
            answer.refused(e.status, e.getMessage());
        }
        answer.send(response, format);
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
            throw refused.status == 401 ? new SwiftException(401, BulkDeleteAnswer.statusLine(401))
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

    /** A DELETE of the user's, as a bulk delete's item: its status. */
    private int deleteOne(HttpServletRequest request, Account account, String name) throws IOException {
        String path = name.replaceFirst("^/+", "");
        int slash = path.indexOf('/');
        if (slash < 0) {
            return 404;
        }
        try {
            return bulk.delete(request, new Target(account.name, path.substring(0, slash), path.substring(slash + 1)));
        } catch (SwiftException refused) {
            return refused.status;
        }
    }
}
