package io.berth.example.objects.internal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.berth.api.Berth;
import io.berth.example.objects.internal.ObjectStore.Attributes;
import io.berth.example.objects.internal.ObjectStore.Opened;
import io.berth.example.objects.internal.ObjectStore.StoredObject;
import io.berth.example.objects.internal.Requests.Target;

/**
 * A server-side copy, COPY with Destination or PUT with X-Copy-From: the source's bytes (a DLO's
 * concatenation) and metadata, the request's metadata over it. As Swift's copy middleware makes
 * it a GET of the source and a PUT of the destination, each is authorized as such, in its own
 * account: another account's with Destination-Account (COPY) or X-Copy-From-Account (PUT), where
 * the user has what that account's container ACLs grant.
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
        // Swift's copy middleware reads the account before the Destination's form.
        String toAccount = account(request, "Destination-Account");
        String[] to = containerAndObject(destination, "Destination");
        copy(request, response, account, target.container(), target.object(),
                toAccount == null ? account : store.account(toAccount), to[0], to[1]);
    }

    /** PUT of the target with X-Copy-From: the object that header names, copied to the target. */
    void fromSource(HttpServletRequest request, HttpServletResponse response, Account account, String copyFrom,
            Target target) throws IOException {
        if (request.getContentLengthLong() > 0) {
            throw new SwiftException(400, "Copy requests require a zero byte body");
        }
        String fromAccount = account(request, "X-Copy-From-Account");
        String[] source = containerAndObject(copyFrom, "X-Copy-From");
        copy(request, response, fromAccount == null ? account : store.account(fromAccount), source[0], source[1], account,
                target.container(), target.object());
    }

    private void copy(HttpServletRequest request, HttpServletResponse response, Account account, String fromContainer,
            String fromObject, Account toAccount, String toContainer, String toObject) throws IOException {
        Acls.authorize(request, new Target(account.name, fromContainer, fromObject), account.containers.get(fromContainer), "GET");
        Acls.authorize(request, new Target(toAccount.name, toContainer, toObject), toAccount.containers.get(toContainer), "PUT");
        Container source = Responses.existing(account.containers.get(fromContainer), fromContainer);
        Container destination = Responses.existing(toAccount.containers.get(toContainer), toContainer);
        Map<String, String> requestMeta = Requests.metadata(request, "object");
        long now = clock.getAsLong();
        Long requestedDeleteAt = Expiry.requested(request) ? Expiry.deleteAt(request, now) : null;
        boolean manifestItself = "get".equals(Requests.parameter(request, "multipart-manifest"));
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
            // Swift's copy reads the source with a GET that carries the request's own headers: its
            // conditions are the source's (a 304 or 412 is the answer), and so is its Range (a part
            // is copied, several as the multipart document the GET would have sent).
            long lastModified = Times.lastModifiedSeconds(content.timestamp());
            response.setHeader("ETag", content.etag());
            response.setHeader("Last-Modified", Times.httpDate(lastModified));
            if (!Preconditions.forRead(request, response, content.etag(), lastModified)) {
                return;
            }
            boolean dlo = from.manifest() != null && !manifestItself;
            ContentSender.Selection selection = ContentSender.select(request, response, content, from.contentType(), dlo);
            Content copied = selection.body();
            if (manifestItself && selection.status() == 206 && StaticLargeObject.is(from)) {
                // Swift would PUT the part as a manifest, and refuse it as no manifest.
                throw new SwiftException(400, "A Range cannot copy part of an SLO's manifest: it would be no manifest");
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
            String sourceType = selection.multipart() != null ? selection.multipart().contentType() : from.contentType();
            String contentType = type == null || type.isBlank() ? sourceType : type.trim();
            // The manifest itself copied keeps what makes it an SLO: the same segments, Swift's result too.
            Attributes attributes = new Attributes(contentType, meta, manifestItself ? from.manifest() : null, deleteAt,
                    manifestItself ? from.sysmeta() : Map.of());
            try {
                stored = store.put(destination, toObject, copied.stream(), copied.size(), null, attributes, false, limits);
            } catch (BodyReadException e) {
                // The body was our own file or a DLO's segments, not the client's: a failure of the store.
                throw new IOException("Copying '" + fromContainer + "/" + fromObject + "' failed: " + e.getMessage(), e);
            }
            response.setHeader("X-Copied-From-Account", Requests.quote(account.name));
            response.setHeader("X-Copied-From", Requests.quote(fromContainer) + "/" + Requests.quote(fromObject));
            // Swift's: the source GET's Last-Modified, as it was sent.
            response.setHeader("X-Copied-From-Last-Modified", Times.httpDate(lastModified));
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
     * Destination-Account or X-Copy-From-Account, percent-decoded and checked as Swift's
     * {@code check_account_format} checks it; an empty X-Copy-From-Account is not sent, as in Swift.
     *
     * @return null when the request names no other account
     * @throws SwiftException 412 "Account name cannot be empty" (an empty Destination-Account),
     *         "Account name cannot contain slashes", {@value Requests#INVALID_NAME} for escapes
     *         that are not UTF-8; 400 for a bad escape, or a name longer than Swift's accounts
     */
    static String account(HttpServletRequest request, String name) {
        String value = header(request, name);
        if (value == null || value.isEmpty() && !name.equals("Destination-Account")) {
            return null;
        }
        if (Requests.BAD_ESCAPE.matcher(value).find()) {
            throw new SwiftException(400, "Invalid percent-encoding in the " + name + " header");
        }
        String account;
        try {
            account = Berth.percentDecode(value, name + " header");
        } catch (IllegalArgumentException e) {
            throw new SwiftException(412, Requests.INVALID_NAME);
        }
        if (account.isEmpty()) {
            throw new SwiftException(412, "Account name cannot be empty");
        }
        if (account.indexOf('/') >= 0) {
            throw new SwiftException(412, "Account name cannot contain slashes");
        }
        // The path Swift's copy middleware makes: the proxy's limits on it.
        Requests.target("/v1/" + account);
        return account;
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
