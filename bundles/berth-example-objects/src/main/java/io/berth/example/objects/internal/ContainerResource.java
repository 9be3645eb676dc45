package io.berth.example.objects.internal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.berth.api.Headers;
import io.berth.example.objects.internal.Requests.Target;

/**
 * {@code /v1/ACCOUNT/CONTAINER}: made (PUT), its metadata and ACLs changed (POST), removed when
 * empty (DELETE), its counts and metadata (HEAD), its objects listed (GET).
 */
final class ContainerResource {

    private final ObjectStore store;
    private final ObjectsApp.Config config;

    ContainerResource(ObjectStore store, ObjectsApp.Config config) {
        this.store = store;
        this.config = config;
    }

    void serve(HttpServletRequest request, HttpServletResponse response, Target target) throws IOException {
        String method = request.getMethod();
        Account account = store.account(target.account());
        Container container = account.containers.get(target.container());
        // Swift's listing_formats reads Accept before anything else looks at the request.
        String listingType = method.equals("GET") || method.equals("HEAD") ? ListingResponse.contentType(request) : null;
        Acls.authorize(request, target, container, method);
        switch (method) {
            case "PUT": {
                Map<String, String> meta = Requests.metadata(request, "container");
                Acls.fromHeaders(request, meta);
                boolean created = store.putContainer(account, target.container(), meta);
                Responses.empty(response, created ? 201 : 202);
                return;
            }
            case "POST": {
                Container existing = Responses.existing(container, target.container());
                Map<String, String> meta = Requests.metadata(request, "container");
                Acls.fromHeaders(request, meta);
                store.updateContainer(existing, meta);
                Responses.empty(response, 204);
                return;
            }
            case "DELETE":
                store.deleteContainer(account, Responses.existing(container, target.container()));
                Responses.empty(response, 204);
                return;
            case "HEAD":
                headers(request, response, target, Responses.existing(container, target.container()));
                ListingResponse.head(request, response, listingType);
                return;
            case "GET": {
                Container existing = Responses.existing(container, target.container());
                headers(request, response, target, existing);
                ListingResponse.send(request, response, listingType, existing.objects, config.container__listing__limit(), "container",
                        existing.name, e -> {
                            Map<String, Object> json = new LinkedHashMap<>();
                            json.put("name", e.name());
                            json.put("hash", e.etag());
                            json.put("bytes", e.size());
                            json.put("content_type", e.contentType());
                            json.put("last_modified", Times.listing(e.timestamp()));
                            StaticLargeObject.listed(e, json);
                            return json;
                        });
                return;
            }
            default:
                throw Responses.notAllowed(method, "a container", "PUT, POST, DELETE, HEAD, GET");
        }
    }

    private static void headers(HttpServletRequest request, HttpServletResponse response, Target target, Container container) {
        response.setHeader("X-Container-Object-Count", Long.toString(container.count.get()));
        response.setHeader("X-Container-Bytes-Used", Long.toString(container.bytes.get()));
        response.setHeader("X-Timestamp", Times.xTimestamp(container.created));
        response.setHeader("X-Put-Timestamp", Times.xTimestamp(container.created));
        // Swift's container server: the put timestamp rounded up to the second.
        response.setHeader("Last-Modified", Times.httpDate(Times.lastModifiedSeconds(container.created)));
        response.setHeader("X-Storage-Policy", "Policy-0");
        boolean owner = Acls.isOwner(request, target.account());
        container.meta.forEach((name, value) -> {
            if (Acls.shows(name, owner)) {
                Headers.setUtf8(response, name, value);
            }
        });
    }
}
