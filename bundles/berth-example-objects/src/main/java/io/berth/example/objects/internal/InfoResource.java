package io.berth.example.objects.internal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** {@code /info}: the capabilities Swift's clients read before they choose how to upload and delete. */
final class InfoResource {

    /** The Swift release whose API and limits this app follows, as /info reports it to clients. */
    private static final String SWIFT_VERSION = "2.30.0";

    private final ObjectsApp.Config config;

    InfoResource(ObjectsApp.Config config) {
        this.config = config;
    }

    void serve(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            throw Responses.notAllowed(method, "/info", "GET, HEAD");
        }
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
        // With "bulk_delete" swiftclient deletes a container's objects in one request; with "slo" it can --use-slo.
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("swift", swift);
        info.put("bulk_delete", new TreeMap<>(Map.of("max_deletes_per_request", (long) BulkDelete.MAX_DELETES_PER_REQUEST,
                "max_failed_deletes", (long) BulkDelete.MAX_FAILED_DELETES)));
        info.put("slo", StaticLargeObject.info());
        info.put("max_container_objects", Map.of("per_container", config.max__container__objects()));
        Responses.body(response, 200, "application/json; charset=utf-8", Json.write(info));
    }
}
