package io.berth.example.objects.internal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A request's conditions on the object it names: on a read If-Match, If-None-Match,
 * If-Modified-Since and If-Unmodified-Since, in Swift's order; on a write If-None-Match: *.
 */
final class Preconditions {

    private Preconditions() {
    }

    /**
     * @param etag the content's, quoted or not
     * @param lastModified the content's Last-Modified, in seconds
     * @return false when the answer is 304 (the status set); true when the content is to be sent
     * @throws SwiftException 412 when If-Match or If-Unmodified-Since fails
     */
    static boolean forRead(HttpServletRequest request, HttpServletResponse response, String etag, long lastModified) {
        String bare = etag.replace("\"", "");
        String ifMatch = request.getHeader("If-Match");
        if (ifMatch != null && !etagMatches(ifMatch, bare)) {
            throw new SwiftException(412, "Precondition Failed: ETag " + bare + " does not match If-Match");
        }
        String ifNoneMatch = request.getHeader("If-None-Match");
        if (ifNoneMatch != null && etagMatches(ifNoneMatch, bare)) {
            response.setStatus(304);
            return false;
        }
        String since = request.getHeader("If-Modified-Since");
        if (ifNoneMatch == null && since != null) {
            long seconds = Times.parseHttpDate(since);
            if (seconds >= 0 && lastModified <= seconds) {
                response.setStatus(304);
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

    /**
     * Whether a write asks that the object not exist yet (If-None-Match: *, the only form Swift takes on a PUT).
     *
     * @throws SwiftException 400 for any other If-None-Match
     */
    static boolean mustNotExist(HttpServletRequest request) {
        String ifNoneMatch = request.getHeader("If-None-Match");
        if (ifNoneMatch == null) {
            return false;
        }
        if (!ifNoneMatch.trim().equals("*")) {
            throw new SwiftException(400, "If-None-Match only supports *");
        }
        return true;
    }

    static SwiftException exists(String name) {
        return new SwiftException(412, "Precondition Failed: '" + name + "' exists (If-None-Match: *)");
    }

    /** A list of ETags, weak ones (W/) compared as strong, quotes ignored, * matching any. */
    static boolean etagMatches(String header, String etag) {
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
}
