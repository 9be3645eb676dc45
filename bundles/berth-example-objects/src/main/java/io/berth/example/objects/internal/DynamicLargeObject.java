package io.berth.example.objects.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;

import io.berth.example.objects.internal.ObjectStore.Entry;
import io.berth.example.objects.internal.ObjectStore.Opened;
import io.berth.example.objects.internal.ObjectStore.StoredObject;
import io.berth.example.objects.internal.Requests.Target;

/**
 * A Dynamic Large Object: the objects of the manifest's container whose names start with its
 * prefix ({@code X-Object-Manifest: container/prefix}), concatenated in name order; its ETag is
 * the quoted MD5 of their ETags, as Swift's. The segments are listed once, when it is made, and
 * each is checked against that listing as it is read.
 */
final class DynamicLargeObject implements Content {

    private final ObjectStore store;
    private final Container container;
    private final List<Entry> segments;
    private final long size;
    private final String etag;
    private final long timestamp;

    private DynamicLargeObject(ObjectStore store, Container container, List<Entry> segments, long size, String etag,
            long timestamp) {
        this.store = store;
        this.container = container;
        this.segments = segments;
        this.size = size;
        this.etag = etag;
        this.timestamp = timestamp;
    }

    /**
     * The manifest's segments, for a user who may read their container: Swift's dlo middleware
     * lists and reads them with the user's own authorization, so reading a manifest is no way
     * round an ACL.
     *
     * @param target the manifest, as the request named it (for the error message)
     * @throws SwiftException 403 when the user may not read the segments' container, 404 when it does not exist
     */
    static DynamicLargeObject of(ObjectStore store, HttpServletRequest request, Account account, Target target,
            StoredObject manifest) {
        String value = manifest.manifest();
        int slash = value.indexOf('/');
        String containerName = decodeLeniently(value.substring(0, slash));
        String prefix = decodeLeniently(value.substring(slash + 1));
        Container container = account.containers.get(containerName);
        if (!Acls.mayRead(request, account.name, container)) {
            throw Acls.forbidden(request.getRemoteUser() + " may not read the segments of '/" + target.container() + "/"
                    + target.object() + "' in the container '" + containerName + "': X-Container-Read does not name them");
        }
        if (container == null) {
            // Swift answers with the failed listing of the segments, not with an empty object.
            throw new SwiftException(404, "Container '" + containerName + "' not found: '/" + target.container() + "/"
                    + target.object() + "' names it for its segments (X-Object-Manifest)");
        }
        List<Entry> segments = container.withPrefix(prefix);
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java has MD5", e);
        }
        long size = 0;
        long latest = manifest.timestamp();
        for (Entry segment : segments) {
            md5.update(segment.etag().getBytes(StandardCharsets.US_ASCII));
            size += segment.size();
            latest = Math.max(latest, segment.timestamp());
        }
        String etag = "\"" + HexFormat.of().formatHex(md5.digest()) + "\"";
        return new DynamicLargeObject(store, container, segments, size, etag, latest);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public String etag() {
        return etag;
    }

    /** The latest of the manifest's and its segments'. */
    @Override
    public long timestamp() {
        return timestamp;
    }

    @Override
    public void write(OutputStream out, long start, long length) throws IOException {
        Content.writeParts(segments, Entry::size, (segment, from, count) -> {
            try (Opened opened = openSegment(segment)) {
                FileContent.copy(opened.channel(), from, count, out);
            }
        }, start, length);
    }

    @Override
    public InputStream stream() {
        return new ContentInputStream(this);
    }

    /** A segment as listed, or an IOException: a DLO whose segment changed mid-response cannot be served honestly. */
    private Opened openSegment(Entry segment) throws IOException {
        Opened opened = store.open(container, segment.name());
        if (opened == null || !opened.object().etag().equals(segment.etag())) {
            if (opened != null) {
                opened.close();
            }
            throw new IOException("DLO segment '" + segment.name() + "' in '" + container.name + "' changed while being read");
        }
        return opened;
    }

    /**
     * A manifest value as Swift's dlo middleware checks it on PUT: {@code container/prefix}, both
     * parts non-empty, the prefix not starting with /, no ? or &.
     *
     * @return the value
     * @throws SwiftException 400 with Swift's body otherwise
     */
    static String checkManifest(String value) {
        int slash = value.indexOf('/');
        if (slash <= 0 || slash == value.length() - 1 || value.charAt(slash + 1) == '/' || value.contains("?")
                || value.contains("&")) {
            throw new SwiftException(400, "X-Object-Manifest must be in the format container/prefix");
        }
        return value;
    }

    private static String decodeLeniently(String text) {
        try {
            return Requests.decode(text, "manifest");
        } catch (SwiftException e) {
            return text;
        }
    }
}
