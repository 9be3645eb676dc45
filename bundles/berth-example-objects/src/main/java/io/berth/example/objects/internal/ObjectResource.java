package io.berth.example.objects.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.berth.api.Headers;
import io.berth.example.objects.internal.ObjectStore.Attributes;
import io.berth.example.objects.internal.ObjectStore.Opened;
import io.berth.example.objects.internal.ObjectStore.StoredObject;
import io.berth.example.objects.internal.Requests.Target;

/**
 * {@code /v1/ACCOUNT/CONTAINER/OBJECT}: read (GET, HEAD: with preconditions and ranges, a DLO
 * or an SLO as its segments), written (PUT; an SLO's manifest through {@link SloRequests}), its
 * metadata replaced (POST), removed (DELETE), copied (COPY, and PUT with X-Copy-From, through
 * {@link ObjectCopy}).
 */
final class ObjectResource {

    private final ObjectStore store;
    private final ObjectsApp.Config config;
    /** The generation's, applied to the shared store. */
    private final ObjectStore.Limits limits;
    private final ObjectCopy copy;
    private final SloRequests slo;
    /** Epoch milliseconds: when objects expire ({@link Expiry}). */
    private final LongSupplier clock;

    ObjectResource(ObjectStore store, ObjectsApp.Config config) {
        this(store, config, System::currentTimeMillis);
    }

    ObjectResource(ObjectStore store, ObjectsApp.Config config, LongSupplier clock) {
        this.store = store;
        this.config = config;
        this.limits = new ObjectStore.Limits(config.max__file__size(), config.max__container__objects());
        this.copy = new ObjectCopy(store, limits, clock);
        this.slo = new SloRequests(store, clock);
        this.clock = clock;
    }

    void serve(HttpServletRequest request, HttpServletResponse response, Target target) throws IOException {
        String method = request.getMethod();
        Account account = store.account(target.account());
        Container container = account.containers.get(target.container());
        if (!method.equals("COPY")) {
            // A COPY reads here and writes at its Destination, as Swift's copy middleware makes it a
            // GET and a PUT: ObjectCopy authorizes each, and writing here is not asked for.
            Acls.authorize(request, target, container, method);
        }
        String multipart = Requests.parameter(request, "multipart-manifest");
        boolean sloRequest = method.equals("PUT") && "put".equals(multipart)
                || method.equals("DELETE") && "delete".equals(multipart);
        // Swift's slo: only it sets the header, on the manifest it stores.
        if (request.getHeader("X-Static-Large-Object") != null && !method.equals("GET") && !method.equals("HEAD")
                && !sloRequest) {
            throw new SwiftException(400, "X-Static-Large-Object is a reserved header. To create a static large object "
                    + "add query param multipart-manifest=put.");
        }
        switch (method) {
            case "GET":
            case "HEAD":
                get(request, response, account, Responses.existing(container, target.container()), target);
                return;
            case "PUT":
                put(request, response, account, Responses.existing(container, target.container()), target);
                return;
            case "POST":
                post(request, response, Responses.existing(container, target.container()), target.object());
                return;
            case "DELETE": {
                if ("delete".equals(multipart)) {
                    slo.delete(request, response, account, target);
                    return;
                }
                // An expired object is deleted and, as Swift's object server answers, 404: it was already gone.
                StoredObject deleted = store.delete(Responses.existing(container, target.container()), target.object());
                if (deleted == null || Expiry.expired(deleted, clock.getAsLong())) {
                    throw Responses.objectNotFound(target.container(), target.object());
                }
                Responses.empty(response, 204);
                return;
            }
            case "COPY":
                copy.toDestination(request, response, account, target);
                return;
            default:
                throw Responses.notAllowed(method, "an object", "GET, HEAD, PUT, POST, DELETE, COPY");
        }
    }

    private void get(HttpServletRequest request, HttpServletResponse response, Account account, Container container,
            Target target) throws IOException {
        String name = target.object();
        Opened opened = store.open(container, name);
        if (opened == null) {
            throw Responses.objectNotFound(container.name, name);
        }
        try (opened) {
            StoredObject object = opened.object();
            if (Expiry.expired(object, clock.getAsLong())) {
                throw Responses.objectNotFound(container.name, name);
            }
            boolean large = StaticLargeObject.is(object);
            boolean dlo = !large && object.manifest() != null && !"get".equals(Requests.parameter(request, "multipart-manifest"));
            Content content = large ? StaticLargeObject.content(store, request, account, target, opened, clock.getAsLong())
                    : dlo ? DynamicLargeObject.of(store, request, account, target, object) : new FileContent(opened);
            String type = large ? StaticLargeObject.headers(request, response, object) : object.contentType();
            Headers.setUtf8(response, "Content-Type", type);
            response.setHeader("ETag", content.etag());
            long lastModified = Times.lastModifiedSeconds(content.timestamp());
            response.setHeader("Last-Modified", Times.httpDate(lastModified));
            response.setHeader("X-Timestamp", Times.xTimestamp(object.timestamp()));
            response.setHeader("Accept-Ranges", "bytes");
            if (object.manifest() != null) {
                Headers.setUtf8(response, "X-Object-Manifest", object.manifest());
            }
            if (object.deleteAt() != Expiry.NEVER) {
                response.setHeader("X-Delete-At", Expiry.header(object.deleteAt()));
            }
            object.meta().forEach((header, value) -> Headers.setUtf8(response, header, value));
            if (!Preconditions.forRead(request, response, content.etag(), lastModified)) {
                return;
            }
            ContentSender.send(request, response, content, type, dlo);
        }
    }

    private void put(HttpServletRequest request, HttpServletResponse response, Account account, Container container,
            Target target) throws IOException {
        SloRequests.Upload upload = null;
        if ("put".equals(Requests.parameter(request, "multipart-manifest"))) {
            upload = slo.upload(request, response, account, target);
            if (upload == null) {
                return;
            }
        }
        String copyFrom = upload == null ? ObjectCopy.header(request, "X-Copy-From") : null;
        if (copyFrom != null) {
            copy.fromSource(request, response, account, copyFrom, target);
            return;
        }
        String name = target.object();
        long length = upload != null ? upload.body().length : request.getContentLengthLong();
        String transferEncoding = request.getHeader("Transfer-Encoding");
        boolean chunked = transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked");
        if (length < 0 && !chunked) {
            throw new SwiftException(411, "Length Required: send Content-Length or a chunked body");
        }
        if (length > config.max__file__size()) {
            throw new SwiftException(413, "Request Entity Too Large: " + length + " bytes is more than max_file_size "
                    + config.max__file__size());
        }
        long now = clock.getAsLong();
        long deleteAt = Expiry.deleteAt(request, now);
        boolean mustNotExist = Preconditions.mustNotExist(request);
        StoredObject existing = mustNotExist ? store.head(container, name) : null;
        if (existing != null) {
            if (!Expiry.expired(existing, now)) {
                throw Preconditions.exists(name);
            }
            // Gone for Swift's If-None-Match as for a GET; the store's own check would still see it.
            store.expire(new ExpiringObjects.Due(existing.deleteAt(), container, name), now);
        }
        Map<String, String> meta = Requests.metadata(request, "object");
        meta.values().removeIf(String::isEmpty);
        String manifest = Requests.header(request, "X-Object-Manifest");
        if (manifest != null) {
            manifest = DynamicLargeObject.checkManifest(manifest.trim());
        }
        String etag = upload != null ? null : request.getHeader("ETag");
        if (etag != null) {
            etag = etag.trim().replace("\"", "");
        }
        Attributes attributes = new Attributes(contentType(request, name), meta, manifest, deleteAt,
                upload != null ? upload.sysmeta() : Map.of());
        StoredObject stored;
        try (InputStream body = upload != null ? new ByteArrayInputStream(upload.body()) : request.getInputStream()) {
            stored = store.put(container, name, body, length, etag, attributes, mustNotExist, limits);
        }
        // An SLO's PUT answers with the SLO's ETag, quoted as swob sets it.
        response.setHeader("ETag", upload != null ? "\"" + upload.etag() + "\"" : stored.etag());
        response.setHeader("Last-Modified", Times.httpDate(Times.lastModifiedSeconds(stored.timestamp())));
        Responses.empty(response, 201);
    }

    /** The object's metadata, or null when there is none or it has expired. */
    private StoredObject live(Container container, String name) throws IOException {
        StoredObject object = store.head(container, name);
        return object == null || Expiry.expired(object, clock.getAsLong()) ? null : object;
    }

    /** The request's Content-Type, else (or with X-Detect-Content-Type) the type the name suggests. */
    private static String contentType(HttpServletRequest request, String name) {
        String type = contentTypeHeader(request);
        if (type == null || type.isBlank() || Requests.isTrue(request.getHeader("X-Detect-Content-Type"))) {
            return Requests.guessType(name);
        }
        return type.trim();
    }

    /**
     * The Content-Type sent, as UTF-8 text: Swift stores it so and lists it so.
     *
     * @throws SwiftException 400 "Invalid Content-Type" when its bytes are not UTF-8, as Swift answers
     */
    static String contentTypeHeader(HttpServletRequest request) {
        return Requests.header(request, "Content-Type", 400, "Invalid Content-Type: its bytes are not UTF-8");
    }

    /**
     * Swift's POST replaces the object's metadata, the manifest among it: a POST that does not
     * send X-Object-Manifest (or sends it empty) leaves a plain object, one that sends it makes
     * or changes a DLO. Swift stores the value unchecked there; a wrong one is refused here as on
     * PUT, since every later GET of it would fail.
     */
    private void post(HttpServletRequest request, HttpServletResponse response, Container container, String name)
            throws IOException {
        Map<String, String> meta = Requests.metadata(request, "object");
        meta.values().removeIf(String::isEmpty);
        String type = contentTypeHeader(request);
        String manifest = Requests.header(request, "X-Object-Manifest");
        manifest = manifest == null || manifest.isBlank() ? null : DynamicLargeObject.checkManifest(manifest.trim());
        // Checked before the object is looked for, as Swift's proxy does: a bad header is 400 even for no object.
        long deleteAt = Expiry.deleteAt(request, clock.getAsLong());
        if (live(container, name) == null) {
            throw Responses.objectNotFound(container.name, name);
        }
        Attributes attributes = new Attributes(type == null || type.isBlank() ? null : type.trim(), meta, manifest, deleteAt);
        if (store.post(container, name, attributes) == null) {
            throw Responses.objectNotFound(container.name, name);
        }
        Responses.body(response, 202, Responses.TEXT, "Accepted: the metadata of '" + name + "' is replaced\n");
    }
}
