package io.berth.example.objects.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.berth.api.Headers;

/**
 * Several ranges of a Content as one multipart/byteranges document, as swob writes it: each part
 * its type and Content-Range, then its bytes. A Content itself, so that a GET sends it and a copy
 * with several ranges stores it, as Swift's copy stores the 206 body its source GET answered.
 */
final class ByteRanges implements Content {

    private static final byte[] CRLF = {'\r', '\n'};

    private final Content whole;
    private final String boundary;
    /** In order: a part's head, its range {start, end} in the whole, CRLF; then the closing boundary. */
    private final List<byte[]> heads = new ArrayList<>();
    private final List<long[]> ranges;
    private final byte[] tail;
    private final long size;

    /** @param ranges half-open {start, end} pairs within the whole, as {@link Ranges#forLength} gives them */
    ByteRanges(Content whole, String type, List<long[]> ranges) {
        this.whole = whole;
        this.ranges = ranges;
        this.boundary = HexFormat.of().formatHex(ByteBuffer.allocate(16)
                .putLong(ThreadLocalRandom.current().nextLong()).putLong(ThreadLocalRandom.current().nextLong()).array());
        long length = 0;
        for (long[] range : ranges) {
            // The part's Content-Type in the UTF-8 bytes the whole answer's header would carry.
            byte[] head = ("--" + boundary + "\r\nContent-Type: " + Headers.wire(type) + "\r\nContent-Range: bytes "
                    + range[0] + "-" + (range[1] - 1) + "/" + whole.size() + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            heads.add(head);
            length += head.length + (range[1] - range[0]) + CRLF.length;
        }
        this.tail = ("--" + boundary + "--").getBytes(StandardCharsets.ISO_8859_1);
        this.size = length + tail.length;
    }

    String contentType() {
        return "multipart/byteranges;boundary=" + boundary;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public String etag() {
        return whole.etag();
    }

    @Override
    public long timestamp() {
        return whole.timestamp();
    }

    /** The document's bytes from {@code start}: the pieces it overlaps, each written as far as it overlaps. */
    @Override
    public void write(OutputStream out, long start, long length) throws IOException {
        Cursor cursor = new Cursor(out, start, start + length);
        for (int i = 0; i < ranges.size() && cursor.open(); i++) {
            long[] range = ranges.get(i);
            cursor.bytes(heads.get(i));
            cursor.content(range[0], range[1] - range[0]);
            cursor.bytes(CRLF);
        }
        cursor.bytes(tail);
    }

    @Override
    public InputStream stream() {
        return new ContentInputStream(this);
    }

    /** Walks the document's pieces, writing the part of each that falls in [from, to). */
    private final class Cursor {
        private final OutputStream out;
        private final long from;
        private final long to;
        private long offset;

        Cursor(OutputStream out, long from, long to) {
            this.out = out;
            this.from = from;
            this.to = to;
        }

        boolean open() {
            return offset < to;
        }

        void bytes(byte[] piece) throws IOException {
            long start = Math.max(from, offset);
            long end = Math.min(to, offset + piece.length);
            if (start < end) {
                out.write(piece, (int) (start - offset), (int) (end - start));
            }
            offset += piece.length;
        }

        void content(long at, long length) throws IOException {
            long start = Math.max(from, offset);
            long end = Math.min(to, offset + length);
            if (start < end) {
                whole.write(out, at + start - offset, end - start);
            }
            offset += length;
        }
    }
}
