package io.berth.example.objects.internal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.berth.api.Headers;
import io.berth.example.objects.internal.Requests.Target;

/** {@code /v1/ACCOUNT}: its counts and metadata (HEAD), its containers (GET), its metadata changed (POST). Admins only. */
final class AccountResource {

    private final ObjectStore store;
    private final ObjectsApp.Config config;

    AccountResource(ObjectStore store, ObjectsApp.Config config) {
        this.store = store;
        this.config = config;
    }

    void serve(HttpServletRequest request, HttpServletResponse response, Target target) throws IOException {
        String method = request.getMethod();
        // Swift's listing_formats reads Accept before anything else looks at the request.
        String listingType = method.equals("GET") || method.equals("HEAD") ? ListingResponse.contentType(request) : null;
        Acls.authorize(request, target, null, method);
        Account account = store.account(target.account());
        switch (method) {
            case "HEAD":
                headers(response, account);
                ListingResponse.head(request, response, listingType);
                return;
            case "GET":
                headers(response, account);
                ListingResponse.send(request, response, listingType, account.containers, config.account__listing__limit(), "account",
                        account.name, c -> {
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
                Responses.empty(response, 204);
                return;
            default:
                throw Responses.notAllowed(method, "an account", "HEAD, GET, POST");
        }
    }

    private static void headers(HttpServletResponse response, Account account) {
        response.setHeader("X-Account-Container-Count", Long.toString(account.containers.size()));
        response.setHeader("X-Account-Object-Count", Long.toString(account.objectCount()));
        response.setHeader("X-Account-Bytes-Used", Long.toString(account.bytesUsed()));
        response.setHeader("X-Timestamp", Times.xTimestamp(account.created));
        response.setHeader("X-Put-Timestamp", Times.xTimestamp(account.created));
        account.meta.forEach((name, value) -> Headers.setUtf8(response, name, value));
    }
}
