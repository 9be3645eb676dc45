package io.berth.example.objects.internal;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Sends a Content as the request's Range asks ({@link Ranges} reads the header): the whole
 * content (200), one range (206), several (206 multipart/byteranges), or 416, as Swift's swob
 * answers a Range. A HEAD gets the same status and headers, without the body.
 */
final class ContentSender {

    private ContentSender() {
    }

    /**
     * What a Range makes of a Content, as swob answers it.
     *
     * @param status 200 or 206
     * @param body the bytes to send or copy
     * @param contentRange the one range's Content-Range, else null
     */
    record Selection(int status, Content body, String contentRange) {

        /** The document of several ranges, which has a type of its own; else null. */
        ByteRanges multipart() {
            return body instanceof ByteRanges document ? document : null;
        }
    }

    /**
     * @param type the content's type, for the parts of a multipart answer
     * @param dlo a DLO is sent whole when several ranges are asked for, as Swift's dlo middleware
     *        does: each range of a DLO would read its segments anew
     * @throws SwiftException 416, with Content-Range set on the response for the error answer to keep
     */
    static void send(HttpServletRequest request, HttpServletResponse response, Content content, String type,
            boolean dlo) throws IOException {
        Selection selection = select(request, response, content, type, dlo);
        response.setStatus(selection.status());
        if (selection.contentRange() != null) {
            response.setHeader("Content-Range", selection.contentRange());
        }
        if (selection.multipart() != null) {
            response.setContentType(selection.multipart().contentType());
        }
        Content body = selection.body();
        response.setContentLengthLong(body.size());
        if (!request.getMethod().equals("HEAD")) {
            body.write(response.getOutputStream(), 0, body.size());
        }
    }

    /**
     * The part of a Content the request's Range asks for: what {@link #send} sends, and what a copy
     * stores (Swift's copy middleware stores the answer to its GET of the source, Range and all).
     *
     * @throws SwiftException 416, with Content-Range set on the response for the error answer to keep
     */
    static Selection select(HttpServletRequest request, HttpServletResponse response, Content content, String type,
            boolean dlo) {
        long size = content.size();
        Ranges requested = Ranges.parse(request.getHeader("Range"));
        if (requested == null || dlo && requested.count() > 1) {
            return new Selection(200, content, null);
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
            return new Selection(200, content, null);
        }
        if (ranges.size() == 1) {
            long[] range = ranges.get(0);
            return new Selection(206, new ContentSlice(content, range[0], range[1] - range[0]),
                    "bytes " + range[0] + "-" + (range[1] - 1) + "/" + size);
        }
        return new Selection(206, new ByteRanges(content, type, ranges), null);
    }
}
