package io.berth.example.objects.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Content held in memory, for the units that send or stream one; it counts the writes asked of it. */
final class BytesContent implements Content {

    private final byte[] bytes;
    int writes;

    BytesContent(String text) {
        this.bytes = text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public String etag() {
        return "\"etag\"";
    }

    @Override
    public long timestamp() {
        return 1_000_000;
    }

    @Override
    public void write(OutputStream out, long start, long length) throws IOException {
        writes++;
        out.write(bytes, (int) start, (int) length);
    }

    @Override
    public InputStream stream() {
        return new ContentInputStream(this);
    }
}
