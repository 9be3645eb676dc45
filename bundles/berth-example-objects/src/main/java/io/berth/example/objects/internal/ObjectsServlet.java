package io.berth.example.objects.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.Berth;
import io.berth.example.objects.internal.ObjectStore.Account;
import io.berth.example.objects.internal.ObjectStore.Attributes;
import io.berth.example.objects.internal.ObjectStore.BodyReadException;
import io.berth.example.objects.internal.ObjectStore.Container;
import io.berth.example.objects.internal.ObjectStore.Entry;
import io.berth.example.objects.internal.ObjectStore.Opened;
import io.berth.example.objects.internal.ObjectStore.StoredObject;
import io.berth.example.objects.internal.Requests.Target;

/**
 * OpenStack Swift's v1 API over an {@link ObjectStore}: {@code /v1/ACCOUNT[/CONTAINER[/OBJECT]]}
 * and {@code /info}, under the pipeline's mount point. Authentication is the pipeline's
 * business (a stage in front, such as tempauth); this servlet applies Swift's container ACLs
 * to the users such a stage names (see {@link #authorize}).
 */
final class ObjectsServlet extends HttpServlet {

    static final String SWIFT_VERSION = "2.30.0";

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ObjectsServlet.class);
    private static final String TEXT = "text/plain; charset=utf-8";

    /** Shared with the other generations on the same root: see {@link ObjectsApp}. */
    private final transient ObjectStore store;
    private final transient ObjectsApp.Config config;
    /** This generation's, applied to the shared store. */
    private final transient ObjectStore.Limits limits;

    ObjectsServlet(ObjectStore store, ObjectsApp.Config config) {
        this.store = store;
        this.config = config;
        this.limits = new ObjectStore.Limits(config.max__file__size(), config.max__container__objects());
    }

    /** Overridden rather than doGet/doPut/...: HttpServlet answers methods it does not know, such as COPY, with 501. */
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        String path = "?";
        // What the stages before us set (X-Trans-Id and the like) stays on an error answer.
        Map<String, List<String>> upstream = headers(response);
        try {
            path = Requests.path(request);
            if (path.equals("/info")) {
                if (!method.equals("GET") && !method.equals("HEAD")) {
                    throw notAllowed(method, "/info", "GET, HEAD");
                }
                info(response);
                return;
            }
            Target target = Requests.target(path);
            if (target == null) {
                throw new SwiftException(404, "Not found: " + path + " is not /info or /v1/ACCOUNT[/CONTAINER[/OBJECT]]");
            }
            if (target.container() == null) {
                account(request, response, target);
            } else if (target.object() == null) {
                container(request, response, target);
            } else {
                object(request, response, target);
            }
        } catch (SwiftException e) {
            error(request, response, upstream, e.status, e.getMessage(), false);
        } catch (BodyReadException e) {
            // Only the request's body: copy() turns a failure to read its source into an IOException.
            unreadableBody(request, response, upstream, method, path, e);
        } catch (IOException | RuntimeException e) {
            if (response.isCommitted() && Berth.clientGone(e)) {
                // A download the client dropped: no fault of the server's, and clients do it by the
                // hundred. Jetty finds the connection gone and gives the response up.
                LOG.debug("{} {}: the client went away during the response: {}", method, path, e.toString());
                return;
            }
            if (response.isCommitted()) {
                // Mid-body (a disk error, a DLO segment replaced): only cutting the response is honest.
                LOG.warn("{} {} failed after the response began: {}", method, path, e.toString());
                throw e instanceof IOException ? (IOException) e : new IOException(e);
            }
            LOG.error("{} {} failed: {}", method, path, e.toString());
            LOG.debug("{} {} failed", method, path, e);
            error(request, response, upstream, 500, "Internal Server Error: the object store failed; the server log has the details",
                    false);
        }
    }

    /**
     * A request body that could not be read; nothing was stored, and the connection closes with
     * the answer, the rest of the body unread.
     * <ul>
     * <li>The client stopped sending until the idle timeout: 408, as Swift answers it.
     * <li>A chunked body: 400, malformed. Jetty 12.0 reports a chunked body it cannot parse (a
     * chunk size that is not hexadecimal, is negative or too large) exactly as a connection that
     * ended mid-body: an EofException "Early EOF", its parser's reason logged at DEBUG only. So
     * the answer names both.
     * <li>A body of declared length has no framing to get wrong: it ended with the connection.
     * </ul>
     * A client that hung up reads none of this, but it is still answered, never left to the
     * container: out of the app, Felix's dispatcher logs an exception at ERROR with its stack
     * trace and answers 500, and a response left empty goes out as 200. 499 is a status for the
     * log only (proxy_logging writes it for a body that could not be read), never an answer.
     */
    private static void unreadableBody(HttpServletRequest request, HttpServletResponse response,
            Map<String, List<String>> upstream, String method, String path, BodyReadException e) throws IOException {
        LOG.debug("{} {}: {}", method, path, e.getMessage());
        String message;
        int status = 400;
        long length = request.getContentLengthLong();
        if (causedBy(e, TimeoutException.class)) {
            status = 408;
            message = "Request Timeout: no more of the body came after " + e.bytesRead
                    + " bytes, for longer than the server waits on an idle connection";
        } else if (length < 0) {
            message = "Bad Request: malformed chunked body: it broke off after " + e.bytesRead + " bytes, where a chunk"
                    + " size or the end of a chunk belongs (a size that is not hexadecimal, is negative or too large,"
                    + " or a connection that ended before the last chunk)";
        } else {
            message = "Bad Request: the body ended after " + e.bytesRead + " of its " + length
                    + " bytes (Content-Length), with the connection";
        }
        error(request, response, upstream, status, message + "; nothing was stored", true);
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        Throwable cause = failure;
        // Bounded: a cause chain can be a cycle.
        for (int depth = 0; cause != null && depth < 16; depth++) {
            if (type.isInstance(cause)) {
                return true;
            }
            cause = cause.getCause();
        }
        return false;
    }

    // ------------------------------------------------------------------ /info

    private void info(HttpServletResponse response) throws IOException {
        Map<String, Object> swift = new LinkedHashMap<>();
        swift.put("version", SWIFT_VERSION);
        swift.put("max_file_size", config.max__file__size());
        swift.put("container_listing_limit", (long) config.container__listing__limit());
        swift.put("account_listing_limit", (long) config.account__listing__limit());
        swift.put("max_object_name_length", (long) Requests.MAX_OBJECT_NAME_LENGTH);
        swift.put("max_container_name_length", (long) Requests.MAX_CONTAINER_NAME_LENGTH);
        swift.put("max_account_name_length", (long) Requests.MAX_ACCOUNT_NAME_LENGTH);
        swift.put("max_meta_name_length", (long) Requests.MAX_META_NAME_LENGTH);
        swift.put("max_meta_value_length", (long) Requests.MAX_META_VALUE_LENGTH);
        swift.put("max_meta_count", (long) Requests.MAX_META_COUNT);
        swift.put("max_meta_overall_size", (long) Requests.MAX_META_OVERALL_SIZE);
        swift.put("max_header_size", 8192L);
        swift.put("extra_header_count", 0L);
        swift.put("valid_api_versions", List.of("v1", "v1.0"));
        swift.put("policies", List.of(Map.of("name", "Policy-0", "default", Boolean.TRUE)));
        swift.put("strict_cors_mode", Boolean.TRUE);
        // No "slo" and no "bulk_delete": swiftclient then segments with DLO and deletes one by one, both served here.
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("swift", swift);
        info.put("max_container_objects", Map.of("per_container", config.max__container__objects()));
        body(response, 200, "application/json; charset=utf-8", Json.write(info));
    }

    // ------------------------------------------------------------------ account

    private void account(HttpServletRequest request, HttpServletResponse response, Target target) throws IOException {
        String method = request.getMethod();
        authorize(request, target, null, method);
        Account account = store.account(target.account());
        switch (method) {
            case "HEAD":
                accountHeaders(response, account);
                empty(response, 204);
                return;
            case "GET":
                accountHeaders(response, account);
                list(request, response, account.containers, config.account__listing__limit(), "account", account.name,
                        c -> {
                            Map<String, Object> json = new LinkedHashMap<>();
                            json.put("name", c.name);
                            json.put("count", c.count.get());
                            json.put("bytes", c.bytes.get());
                            json.put("last_modified", Times.listing(c.created));
                            return json;
                        });
                return;
            case "POST":
                store.updateAccount(account, Requests.metadata(request, "account"));
                empty(response, 204);
                return;
            default:
                throw notAllowed(method, "an account", "HEAD, GET, POST");
        }
    }

    private static void accountHeaders(HttpServletResponse response, Account account) {
        response.setHeader("X-Account-Container-Count", Long.toString(account.containers.size()));
        response.setHeader("X-Account-Object-Count", Long.toString(account.objectCount()));
        response.setHeader("X-Account-Bytes-Used", Long.toString(account.bytesUsed()));
        response.setHeader("X-Timestamp", Times.xTimestamp(account.created));
        response.setHeader("X-Put-Timestamp", Times.xTimestamp(account.created));
        account.meta.forEach(response::setHeader);
    }

    // ------------------------------------------------------------------ container

    private void container(HttpServletRequest request, HttpServletResponse response, Target target) throws IOException {
        String method = request.getMethod();
        Account account = store.account(target.account());
        Container container = account.containers.get(target.container());
        authorize(request, target, container, method);
        switch (method) {
            case "PUT": {
                Map<String, String> meta = Requests.metadata(request, "container");
                acls(request, meta);
                boolean created = store.putContainer(account, target.container(), meta);
                empty(response, created ? 201 : 202);
                return;
            }
            case "POST": {
                Container existing = existing(container, target.container());
                Map<String, String> meta = Requests.metadata(request, "container");
                acls(request, meta);
                store.updateContainer(existing, meta);
                empty(response, 204);
                return;
            }
            case "DELETE":
                store.deleteContainer(account, existing(container, target.container()));
                empty(response, 204);
                return;
            case "HEAD":
                containerHeaders(request, response, existing(container, target.container()));
                empty(response, 204);
                return;
            case "GET": {
                Container existing = existing(container, target.container());
                containerHeaders(request, response, existing);
                list(request, response, existing.objects, config.container__listing__limit(), "container", existing.name,
                        e -> {
                            Map<String, Object> json = new LinkedHashMap<>();
                            json.put("name", e.name());
                            json.put("hash", e.etag());
                            json.put("bytes", e.size());
                            json.put("content_type", e.contentType());
                            json.put("last_modified", Times.listing(e.timestamp()));
                            return json;
                        });
                return;
            }
            default:
                throw notAllowed(method, "a container", "PUT, POST, DELETE, HEAD, GET");
        }
    }

    /** X-Container-Read/-Write set (empty: removed), X-Remove-Container-Read/-Write removed. */
    private static void acls(HttpServletRequest request, Map<String, String> meta) {
        for (String acl : new String[] {"X-Container-Read", "X-Container-Write"}) {
            String value = request.getHeader(acl);
            if (value != null) {
                meta.put(acl, value.trim());
            }
            if (request.getHeader("X-Remove-" + acl.substring(2)) != null) {
                meta.put(acl, "");
            }
        }
    }

    private static void containerHeaders(HttpServletRequest request, HttpServletResponse response, Container container) {
        response.setHeader("X-Container-Object-Count", Long.toString(container.count.get()));
        response.setHeader("X-Container-Bytes-Used", Long.toString(container.bytes.get()));
        response.setHeader("X-Timestamp", Times.xTimestamp(container.created));
        response.setHeader("X-Put-Timestamp", Times.xTimestamp(container.created));
        response.setHeader("X-Storage-Policy", "Policy-0");
        boolean owner = isOwner(request);
        container.meta.forEach((name, value) -> {
            // As Swift: the ACLs are shown to those who may change them, not to the users they name.
            if (owner || !name.startsWith("X-Container-Read") && !name.startsWith("X-Container-Write")) {
                response.setHeader(name, value);
            }
        });
    }

    private static Container existing(Container container, String name) {
        if (container == null) {
            throw new SwiftException(404, "Container '" + name + "' not found");
        }
        return container;
    }

    // ------------------------------------------------------------------ listings

    /** An account's containers or a container's objects, as Swift lists them. */
    private <V> void list(HttpServletRequest request, HttpServletResponse response, NavigableMap<String, V> all,
            int listingLimit, String kind, String owner, Function<V, Map<String, Object>> describe) throws IOException {
        int limit = listingLimit;
        String given = request.getParameter("limit");
        if (given != null && !given.isEmpty() && given.chars().allMatch(Character::isDigit)) {
            // Swift answers 412 (not 400) for a limit over the listing limit; a limit that is not a number is ignored.
            if (given.length() > 9 || Integer.parseInt(given) > listingLimit) {
                throw new SwiftException(412, "Maximum limit is " + listingLimit);
            }
            limit = Integer.parseInt(given);
        }
        String prefix = param(request, "prefix");
        String delimiter = param(request, "delimiter");
        String marker = param(request, "marker");
        String endMarker = param(request, "end_marker");
        boolean reverse = Requests.isTrue(request.getParameter("reverse"));
        List<Object> items = Listing.list(all, prefix, delimiter, marker, endMarker, reverse, limit);

        String format = format(request);
        if (format.equals("json")) {
            List<Object> json = new ArrayList<>(items.size());
            for (Object item : items) {
                json.add(item instanceof String ? Map.of("subdir", item) : describe.apply(cast(item)));
            }
            body(response, 200, "application/json; charset=utf-8", Json.write(json));
        } else if (format.equals("xml")) {
            StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<")
                    .append(kind).append(" name=\"").append(xml(owner)).append("\">");
            String element = kind.equals("account") ? "container" : "object";
            for (Object item : items) {
                if (item instanceof String) {
                    xml.append("<subdir name=\"").append(xml((String) item)).append("\"><name>")
                            .append(xml((String) item)).append("</name></subdir>");
                } else {
                    xml.append('<').append(element).append('>');
                    describe.apply(cast(item)).forEach((k, v) ->
                            xml.append('<').append(k).append('>').append(xml(String.valueOf(v))).append("</").append(k).append('>'));
                    xml.append("</").append(element).append('>');
                }
            }
            xml.append("</").append(kind).append('>');
            body(response, 200, "application/xml; charset=utf-8", xml.toString());
        } else if (items.isEmpty()) {
            empty(response, 204);
        } else {
            StringBuilder text = new StringBuilder();
            for (Object item : items) {
                text.append(item instanceof String ? (String) item : (String) describe.apply(cast(item)).get("name")).append('\n');
            }
            body(response, 200, TEXT, text.toString());
        }
    }

    @SuppressWarnings("unchecked")
    private static <V> V cast(Object item) {
        return (V) item;
    }

    private static String param(HttpServletRequest request, String name) {
        String value = request.getParameter(name);
        if (value != null && value.indexOf('\0') >= 0) {
            throw new SwiftException(400, "NUL in the " + name + " parameter");
        }
        return value == null ? "" : value;
    }

    /** format=json|xml|plain wins; else the Accept header, as Swift's get_listing_content_type. */
    private static String format(HttpServletRequest request) {
        String format = request.getParameter("format");
        if (format != null) {
            switch (format.toLowerCase(Locale.ROOT)) {
                case "json": return "json";
                case "xml": return "xml";
                default: return "plain";
            }
        }
        String accept = request.getHeader("Accept");
        if (accept != null) {
            String lower = accept.toLowerCase(Locale.ROOT);
            if (lower.contains("application/json")) {
                return "json";
            }
            if (lower.contains("application/xml") || lower.contains("text/xml")) {
                return "xml";
            }
        }
        return "plain";
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    // ------------------------------------------------------------------ objects

    private void object(HttpServletRequest request, HttpServletResponse response, Target target) throws IOException {
        String method = request.getMethod();
        Account account = store.account(target.account());
        Container container = account.containers.get(target.container());
        if (!method.equals("COPY")) {
            // A COPY reads here and writes at its Destination, as Swift's copy middleware makes it a
            // GET and a PUT: copy() authorizes each, and writing here is not asked for.
            authorize(request, target, container, method);
        }
        switch (method) {
            case "GET":
            case "HEAD":
                get(request, response, account, existing(container, target.container()), target);
                return;
            case "PUT":
                put(request, response, account, existing(container, target.container()), target.object());
                return;
            case "POST":
                post(request, response, existing(container, target.container()), target.object());
                return;
            case "DELETE":
                if (!store.delete(existing(container, target.container()), target.object())) {
                    throw objectNotFound(target.container(), target.object());
                }
                empty(response, 204);
                return;
            case "COPY":
                copy(request, response, account, target);
                return;
            default:
                throw notAllowed(method, "an object", "GET, HEAD, PUT, POST, DELETE, COPY");
        }
    }

    private void put(HttpServletRequest request, HttpServletResponse response, Account account, Container container,
            String name) throws IOException {
        String copyFrom = request.getHeader("X-Copy-From");
        if (copyFrom != null) {
            if (request.getContentLengthLong() > 0) {
                throw new SwiftException(400, "Copy requests require a zero byte body");
            }
            String[] source = containerAndObject(copyFrom, "X-Copy-From");
            copy(request, response, account, source[0], source[1], container.name, name);
            return;
        }
        long length = request.getContentLengthLong();
        String transferEncoding = request.getHeader("Transfer-Encoding");
        boolean chunked = transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked");
        if (length < 0 && !chunked) {
            throw new SwiftException(411, "Length Required: send Content-Length or a chunked body");
        }
        if (length > config.max__file__size()) {
            throw new SwiftException(413, "Request Entity Too Large: " + length + " bytes is more than max_file_size "
                    + config.max__file__size());
        }
        boolean mustNotExist = false;
        String ifNoneMatch = request.getHeader("If-None-Match");
        if (ifNoneMatch != null) {
            if (!ifNoneMatch.trim().equals("*")) {
                throw new SwiftException(400, "If-None-Match only supports *");
            }
            mustNotExist = true;
            if (store.head(container, name) != null) {
                throw new SwiftException(412, "Precondition Failed: '" + name + "' exists (If-None-Match: *)");
            }
        }
        Map<String, String> meta = Requests.metadata(request, "object");
        meta.values().removeIf(String::isEmpty);
        String manifest = request.getHeader("X-Object-Manifest");
        if (manifest != null) {
            manifest = manifest.trim();
            int slash = manifest.indexOf('/');
            if (slash <= 0 || manifest.contains("?") || manifest.contains("&")) {
                throw new SwiftException(400, "X-Object-Manifest must be in the format container/prefix");
            }
        }
        String etag = request.getHeader("ETag");
        if (etag != null) {
            etag = etag.trim().replace("\"", "");
        }
        Attributes attributes = new Attributes(contentType(request, name), meta, manifest);
        StoredObject stored;
        try (InputStream body = request.getInputStream()) {
            stored = store.put(container, name, body, length, etag, attributes, mustNotExist, limits);
        }
        response.setHeader("ETag", stored.etag());
        response.setHeader("Last-Modified", Times.httpDate(Times.lastModifiedSeconds(stored.timestamp())));
        empty(response, 201);
    }

    private static String contentType(HttpServletRequest request, String name) {
        String type = request.getHeader("Content-Type");
        if (type == null || type.isBlank() || Requests.isTrue(request.getHeader("X-Detect-Content-Type"))) {
            return Requests.guessType(name);
        }
        return type.trim();
    }

    private void post(HttpServletRequest request, HttpServletResponse response, Container container, String name)
            throws IOException {
        Map<String, String> meta = Requests.metadata(request, "object");
        meta.values().removeIf(String::isEmpty);
        String type = request.getHeader("Content-Type");
        if (store.post(container, name, type == null || type.isBlank() ? null : type.trim(), meta) == null) {
            throw objectNotFound(container.name, name);
        }
        body(response, 202, TEXT, "Accepted: the metadata of '" + name + "' is replaced\n");
    }

    private void copy(HttpServletRequest request, HttpServletResponse response, Account account, Target target)
            throws IOException {
        String destination = request.getHeader("Destination");
        if (destination == null) {
            throw new SwiftException(412, "Destination header required");
        }
        String[] to = containerAndObject(destination, "Destination");
        copy(request, response, account, target.container(), target.object(), to[0], to[1]);
    }

    /** COPY and PUT with X-Copy-From: the source's bytes (a DLO's concatenation) and metadata, the request's metadata over it. */
    private void copy(HttpServletRequest request, HttpServletResponse response, Account account, String fromContainer,
            String fromObject, String toContainer, String toObject) throws IOException {
        authorize(request, new Target(account.name, fromContainer, fromObject), account.containers.get(fromContainer), "GET");
        authorize(request, new Target(account.name, toContainer, toObject), account.containers.get(toContainer), "PUT");
        Container source = existing(account.containers.get(fromContainer), fromContainer);
        Container destination = existing(account.containers.get(toContainer), toContainer);
        Map<String, String> requestMeta = Requests.metadata(request, "object");
        boolean manifestItself = "get".equals(request.getParameter("multipart-manifest"));
        Opened opened = store.open(source, fromObject);
        if (opened == null) {
            throw objectNotFound(fromContainer, fromObject);
        }
        StoredObject stored;
        try (opened) {
            StoredObject from = opened.object();
            Content content = from.manifest() != null && !manifestItself
                    ? dlo(request, account, new Target(account.name, fromContainer, fromObject), from) : plain(opened);
            Map<String, String> meta = new LinkedHashMap<>();
            if (!Requests.isTrue(request.getHeader("X-Fresh-Metadata"))) {
                meta.putAll(from.meta());
            }
            meta.putAll(requestMeta);
            meta.values().removeIf(String::isEmpty);
            String type = request.getHeader("Content-Type");
            String contentType = type == null || type.isBlank() ? from.contentType() : type.trim();
            Attributes attributes = new Attributes(contentType, meta, manifestItself ? from.manifest() : null);
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
        empty(response, 201);
    }

    /** {@code container/object} (a leading / allowed), percent-decoded as Swift's copy middleware does. */
    private static String[] containerAndObject(String header, String name) {
        String value = Requests.decode(header.trim(), name + " header");
        if (value.startsWith("/")) {
            value = value.substring(1);
        }
        int slash = value.indexOf('/');
        if (slash <= 0 || slash == value.length() - 1) {
            throw new SwiftException(412, name + " header must be of the form <container name>/<object name>");
        }
        return new String[] {value.substring(0, slash), value.substring(slash + 1)};
    }

    private void get(HttpServletRequest request, HttpServletResponse response, Account account, Container container,
            Target target) throws IOException {
        String name = target.object();
        Opened opened = store.open(container, name);
        if (opened == null) {
            throw objectNotFound(container.name, name);
        }
        try (opened) {
            StoredObject object = opened.object();
            boolean dlo = object.manifest() != null && !"get".equals(request.getParameter("multipart-manifest"));
            Content content = dlo ? dlo(request, account, target, object) : plain(opened);
            response.setHeader("Content-Type", object.contentType());
            response.setHeader("ETag", content.etag());
            long lastModified = Times.lastModifiedSeconds(content.timestamp());
            response.setHeader("Last-Modified", Times.httpDate(lastModified));
            response.setHeader("X-Timestamp", Times.xTimestamp(object.timestamp()));
            response.setHeader("Accept-Ranges", "bytes");
            if (object.manifest() != null) {
                response.setHeader("X-Object-Manifest", object.manifest());
            }
            object.meta().forEach(response::setHeader);
            if (!preconditions(request, response, content.etag(), lastModified)) {
                return;
            }
            send(request, response, content, object.contentType(), dlo);
        }
    }

    /**
     * If-Match, If-None-Match, If-Modified-Since, If-Unmodified-Since, in Swift's order.
     *
     * @return false when the response (304 or 412) is already answered
     */
    private static boolean preconditions(HttpServletRequest request, HttpServletResponse response, String etag,
            long lastModified) throws IOException {
        String bare = etag.replace("\"", "");
        String ifMatch = request.getHeader("If-Match");
        if (ifMatch != null && !etagMatches(ifMatch, bare)) {
            throw new SwiftException(412, "Precondition Failed: ETag " + bare + " does not match If-Match");
        }
        String ifNoneMatch = request.getHeader("If-None-Match");
        if (ifNoneMatch != null && etagMatches(ifNoneMatch, bare)) {
            notModified(response);
            return false;
        }
        String since = request.getHeader("If-Modified-Since");
        if (ifNoneMatch == null && since != null) {
            long seconds = Times.parseHttpDate(since);
            if (seconds >= 0 && lastModified <= seconds) {
                notModified(response);
                return false;
            }
        }
        String unmodified = request.getHeader("If-Unmodified-Since");
        if (unmodified != null) {
            long seconds = Times.parseHttpDate(unmodified);
            if (seconds >= 0 && lastModified > seconds) {
                throw new SwiftException(412, "Precondition Failed: modified since " + unmodified.trim());
            }
        }
        return true;
    }

    private static void notModified(HttpServletResponse response) {
        response.setStatus(304);
    }

    private static boolean etagMatches(String header, String etag) {
        for (String each : header.split(",")) {
            String candidate = each.trim();
            if (candidate.startsWith("W/")) {
                candidate = candidate.substring(2);
            }
            candidate = candidate.replace("\"", "");
            if (candidate.equals("*") || candidate.equalsIgnoreCase(etag)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The whole content, one range (206), several (206 multipart/byteranges), or 416: as Swift's swob
     * answers a Range. A DLO is sent whole when several ranges are asked for, as Swift's dlo
     * middleware does: each range of a DLO would read its segments anew.
     */
    private static void send(HttpServletRequest request, HttpServletResponse response, Content content, String type,
            boolean dlo) throws IOException {
        long size = content.size();
        boolean head = request.getMethod().equals("HEAD");
        Ranges requested = Ranges.parse(request.getHeader("Range"));
        if (requested == null || dlo && requested.count() > 1) {
            whole(response, content, head);
            return;
        }
        List<long[]> ranges;
        try {
            ranges = requested.forLength(size);
        } catch (SwiftException unsatisfiable) {
            response.setHeader("Content-Range", "bytes */" + size);
            throw unsatisfiable;
        }
        if (size == 0) {
            // A suffix range of an empty body: no Content-Range can name its bytes, so swob sends it whole.
            whole(response, content, head);
            return;
        }
        response.setStatus(206);
        if (ranges.size() == 1) {
            long[] range = ranges.get(0);
            response.setHeader("Content-Range", "bytes " + range[0] + "-" + (range[1] - 1) + "/" + size);
            response.setContentLengthLong(range[1] - range[0]);
            if (!head) {
                content.write(response.getOutputStream(), range[0], range[1] - range[0]);
            }
            return;
        }
        String boundary = HexFormat.of().formatHex(ByteBuffer.allocate(16)
                .putLong(ThreadLocalRandom.current().nextLong()).putLong(ThreadLocalRandom.current().nextLong()).array());
        List<byte[]> heads = new ArrayList<>();
        long length = 0;
        for (long[] range : ranges) {
            byte[] part = ("--" + boundary + "\r\nContent-Type: " + type + "\r\nContent-Range: bytes " + range[0] + "-"
                    + (range[1] - 1) + "/" + size + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            heads.add(part);
            length += part.length + (range[1] - range[0]) + 2;
        }
        byte[] tail = ("--" + boundary + "--").getBytes(StandardCharsets.ISO_8859_1);
        length += tail.length;
        response.setContentType("multipart/byteranges;boundary=" + boundary);
        response.setContentLengthLong(length);
        if (head) {
            return;
        }
        OutputStream out = response.getOutputStream();
        for (int i = 0; i < ranges.size(); i++) {
            long[] range = ranges.get(i);
            out.write(heads.get(i));
            content.write(out, range[0], range[1] - range[0]);
            out.write(new byte[] {'\r', '\n'});
        }
        out.write(tail);
    }

    private static void whole(HttpServletResponse response, Content content, boolean head) throws IOException {
        response.setStatus(200);
        response.setContentLengthLong(content.size());
        if (!head) {
            content.write(response.getOutputStream(), 0, content.size());
        }
    }

    // ------------------------------------------------------------------ content: one file, or a DLO's segments

    /** Bytes to send or copy: an object's file or a DLO's segments. */
    interface Content {
        long size();

        String etag();

        long timestamp();

        void write(OutputStream out, long start, long length) throws IOException;

        /** The whole content as a stream, for a copy. */
        InputStream stream() throws IOException;
    }

    private static Content plain(Opened opened) {
        StoredObject object = opened.object();
        FileChannel channel = opened.channel();
        return new Content() {
            @Override
            public long size() {
                return object.size();
            }

            @Override
            public String etag() {
                return object.etag();
            }

            @Override
            public long timestamp() {
                return object.timestamp();
            }

            @Override
            public void write(OutputStream out, long start, long length) throws IOException {
                copy(channel, start, length, out);
            }

            @Override
            public InputStream stream() throws IOException {
                return java.nio.channels.Channels.newInputStream(channel.position(0));
            }
        };
    }

    /**
     * A Dynamic Large Object: the objects of the manifest's container whose names start with its
     * prefix, concatenated in name order; its ETag is the quoted MD5 of their ETags, as Swift's.
     * Only for a user who may read the segments' container: Swift's dlo middleware lists and reads
     * them with the user's own authorization, so reading a manifest is no way round an ACL.
     *
     * @param target the manifest, as the request named it (for the error message)
     */
    private Content dlo(HttpServletRequest request, Account account, Target target, StoredObject manifest) {
        String value = manifest.manifest();
        int slash = value.indexOf('/');
        String containerName = decodeLeniently(value.substring(0, slash));
        String prefix = decodeLeniently(value.substring(slash + 1));
        Container container = account.containers.get(containerName);
        if (!mayRead(request, container)) {
            throw forbidden(request.getRemoteUser() + " may not read the segments of '/" + target.container() + "/"
                    + target.object() + "' in the container '" + containerName + "': X-Container-Read does not name them");
        }
        if (container == null) {
            // Swift answers with the failed listing of the segments, not with an empty object.
            throw new SwiftException(404, "Container '" + containerName + "' not found: '/" + target.container() + "/"
                    + target.object() + "' names it for its segments (X-Object-Manifest)");
        }
        List<Entry> segments = store.withPrefix(container, prefix);
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
        long total = size;
        long timestamp = latest;
        return new Content() {
            @Override
            public long size() {
                return total;
            }

            @Override
            public String etag() {
                return etag;
            }

            @Override
            public long timestamp() {
                return timestamp;
            }

            @Override
            public void write(OutputStream out, long start, long length) throws IOException {
                long offset = 0;
                long end = start + length;
                for (Entry segment : segments) {
                    long segmentEnd = offset + segment.size();
                    if (segmentEnd > start && offset < end) {
                        long from = Math.max(start, offset) - offset;
                        long to = Math.min(end, segmentEnd) - offset;
                        try (Opened opened = openSegment(container, segment)) {
                            copy(opened.channel(), from, to - from, out);
                        }
                    }
                    offset = segmentEnd;
                    if (offset >= end) {
                        break;
                    }
                }
            }

            @Override
            public InputStream stream() {
                return new SegmentsInputStream(this, total);
            }
        };
    }

    /** A segment as listed, or an IOException: a DLO whose segment changed mid-response cannot be served honestly. */
    private Opened openSegment(Container container, Entry segment) throws IOException {
        Opened opened = store.open(container, segment.name());
        if (opened == null || !opened.object().etag().equals(segment.etag())) {
            if (opened != null) {
                opened.close();
            }
            throw new IOException("DLO segment '" + segment.name() + "' in '" + container.name + "' changed while being read");
        }
        return opened;
    }

    private static String decodeLeniently(String text) {
        try {
            return Requests.decode(text, "manifest");
        } catch (SwiftException e) {
            return text;
        }
    }

    private static void copy(FileChannel channel, long start, long length, OutputStream out) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(ObjectStore.BUFFER_SIZE);
        long position = start;
        long left = length;
        while (left > 0) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), left));
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new IOException("The file ended " + left + " bytes early");
            }
            out.write(buffer.array(), 0, n);
            position += n;
            left -= n;
        }
    }

    // ------------------------------------------------------------------ authorization

    /**
     * The contract with the authentication stage in front (tempauth): it has refused anyone who
     * is not a user of the path's account, and for the others getRemoteUser() is
     * {@code account:user} and isUserInRole is true for {@code .admin} (the account's admin) and
     * {@code .reseller_admin}. No remote user (no auth stage) or an admin: everything is allowed.
     * Any other user gets what the container's ACLs grant, as in Swift.
     */
    private static void authorize(HttpServletRequest request, Target target, Container container, String method) {
        if (isOwner(request)) {
            return;
        }
        String user = request.getRemoteUser();
        if (target.container() == null) {
            throw forbidden(user + " may not " + method + " the account " + target.account() + ": that needs .admin");
        }
        if (target.object() == null) {
            if (!method.equals("GET") && !method.equals("HEAD")) {
                throw forbidden(user + " may not " + method + " the container '" + target.container() + "': that needs .admin");
            }
            if (!mayRead(request, container)) {
                throw forbidden(user + " may not list the container '" + target.container() + "': X-Container-Read does not name them");
            }
            return;
        }
        boolean read = method.equals("GET") || method.equals("HEAD");
        String acl = read ? "X-Container-Read" : "X-Container-Write";
        if (container == null || !Requests.aclGrants(container.meta.get(acl), user)) {
            throw forbidden(user + " may not " + method + " objects in the container '" + target.container() + "': "
                    + acl + " does not name them");
        }
    }

    /** Whether a user may list a container and read its objects: its owner, or one X-Container-Read names. */
    private static boolean mayRead(HttpServletRequest request, Container container) {
        return isOwner(request)
                || container != null && Requests.aclGrants(container.meta.get("X-Container-Read"), request.getRemoteUser());
    }

    private static boolean isOwner(HttpServletRequest request) {
        return request.getRemoteUser() == null || request.isUserInRole(".admin") || request.isUserInRole(".reseller_admin");
    }

    private static SwiftException forbidden(String why) {
        return new SwiftException(403, "Forbidden: " + why);
    }

    // ------------------------------------------------------------------ responses

    private static SwiftException objectNotFound(String container, String object) {
        return new SwiftException(404, "Object '" + object + "' not found in container '" + container + "'");
    }

    private static SwiftException notAllowed(String method, String what, String allowed) {
        return new SwiftException(405, "Method Not Allowed: " + method + " on " + what + "; allowed: " + allowed);
    }

    private static void empty(HttpServletResponse response, int status) {
        response.setStatus(status);
        response.setContentType(TEXT);
        response.setContentLength(0);
    }

    /** The most of an unread request body an error answer reads to keep the connection. */
    private static final long DRAIN_LIMIT = 64 * 1024;

    private static void body(HttpServletResponse response, int status, String type, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(type);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static Map<String, List<String>> headers(HttpServletResponse response) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : response.getHeaderNames()) {
            headers.put(name, List.copyOf(response.getHeaders(name)));
        }
        return headers;
    }

    /** @param bodyUnreadable reading the request body failed: it cannot be drained, and the connection ends with this answer */
    private static void error(HttpServletRequest request, HttpServletResponse response, Map<String, List<String>> upstream,
            int status, String message, boolean bodyUnreadable) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        String contentRange = response.getHeader("Content-Range");
        response.reset();
        // reset() puts back what Jetty 12 gives every response from its start (Date, Server), and
        // the stages' headers were read after that: adding those again would send two Dates.
        upstream.forEach((name, values) -> {
            if (!response.containsHeader(name)) {
                values.forEach(value -> response.addHeader(name, value));
            }
        });
        if (bodyUnreadable || !unreadBodyDrained(request)) {
            // The rest of the body is not worth reading: say the connection ends here, or Jetty
            // closes it after a response that said nothing, and a client reusing it fails.
            response.setHeader("Connection", "close");
        }
        if (status == 416 && contentRange != null) {
            response.setHeader("Content-Range", contentRange);
        }
        try {
            body(response, status, TEXT, message + "\n");
        } catch (IOException gone) {
            // The client went away before its answer (a reset connection fails the write at once).
            // Out of the app this would be an error: Felix's dispatcher logs it with its stack trace.
            LOG.debug("{} {}: the {} answer found the client gone: {}", request.getMethod(), request.getRequestURI(),
                    status, gone.toString());
        }
    }

    /** Refused before its body was read: a small body is read and dropped, so the connection can serve the next request. */
    private static boolean unreadBodyDrained(HttpServletRequest request) {
        try {
            ServletInputStream in = request.getInputStream();
            if (in.isFinished()) {
                return true;
            }
            long length = request.getContentLengthLong();
            if (length < 0 || length > DRAIN_LIMIT) {
                return false;
            }
            byte[] buffer = new byte[8192];
            long left = length;
            for (int n; left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0; ) {
                left -= n;
            }
            return left == 0;
        } catch (IOException | IllegalStateException e) {
            return false;
        }
    }

    /** A Content as a stream, read through its write(): only copies use it, and only one 64 KiB buffer at a time. */
    private static final class SegmentsInputStream extends InputStream {
        private final Content content;
        private final long size;
        private long position;
        private final byte[] one = new byte[1];

        SegmentsInputStream(Content content, long size) {
            this.content = content;
            this.size = size;
        }

        @Override
        public int read() throws IOException {
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(length, size - position);
            OutputStream into = new OutputStream() {
                private int at = offset;

                @Override
                public void write(int b) {
                    buffer[at++] = (byte) b;
                }

                @Override
                public void write(byte[] bytes, int from, int count) {
                    System.arraycopy(bytes, from, buffer, at, count);
                    at += count;
                }
            };
            content.write(into, position, n);
            position += n;
            return n;
        }
    }
}
