package io.berth.example.objects.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Bytes to send or copy: an object's file ({@link FileContent}) or a DLO's segments ({@link DynamicLargeObject}). */
interface Content {

    long size();

    /** Quoted or bare, as the object's own ETag is: the response sends it as it is. */
    String etag();

    /** Microseconds, as {@link Times} holds them. */
    long timestamp();

    void write(OutputStream out, long start, long length) throws IOException;

    /** The whole content as a stream, for a copy. */
    InputStream stream() throws IOException;
}
