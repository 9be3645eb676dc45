package io.berth.example.objects.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletResponse;

/**
 * What a bulk delete did, and its answer as Swift's bulk middleware writes it ({@code
 * get_response_body}): always 200, the outcome in the body, as text (the default), JSON or XML as
 * the Accept header asks. Clients parse these bodies (swiftclient reads the JSON), so they are
 * Swift's to the byte: key order, spacing, status lines.
 */
final class BulkDeleteAnswer {

    /** Swift's ACCEPTABLE_FORMATS, in its order of preference. */
    private static final List<String> FORMATS = List.of("text/plain", "application/json", "application/xml", "text/xml");
    /** What Swift's answer says it is when the Accept header accepts none of them: swob's default for a 200. */
    private static final String UNACCEPTABLE_TYPE = "text/html; charset=UTF-8";

    private static final String TOKEN = "[^()<>@,;:\\\\\"/\\[\\]?={}\\x00-\\x20\\x7f]+";
    /** One media range of an Accept header, as swob's Accept reads it (RFC 2616 section 2.2). */
    private static final Pattern RANGE = Pattern.compile("^\\s*(" + TOKEN + ")/(" + TOKEN + ")((?:\\s*;\\s*(?:" + TOKEN
            + ")\\s*=\\s*(?:" + TOKEN + "|\"(?:[^\"\\\\]|\\\\.)*\"))*?\\s*)$");

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
    private String body = "";

    void deleted() {
        deleted++;
    }

    void notFound() {
        notFound++;
    }

    /** @param name as the client sent it, percent-decoded */
    void failed(byte[] name, int status) {
        errors.add(List.of(Requests.quote(name), statusLine(status)));
        if (status / 100 == 5) {
            failedStatus = 502;
        }
    }

    int failures() {
        return errors.size();
    }

    /** The whole request was refused, or given up: Swift's HTTPException caught around the work. */
    void refused(int status, String body) {
        this.status = statusLine(status);
        this.body = body;
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
            body = "Invalid bulk delete.";
            return statusLine(400);
        }
        return statusLine(200);
    }

    /** @param format from {@link #format}; null: none acceptable, Swift's text with swob's type */
    void send(HttpServletResponse response, String format) throws IOException {
        String verdict = verdict();
        String text;
        if ("application/json".equals(format)) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("Response Status", verdict);
            json.put("Response Body", body);
            json.put("Number Deleted", deleted);
            json.put("Number Not Found", notFound);
            json.put("Errors", errors);
            text = Json.write(json);
        } else if (format != null && format.endsWith("/xml")) {
            StringBuilder xml = new StringBuilder("<delete>\n");
            // Swift's keys sorted, spaces made underscores, lower case.
            xml.append("<number_deleted>").append(deleted).append("</number_deleted>\n");
            xml.append("<number_not_found>").append(notFound).append("</number_not_found>\n");
            xml.append("<response_body>").append(escape(body)).append("</response_body>\n");
            xml.append("<response_status>").append(escape(verdict)).append("</response_status>\n");
            xml.append("<errors>\n");
            for (List<String> error : errors) {
                xml.append("<object><name>").append(escape(error.get(0))).append("</name><status>")
                        .append(escape(error.get(1))).append("</status></object>\n");
            }
            text = xml.append("</errors>\n</delete>\n").toString();
        } else {
            StringBuilder plain = new StringBuilder();
            plain.append("Number Deleted: ").append(deleted).append('\n');
            plain.append("Number Not Found: ").append(notFound).append('\n');
            plain.append("Response Body: ").append(body).append('\n');
            plain.append("Response Status: ").append(verdict).append('\n');
            plain.append("Errors:\n");
            for (List<String> error : errors) {
                plain.append(error.get(0)).append(", ").append(error.get(1)).append('\n');
            }
            text = plain.toString();
        }
        Responses.body(response, 200, format == null ? UNACCEPTABLE_TYPE : format, text);
    }

    /** Python's saxutils.escape. */
    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** swob's status line: {@code 409 Conflict}. */
    static String statusLine(int status) {
        return status + " " + REASONS.getOrDefault(status, "Unknown");
    }

    /**
     * The answer's format, as swob's {@code Accept.best_match} picks among Swift's formats: no
     * header, text; the ranges by quality, exact types before wildcards at the same quality, each
     * matched against the formats in their order.
     *
     * @return null when the header accepts none of them or does not parse (Swift's 406)
     */
    static String format(String accept) {
        if (accept == null || accept.isEmpty()) {
            return FORMATS.get(0);
        }
        record Range(String type, String subtype, double quality, boolean exact) {
            boolean matches(String format) {
                int slash = format.indexOf('/');
                return (type.equals("*") || type.equals(format.substring(0, slash)))
                        && (subtype.equals("*") || subtype.equals(format.substring(slash + 1)));
            }
        }
        List<Range> ranges = new ArrayList<>();
        for (String part : accept.split(",", -1)) {
            Matcher matcher = RANGE.matcher(part);
            if (!matcher.matches()) {
                return null;
            }
            double quality = 1.0;
            boolean seenQuality = false;
            for (String parameter : matcher.group(3).split(";")) {
                parameter = parameter.strip();
                if (parameter.isEmpty()) {
                    continue;
                }
                String[] nameValue = parameter.split("=", -1);
                if (nameValue.length != 2) {
                    return null;
                }
                if (nameValue[0].strip().equals("q")) {
                    if (seenQuality) {
                        return null;
                    }
                    seenQuality = true;
                    try {
                        quality = Double.parseDouble(nameValue[1].strip());
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }
            }
            String type = matcher.group(1);
            String subtype = matcher.group(2);
            ranges.add(new Range(type, subtype, quality, !type.equals("*") && !subtype.equals("*")));
        }
        // Stable, as Python's sort: ranges alike keep the header's order.
        ranges.sort(Comparator.comparingDouble(Range::quality).thenComparing(Range::exact).reversed());
        for (Range range : ranges) {
            for (String format : FORMATS) {
                if (range.matches(format)) {
                    return format;
                }
            }
        }
        return null;
    }
}
