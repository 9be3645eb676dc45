package io.berth.example.objects.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** A Content as a stream, read through its write(): only copies use it, and only one 64 KiB buffer at a time. */
final class ContentInputStream extends InputStream {

    private final Content content;
    private final long size;
    private long position;
    private final byte[] one = new byte[1];

    ContentInputStream(Content content) {
        this.content = content;
        this.size = content.size();
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (position >= size) {
            return -1;
        }
        int n = (int) Math.min(length, size - position);
        OutputStream into = new OutputStream() {
            private int at = offset;

            @Override
            public void write(int b) {
                buffer[at++] = (byte) b;
            }

            @Override
            public void write(byte[] bytes, int from, int count) {
                System.arraycopy(bytes, from, buffer, at, count);
                at += count;
            }
        };
        content.write(into, position, n);
        position += n;
        return n;
    }
}
