package io.berth.example.objects.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;

import io.berth.example.objects.internal.ObjectStore.Opened;
import io.berth.example.objects.internal.ObjectStore.StoredObject;

/** One stored object's bytes, read from the file the store opened; the caller closes it. */
final class FileContent implements Content {

    private final StoredObject object;
    private final FileChannel channel;

    FileContent(Opened opened) {
        this.object = opened.object();
        this.channel = opened.channel();
    }

    @Override
    public long size() {
        return object.size();
    }

    @Override
    public String etag() {
        return object.etag();
    }

    @Override
    public long timestamp() {
        return object.timestamp();
    }

    @Override
    public void write(OutputStream out, long start, long length) throws IOException {
        copy(channel, start, length, out);
    }

    @Override
    public InputStream stream() throws IOException {
        return Channels.newInputStream(channel.position(0));
    }

    /** Positional reads through one buffer of the store's size, so that no body is ever held whole. */
    static void copy(FileChannel channel, long start, long length, OutputStream out) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(ObjectStore.BUFFER_SIZE);
        long position = start;
        long left = length;
        while (left > 0) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), left));
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new IOException("The file ended " + left + " bytes early");
            }
            out.write(buffer.array(), 0, n);
            position += n;
            left -= n;
        }
    }
}
