package io.berth.example.objects.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.berth.example.objects.internal.ObjectStore.Entry;
import io.berth.example.objects.internal.ObjectStore.Opened;
import io.berth.example.objects.internal.ObjectStore.StoredObject;
import io.berth.example.objects.internal.Requests.Target;
import io.berth.example.objects.internal.SloManifest.Segment;

/**
 * A Static Large Object: the segments its manifest names ({@link SloManifest}), each the whole
 * object or one range of it, concatenated. Its size and ETag were fixed when the manifest was
 * PUT and are kept as the object's sysmeta, as Swift keeps them, so a HEAD reads no segment.
 * Each segment is read with the user's own rights and checked against the manifest as it is
 * read: one that changed fails the first segment with 409, as Swift answers, and cuts the
 * response after that.
 */
final class StaticLargeObject implements Content {

    static final String SYSMETA_ETAG = "X-Object-Sysmeta-Slo-Etag";
    static final String SYSMETA_SIZE = "X-Object-Sysmeta-Slo-Size";
    /** Swift's max_slo_recursion_depth: SLOs within SLOs, at most this deep. */
    private static final int MAX_DEPTH = 10;

    private final ObjectStore store;
    private final HttpServletRequest request;
    private final Account account;
    /** {@code /container/object}, for messages. */
    private final String path;
    private final StoredObject manifest;
    /** The manifest's bytes, read when segments are: a HEAD needs none of them. */
    private final FileChannel data;
    private final long now;
    private final int depth;
    private List<Segment> segments;
    /** A segment was sent: a failure from here on can only cut the response. */
    private boolean started;

    private StaticLargeObject(ObjectStore store, HttpServletRequest request, Account account, String path, Opened opened,
            long now, int depth) {
        this.store = store;
        this.request = request;
        this.account = account;
        this.path = path;
        this.manifest = opened.object();
        this.data = opened.channel();
        this.now = now;
        this.depth = depth;
    }

    static boolean is(StoredObject object) {
        return object.sysmeta().containsKey(SYSMETA_ETAG);
    }

    /** What marks an object an SLO: its ETag (bare) and total size. */
    static Map<String, String> sysmeta(String etag, long size) {
        Map<String, String> sysmeta = new LinkedHashMap<>();
        sysmeta.put(SYSMETA_ETAG, etag);
        sysmeta.put(SYSMETA_SIZE, Long.toString(size));
        return sysmeta;
    }

    /**
     * What a GET of an SLO sends: its segments, or with {@code multipart-manifest=get} its manifest
     * (with {@code format=raw} in the form a PUT takes).
     *
     * @param now epoch milliseconds: an expired segment is not found
     */
    static Content content(ObjectStore store, HttpServletRequest request, Account account, Target target, Opened opened,
            long now) throws IOException {
        if (!"get".equals(Requests.parameter(request, "multipart-manifest"))) {
            return new StaticLargeObject(store, request, account, "/" + target.container() + "/" + target.object(), opened,
                    now, 1);
        }
        if (!"raw".equals(Requests.parameter(request, "format"))) {
            return new FileContent(opened);
        }
        byte[] raw = SloManifest.raw(SloManifest.read(text(opened.channel()))).getBytes(StandardCharsets.UTF_8);
        return new Manifest(raw, opened.object().timestamp());
    }

    /**
     * The headers an SLO adds: {@code X-Static-Large-Object}, and for its content the manifest's own
     * ETag as {@code X-Manifest-Etag}. The manifest itself is answered as JSON (raw: as stored).
     *
     * @return the Content-Type to answer
     */
    static String headers(HttpServletRequest request, HttpServletResponse response, StoredObject object) {
        response.setHeader("X-Static-Large-Object", "True");
        if (!"get".equals(Requests.parameter(request, "multipart-manifest"))) {
            response.setHeader("X-Manifest-Etag", object.etag());
            return object.contentType();
        }
        return "raw".equals(Requests.parameter(request, "format")) ? object.contentType() : "application/json; charset=utf-8";
    }

    /** A listing shows an SLO's total size, and its ETag beside the manifest's, as Swift 2.30's does. */
    static void listed(Entry entry, Map<String, Object> json) {
        String etag = entry.sysmeta().get(SYSMETA_ETAG);
        if (etag != null) {
            json.put("bytes", Long.parseLong(entry.sysmeta().get(SYSMETA_SIZE)));
            json.put("slo_etag", "\"" + etag + "\"");
        }
    }

    /** Swift 2.30's /info "slo". */
    static Map<String, Object> info() {
        Map<String, Object> slo = new LinkedHashMap<>();
        slo.put("max_manifest_segments", (long) SloManifest.MAX_MANIFEST_SEGMENTS);
        slo.put("max_manifest_size", (long) SloManifest.MAX_MANIFEST_SIZE);
        slo.put("yield_frequency", 10L);
        slo.put("min_segment_size", 1L);
        slo.put("allow_async_delete", Boolean.FALSE);
        return slo;
    }

    @Override
    public long size() {
        return Long.parseLong(manifest.sysmeta().get(SYSMETA_SIZE));
    }

    @Override
    public String etag() {
        return "\"" + manifest.sysmeta().get(SYSMETA_ETAG) + "\"";
    }

    /** The manifest's, as Swift's Last-Modified of an SLO. */
    @Override
    public long timestamp() {
        return manifest.timestamp();
    }

    /**
     * @throws SwiftException 409 when the first segment to send is missing, changed or not the
     *         user's to read: nothing is sent yet, and Swift answers so
     * @throws IOException when a later one is: the response can only be cut
     */
    @Override
    public void write(OutputStream out, long start, long length) throws IOException {
        try {
            writeRange(out, start, length);
        } catch (SegmentException e) {
            if (started) {
                throw e;
            }
            throw new SwiftException(409, "Conflict: " + e.getMessage());
        }
    }

    private void writeRange(OutputStream out, long start, long length) throws IOException {
        if (segments == null) {
            segments = SloManifest.read(text(data));
        }
        Content.writeParts(segments, Segment::length, (segment, from, count) ->
                writeSegment(segment, out, segment.first() + from, count), start, length);
    }

    private void writeSegment(Segment segment, OutputStream out, long from, long count) throws IOException {
        if (segment.data() != null) {
            out.write(Base64.getDecoder().decode(segment.data()), (int) from, (int) count);
            started = true;
            return;
        }
        Container container = account.containers.get(segment.container());
        try {
            // Swift's slo reads each segment with a request of the user's: no way round an ACL.
            Acls.authorize(request, new Target(account.name, segment.container(), segment.object()), container, "GET");
        } catch (SwiftException refused) {
            throw new SegmentException(this, segment, BulkDeleteAnswer.statusLine(refused.status));
        }
        try (Opened opened = container == null ? null : store.open(container, segment.object())) {
            if (opened == null || Expiry.expired(opened.object(), now)) {
                throw new SegmentException(this, segment, BulkDeleteAnswer.statusLine(404));
            }
            StoredObject object = opened.object();
            if (segment.subSlo()) {
                if (!is(object) || !object.sysmeta().get(SYSMETA_ETAG).equals(segment.hash())) {
                    throw new SegmentException(this, segment, "Etag Mismatch");
                }
                if (Long.parseLong(object.sysmeta().get(SYSMETA_SIZE)) != segment.bytes()) {
                    throw new SegmentException(this, segment, "Size Mismatch");
                }
                if (depth >= MAX_DEPTH) {
                    throw new SegmentException(this, segment, "Max recursion depth exceeded");
                }
                StaticLargeObject sub = new StaticLargeObject(store, request, account, segment.name(), opened, now, depth + 1);
                sub.writeRange(out, from, count);
            } else if (!object.etag().equals(segment.hash())) {
                throw new SegmentException(this, segment, "Etag Mismatch");
            } else if (object.size() != segment.bytes()) {
                throw new SegmentException(this, segment, "Size Mismatch");
            } else {
                FileContent.copy(opened.channel(), from, count, out);
            }
        }
        started = true;
    }

    @Override
    public InputStream stream() {
        return new ContentInputStream(this);
    }

    /** A manifest file, which the PUT kept at most max_manifest_size. */
    private static String text(FileChannel channel) throws IOException {
        // Not closed here: the channel is the caller's.
        return new String(Channels.newInputStream(channel.position(0)).readAllBytes(), StandardCharsets.UTF_8);
    }

    /** A segment that is not what the manifest says. */
    private static final class SegmentException extends IOException {
        private static final long serialVersionUID = 1L;

        SegmentException(StaticLargeObject slo, Segment segment, String why) {
            super("SLO segment '" + segment.name() + "' of '" + slo.path + "': " + why);
        }
    }

    /** The manifest in the form a PUT takes: made in memory, it is small. */
    private record Manifest(byte[] bytes, long timestamp) implements Content {

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public String etag() {
            return HexFormat.of().formatHex(StoreFiles.md5().digest(bytes));
        }

        @Override
        public void write(OutputStream out, long start, long length) throws IOException {
            out.write(bytes, (int) start, (int) length);
        }

        @Override
        public InputStream stream() {
            return new ByteArrayInputStream(bytes);
        }
    }
}
