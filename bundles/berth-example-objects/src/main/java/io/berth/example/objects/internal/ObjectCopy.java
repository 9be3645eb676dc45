package io.berth.example.objects.internal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.berth.api.Berth;
import io.berth.example.objects.internal.ObjectStore.Account;
import io.berth.example.objects.internal.ObjectStore.Attributes;
import io.berth.example.objects.internal.ObjectStore.BodyReadException;
import io.berth.example.objects.internal.ObjectStore.Container;
import io.berth.example.objects.internal.ObjectStore.Opened;
import io.berth.example.objects.internal.ObjectStore.StoredObject;
import io.berth.example.objects.internal.Requests.Target;

/**
 * A server-side copy, COPY with Destination or PUT with X-Copy-From: the source's bytes (a DLO's
 * concatenation) and metadata, the request's metadata over it. As Swift's copy middleware makes
 * it a GET of the source and a PUT of the destination, each is authorized as such.
 */
final class ObjectCopy {

    private final ObjectStore store;
    /** The generation's, applied to the shared store. */
    private final ObjectStore.Limits limits;
    /** Epoch milliseconds: an expired source is not found ({@link Expiry}). */
    private final LongSupplier clock;

    ObjectCopy(ObjectStore store, ObjectStore.Limits limits, LongSupplier clock) {
        this.store = store;
        this.limits = limits;
        this.clock = clock;
    }

    /** COPY of the target to the object its Destination header names. */
    void toDestination(HttpServletRequest request, HttpServletResponse response, Account account, Target target)
            throws IOException {
        String destination = header(request, "Destination");
        if (destination == null) {
            throw new SwiftException(412, "Destination header required");
        }
        String[] to = containerAndObject(destination, "Destination");
        copy(request, response, account, target.container(), target.object(), to[0], to[1]);
    }

    /** PUT of the target with X-Copy-From: the object that header names, copied to the target. */
    void fromSource(HttpServletRequest request, HttpServletResponse response, Account account, String copyFrom,
            Target target) throws IOException {
        if (request.getContentLengthLong() > 0) {
            throw new SwiftException(400, "Copy requests require a zero byte body");
        }
        String[] source = containerAndObject(copyFrom, "X-Copy-From");
        copy(request, response, account, source[0], source[1], target.container(), target.object());
    }

    private void copy(HttpServletRequest request, HttpServletResponse response, Account account, String fromContainer,
            String fromObject, String toContainer, String toObject) throws IOException {
        Acls.authorize(request, new Target(account.name, fromContainer, fromObject), account.containers.get(fromContainer), "GET");
        Acls.authorize(request, new Target(account.name, toContainer, toObject), account.containers.get(toContainer), "PUT");
        Container source = Responses.existing(account.containers.get(fromContainer), fromContainer);
        Container destination = Responses.existing(account.containers.get(toContainer), toContainer);
        Map<String, String> requestMeta = Requests.metadata(request, "object");
        long now = clock.getAsLong();
        Long requestedDeleteAt = Expiry.requested(request) ? Expiry.deleteAt(request, now) : null;
        boolean manifestItself = "get".equals(request.getParameter("multipart-manifest"));
        Opened opened = store.open(source, fromObject);
        if (opened == null) {
            throw Responses.objectNotFound(fromContainer, fromObject);
        }
        StoredObject stored;
        try (opened) {
            StoredObject from = opened.object();
            if (Expiry.expired(from, now)) {
                throw Responses.objectNotFound(fromContainer, fromObject);
            }
            Target sourceTarget = new Target(account.name, fromContainer, fromObject);
            Content content;
            if (manifestItself) {
                content = new FileContent(opened);
            } else if (StaticLargeObject.is(from)) {
                content = StaticLargeObject.content(store, request, account, sourceTarget, opened, now);
            } else {
                content = from.manifest() != null ? DynamicLargeObject.of(store, request, account, sourceTarget, from)
                        : new FileContent(opened);
            }
            Map<String, String> meta = new LinkedHashMap<>();
            boolean fresh = Requests.isTrue(request.getHeader("X-Fresh-Metadata"));
            if (!fresh) {
                meta.putAll(from.meta());
            }
            // Swift's copy middleware copies X-Delete-At with the user metadata; the request's own wins.
            long deleteAt = requestedDeleteAt != null ? requestedDeleteAt : fresh ? Expiry.NEVER : from.deleteAt();
            meta.putAll(requestMeta);
            meta.values().removeIf(String::isEmpty);
            String type = ObjectResource.contentTypeHeader(request);
            String contentType = type == null || type.isBlank() ? from.contentType() : type.trim();
            // The manifest itself copied keeps what makes it an SLO: the same segments, Swift's result too.
            Attributes attributes = new Attributes(contentType, meta, manifestItself ? from.manifest() : null, deleteAt,
                    manifestItself ? from.sysmeta() : Map.of());
            try {
                stored = store.put(destination, toObject, content.stream(), content.size(), null, attributes, false, limits);
            } catch (BodyReadException e) {
                // The body was our own file or a DLO's segments, not the client's: a failure of the store.
                throw new IOException("Copying '" + fromContainer + "/" + fromObject + "' failed: " + e.getMessage(), e);
            }
            response.setHeader("X-Copied-From", Requests.quote(fromContainer) + "/" + Requests.quote(fromObject));
            response.setHeader("X-Copied-From-Last-Modified", Long.toString(Times.lastModifiedSeconds(content.timestamp())));
        }
        response.setHeader("ETag", stored.etag());
        response.setHeader("Last-Modified", Times.httpDate(Times.lastModifiedSeconds(stored.timestamp())));
        Responses.empty(response, 201);
    }

    /**
     * Destination or X-Copy-From as the UTF-8 text the client sent: Swift's copy middleware makes
     * it the path of a request of its own, so bytes that are not UTF-8 get the proxy's answer to
     * such a path.
     *
     * @return null when the request has no such header
     * @throws SwiftException 412 {@value Requests#INVALID_NAME}
     */
    static String header(HttpServletRequest request, String name) {
        return Requests.header(request, name, 412, Requests.INVALID_NAME);
    }

    /**
     * {@code container/object} (a leading / allowed), percent-decoded as Swift's copy middleware does.
     *
     * @throws SwiftException 400 for a bad escape; 412 {@value Requests#INVALID_NAME} when the escapes spell
     *         bytes that are not UTF-8 or NUL, as Swift's proxy answers such a path
     */
    static String[] containerAndObject(String header, String name) {
        if (Requests.BAD_ESCAPE.matcher(header).find()) {
            throw new SwiftException(400, "Invalid percent-encoding in the " + name + " header");
        }
        String value;
        try {
            value = Berth.percentDecode(header.trim(), name + " header");
        } catch (IllegalArgumentException e) {
            throw new SwiftException(412, Requests.INVALID_NAME);
        }
        if (value.startsWith("/")) {
            value = value.substring(1);
        }
        int slash = value.indexOf('/');
        if (slash <= 0 || slash == value.length() - 1) {
            throw new SwiftException(412, name + " header must be of the form <container name>/<object name>");
        }
        return new String[] {value.substring(0, slash), value.substring(slash + 1)};
    }
}
