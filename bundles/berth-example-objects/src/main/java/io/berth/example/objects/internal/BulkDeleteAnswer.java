package io.berth.example.objects.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import jakarta.servlet.http.HttpServletResponse;

/**
 * What a bulk delete did, and its answer as Swift's bulk middleware writes it ({@code
 * get_response_body}): always 200, the outcome in the body, as text (the default), JSON or XML as
 * the Accept header asks. Clients parse these bodies (swiftclient reads the JSON), so they are
 * Swift's to the byte: key order, spacing, status lines.
 */
final class BulkDeleteAnswer {

    /** What Swift's answer says it is when the Accept header accepts none of them: swob's default for a 200. */
    private static final String UNACCEPTABLE_TYPE = "text/html; charset=UTF-8";

    private static final Map<Integer, String> REASONS = Map.ofEntries(Map.entry(200, "OK"),
            Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"),
            Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"), Map.entry(406, "Not Acceptable"),
            Map.entry(409, "Conflict"), Map.entry(411, "Length Required"), Map.entry(412, "Precondition Failed"),
            Map.entry(413, "Request Entity Too Large"), Map.entry(500, "Internal Server Error"),
            Map.entry(502, "Bad Gateway"), Map.entry(503, "Service Unavailable"), Map.entry(507, "Insufficient Storage"));

    private int deleted;
    private int notFound;
    /** Each a quoted name and the status line its delete got. */
    private final List<List<String>> errors = new ArrayList<>();
    /** Swift's failed_file_response: 400, or 502 once an item failed with a 5xx. */
    private int failedStatus = 400;
    private String status;
    private String responseBody = "";

    /**
     * One item's outcome, by what its DELETE was answered.
     *
     * @param quoted its name, quoted as Swift lists it ({@link Requests#quote})
     */
    void outcome(String quoted, int status) {
        if (status / 100 == 2) {
            deleted++;
        } else if (status == 404) {
            notFound++;
        } else {
            failed(quoted, statusLine(status));
            if (status / 100 == 5) {
                failedStatus = 502;
            }
        }
    }

    /**
     * An item that could not be deleted for a reason of its own (an SLO whose manifest did not read).
     *
     * @param quoted its name, quoted as Swift lists it
     */
    void failed(String quoted, String why) {
        errors.add(List.of(quoted, why));
    }

    int failures() {
        return errors.size();
    }

    /** The whole request was refused, or given up: Swift's HTTPException caught around the work. */
    void refused(int status, String body) {
        this.status = statusLine(status);
        this.responseBody = body;
    }

    /** Swift's verdict once every item is done, unless the request was refused. */
    private String verdict() {
        if (status != null) {
            return status;
        }
        if (!errors.isEmpty()) {
            return statusLine(failedStatus);
        }
        if (deleted == 0 && notFound == 0) {
            responseBody = "Invalid bulk delete.";
            return statusLine(400);
        }
        return statusLine(200);
    }

    /** @param format from {@link Accept#bulkFormat}; null: none acceptable, Swift's text with swob's type */
    void send(HttpServletResponse response, String format) throws IOException {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("Response Status", verdict());
        result.put("Response Body", responseBody);
        result.put("Number Deleted", deleted);
        result.put("Number Not Found", notFound);
        Responses.body(response, 200, format == null ? UNACCEPTABLE_TYPE : format,
                body(format == null ? "text/plain" : format, result, errors, "delete"));
    }

    /**
     * A bulk answer's body as Swift's bulk writes it (get_response_body), for bulk deletes and SLOs
     * alike: JSON in the result's order with the errors last; XML or text with the keys sorted, then
     * the errors, one a line.
     *
     * @param errors each a quoted name and why it failed
     * @param root the XML's root element: "delete", "upload"
     */
    static String body(String format, Map<String, Object> result, List<List<String>> errors, String root) {
        if (format.equals("application/json")) {
            Map<String, Object> json = new LinkedHashMap<>(result);
            json.put("Errors", errors);
            return Json.write(json);
        }
        StringBuilder out = new StringBuilder();
        boolean xml = format.endsWith("/xml");
        if (xml) {
            out.append('<').append(root).append(">\n");
        }
        new TreeMap<>(result).forEach((key, value) -> {
            if (xml) {
                String tag = key.replace(' ', '_').toLowerCase(Locale.ROOT);
                out.append('<').append(tag).append('>').append(Responses.escape(String.valueOf(value)))
                        .append("</").append(tag).append(">\n");
            } else {
                out.append(key).append(": ").append(value).append('\n');
            }
        });
        out.append(xml ? "<errors>\n" : "Errors:\n");
        for (List<String> error : errors) {
            out.append(xml ? "<object><name>" + Responses.escape(error.get(0)) + "</name><status>"
                    + Responses.escape(error.get(1))
                    + "</status></object>\n" : error.get(0) + ", " + error.get(1) + "\n");
        }
        if (xml) {
            out.append("</errors>\n</").append(root).append(">\n");
        }
        return out.toString();
    }

    /** swob's status line: {@code 409 Conflict}. */
    static String statusLine(int status) {
        return status + " " + REASONS.getOrDefault(status, "Unknown");
    }
}
