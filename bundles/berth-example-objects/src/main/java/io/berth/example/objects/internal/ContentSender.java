package io.berth.example.objects.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.berth.api.Headers;

/**
 * Sends a Content as the request's Range asks ({@link Ranges} reads the header): the whole
 * content (200), one range (206), several (206 multipart/byteranges), or 416, as Swift's swob
 * answers a Range. A HEAD gets the same status and headers, without the body.
 */
final class ContentSender {

    private ContentSender() {
    }

    /**
     * @param type the content's type, for the parts of a multipart answer
     * @param dlo a DLO is sent whole when several ranges are asked for, as Swift's dlo middleware
     *        does: each range of a DLO would read its segments anew
     * @throws SwiftException 416, with Content-Range set on the response for the error answer to keep
     */
    static void send(HttpServletRequest request, HttpServletResponse response, Content content, String type,
            boolean dlo) throws IOException {
        long size = content.size();
        boolean head = request.getMethod().equals("HEAD");
        Ranges requested = Ranges.parse(request.getHeader("Range"));
        if (requested == null || dlo && requested.count() > 1) {
            whole(response, content, head);
            return;
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
            whole(response, content, head);
            return;
        }
        response.setStatus(206);
        if (ranges.size() == 1) {
            long[] range = ranges.get(0);
            response.setHeader("Content-Range", "bytes " + range[0] + "-" + (range[1] - 1) + "/" + size);
            response.setContentLengthLong(range[1] - range[0]);
            if (!head) {
                content.write(response.getOutputStream(), range[0], range[1] - range[0]);
            }
            return;
        }
        multipart(response, content, type, ranges, head);
    }

    private static void multipart(HttpServletResponse response, Content content, String type, List<long[]> ranges,
            boolean head) throws IOException {
        long size = content.size();
        String boundary = HexFormat.of().formatHex(ByteBuffer.allocate(16)
                .putLong(ThreadLocalRandom.current().nextLong()).putLong(ThreadLocalRandom.current().nextLong()).array());
        List<byte[]> heads = new ArrayList<>();
        long length = 0;
        for (long[] range : ranges) {
            // The part's Content-Type in the UTF-8 bytes the whole answer's header would carry.
            byte[] part = ("--" + boundary + "\r\nContent-Type: " + Headers.wire(type) + "\r\nContent-Range: bytes "
                    + range[0] + "-" + (range[1] - 1) + "/" + size + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            heads.add(part);
            length += part.length + (range[1] - range[0]) + 2;
        }
        byte[] tail = ("--" + boundary + "--").getBytes(StandardCharsets.ISO_8859_1);
        length += tail.length;
        response.setContentType("multipart/byteranges;boundary=" + boundary);
        response.setContentLengthLong(length);
        if (head) {
            return;
        }
        OutputStream out = response.getOutputStream();
        for (int i = 0; i < ranges.size(); i++) {
            long[] range = ranges.get(i);
            out.write(heads.get(i));
            content.write(out, range[0], range[1] - range[0]);
            out.write(new byte[] {'\r', '\n'});
        }
        out.write(tail);
    }

    private static void whole(HttpServletResponse response, Content content, boolean head) throws IOException {
        response.setStatus(200);
        response.setContentLengthLong(content.size());
        if (!head) {
            content.write(response.getOutputStream(), 0, content.size());
        }
    }
}
