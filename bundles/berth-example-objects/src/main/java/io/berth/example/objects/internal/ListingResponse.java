package io.berth.example.objects.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.function.Function;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * An account's containers or a container's objects as Swift answers a listing: the query's
 * limit, prefix, delimiter, markers and reverse ({@link Listing} pages the index with them), then
 * the page in plain text, JSON or XML.
 */
final class ListingResponse {

    private ListingResponse() {
    }

    /**
     * @param listingLimit the most a page holds, and the largest limit= taken
     * @param kind "account" or "container": the XML's root element, which names its items container or object
     * @param owner the account's or container's name, for the XML's root element
     * @param describe an item's fields, "name" first, in the order JSON and XML show them
     * @throws SwiftException 412 for a limit over the listing limit, 400 for NUL in a parameter
     */
    static <V> void send(HttpServletRequest request, HttpServletResponse response, NavigableMap<String, V> all,
            int listingLimit, String kind, String owner, Function<V, Map<String, Object>> describe) throws IOException {
        int limit = limit(request, listingLimit);
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
            Responses.body(response, 200, "application/json; charset=utf-8", Json.write(json));
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
            Responses.body(response, 200, "application/xml; charset=utf-8", xml.toString());
        } else if (items.isEmpty()) {
            Responses.empty(response, 204);
        } else {
            StringBuilder text = new StringBuilder();
            for (Object item : items) {
                text.append(item instanceof String ? (String) item : (String) describe.apply(cast(item)).get("name")).append('\n');
            }
            Responses.body(response, 200, Responses.TEXT, text.toString());
        }
    }

    /** limit=, when it is a number: Swift answers 412 (not 400) for one over the listing limit, and ignores one that is not a number. */
    private static int limit(HttpServletRequest request, int listingLimit) {
        String given = request.getParameter("limit");
        if (given != null && !given.isEmpty() && given.chars().allMatch(Character::isDigit)) {
            if (given.length() > 9 || Integer.parseInt(given) > listingLimit) {
                throw new SwiftException(412, "Maximum limit is " + listingLimit);
            }
            return Integer.parseInt(given);
        }
        return listingLimit;
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
    static String format(HttpServletRequest request) {
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
}
