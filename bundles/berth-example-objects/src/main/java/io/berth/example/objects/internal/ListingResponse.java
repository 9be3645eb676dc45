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

    private static final String TEXT = "text/plain";
    private static final String JSON = "application/json";
    private static final String CHARSET = "; charset=utf-8";

    private ListingResponse() {
    }

    /**
     * @param type the media type {@link #contentType} chose
     * @param listingLimit the most a page holds, and the largest limit= taken
     * @param kind "account" or "container": the XML's root element, which names its items container or object
     * @param owner the account's or container's name, for the XML's root element
     * @param describe an item's fields, "name" first, in the order JSON and XML show them
     * @throws SwiftException 412 for a limit over the listing limit, 400 for NUL in a parameter
     */
    static <V> void send(HttpServletRequest request, HttpServletResponse response, String type, NavigableMap<String, V> all,
            int listingLimit, String kind, String owner, Function<V, Map<String, Object>> describe) throws IOException {
        int limit = limit(request, listingLimit);
        String prefix = param(request, "prefix");
        String delimiter = param(request, "delimiter");
        String marker = param(request, "marker");
        String endMarker = param(request, "end_marker");
        boolean reverse = Requests.isTrue(Requests.parameter(request, "reverse"));
        List<Object> items = Listing.list(all, prefix, delimiter, marker, endMarker, reverse, limit);

        if (Requests.parameter(request, "format") == null) {
            // The answer depends on Accept: caches must not give one client's format to another.
            response.setHeader("Vary", "Accept");
        }
        if (type.equals(JSON)) {
            List<Object> json = new ArrayList<>(items.size());
            for (Object item : items) {
                json.add(item instanceof String ? Map.of("subdir", item) : describe.apply(cast(item)));
            }
            Responses.body(response, 200, JSON + CHARSET, Json.write(json));
        } else if (type.endsWith("/xml")) {
            String xml = xml(kind, owner, items, describe);
            Responses.body(response, 200, type + CHARSET, xml);
        } else if (items.isEmpty()) {
            // Swift's listing_formats: an empty text page is 204, still labelled as text.
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
        String given = Requests.parameter(request, "limit");
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
        String value = Requests.parameter(request, name);
        if (value != null && value.indexOf('\0') >= 0) {
            throw new SwiftException(400, "NUL in the " + name + " parameter");
        }
        return value == null ? "" : value;
    }

    /**
     * The listing's media type, as Swift's get_listing_content_type chooses it: format=json|xml|plain
     * wins (anything else is plain), else the Accept header as swob matches it ({@link Accept}).
     * Swift's listing_formats chooses it before the request goes further, so a bad Accept header is
     * 400 even for a container that does not exist, and before authentication.
     *
     * @throws SwiftException 400 "Invalid Accept header", 406 when Accept takes none of the four types
     */
    static String contentType(HttpServletRequest request) {
        String format = Requests.parameter(request, "format");
        if (format != null && !format.isEmpty()) {
            switch (format.toLowerCase(Locale.ROOT)) {
                case "json": return JSON;
                case "xml": return "application/xml";
                default: return TEXT;
            }
        }
        String type;
        try {
            type = Accept.bestMatch(request.getHeader("Accept"), Accept.SWIFT_FORMATS);
        } catch (IllegalArgumentException e) {
            throw new SwiftException(400, e.getMessage());
        }
        if (type == null) {
            throw new SwiftException(406, "Not Acceptable: a listing is sent as one of " + String.join(", ", Accept.SWIFT_FORMATS)
                    + ", and the Accept header takes none of them");
        }
        return type;
    }

    /**
     * The Content-Type of a HEAD, a listing without its body: the one its GET would have, as
     * Swift's listing_formats sets it on account and container HEADs.
     */
    static void head(HttpServletRequest request, HttpServletResponse response, String type) {
        if (Requests.parameter(request, "format") == null) {
            response.setHeader("Vary", "Accept");
        }
        Responses.empty(response, 204, type + CHARSET);
    }

    /**
     * The listing as Swift's container_to_xml and account_to_xml write it, byte for byte: an
     * account's items each on a line and its subdirs bare, a container's on one line with each
     * subdir's name inside, an empty container as an empty element. Text escapes &amp;, &lt; and
     * &gt;; attributes the quote as well.
     */
    private static <V> String xml(String kind, String owner, List<Object> items, Function<V, Map<String, Object>> describe) {
        boolean account = kind.equals("account");
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<")
                .append(kind).append(" name=\"").append(attribute(owner)).append('"');
        if (items.isEmpty() && !account) {
            return xml.append(" />").toString();
        }
        String newline = account ? "\n" : "";
        xml.append('>').append(newline);
        String element = account ? "container" : "object";
        for (Object item : items) {
            if (item instanceof String subdir) {
                xml.append("<subdir name=\"").append(attribute(subdir)).append('"');
                xml.append(account ? " />" : "><name>" + Responses.escape(subdir) + "</name></subdir>");
            } else {
                xml.append('<').append(element).append('>');
                describe.apply(cast(item)).forEach((k, v) ->
                        xml.append('<').append(k).append('>').append(Responses.escape(String.valueOf(v)))
                                .append("</").append(k).append('>'));
                xml.append("</").append(element).append('>');
            }
            xml.append(newline);
        }
        return xml.append("</").append(kind).append('>').toString();
    }

    private static String attribute(String text) {
        return Responses.escape(text).replace("\"", "&quot;");
    }
}
