package io.berth.example.objects.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** One range of a Content: what a 206 sends, and what a copy with a Range stores, as Swift's does. */
final class ContentSlice implements Content {

    private final Content whole;
    private final long start;
    private final long length;

    /** @param start the first byte; {@code start + length} is at most the whole's size */
    ContentSlice(Content whole, long start, long length) {
        this.whole = whole;
        this.start = start;
        this.length = length;
    }

    @Override
    public long size() {
        return length;
    }

    /** The whole's: a 206 carries the object's ETag, not one of its bytes in the range. */
    @Override
    public String etag() {
        return whole.etag();
    }

    @Override
    public long timestamp() {
        return whole.timestamp();
    }

    @Override
    public void write(OutputStream out, long from, long count) throws IOException {
        whole.write(out, start + from, count);
    }

    @Override
    public InputStream stream() {
        return new ContentInputStream(this);
    }
}
