package io.berth.example.objects.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.function.ToLongFunction;

/** Bytes to send or copy: an object's file ({@link FileContent}), a large object's segments ({@link DynamicLargeObject}, {@link StaticLargeObject}), a part of either. */
interface Content {

    long size();

    /** Quoted or bare, as the object's own ETag is: the response sends it as it is. */
    String etag();

    /** Microseconds, as {@link Times} holds them. */
    long timestamp();

    void write(OutputStream out, long start, long length) throws IOException;

    /** The whole content as a stream, for a copy. */
    InputStream stream() throws IOException;

    /** Writes some bytes of one part of a concatenation. */
    @FunctionalInterface
    interface PartWriter<T> {
        void write(T part, long from, long count) throws IOException;
    }

    /**
     * Bytes {@code [start, start + length)} of the parts' concatenation (a large object's
     * segments): each part that overlaps them written as far as it does, in order.
     */
    static <T> void writeParts(List<T> parts, ToLongFunction<T> partLength, PartWriter<T> writer, long start, long length)
            throws IOException {
        long offset = 0;
        long end = start + length;
        for (T part : parts) {
            long partEnd = offset + partLength.applyAsLong(part);
            if (partEnd > start && offset < end) {
                long from = Math.max(start, offset) - offset;
                writer.write(part, from, Math.min(end, partEnd) - offset - from);
            }
            offset = partEnd;
            if (offset >= end) {
                break;
            }
        }
    }
}
