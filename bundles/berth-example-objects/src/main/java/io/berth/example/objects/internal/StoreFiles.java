package io.berth.example.objects.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The file operations {@link ObjectStore} builds its commits from: atomic renames, durable directories, quiet and whole-tree deletion. */
final class StoreFiles {

    private static final Logger LOG = LoggerFactory.getLogger(StoreFiles.class);

    private StoreFiles() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> readJson(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException absent) {
            return null;
        }
        try {
            return (Map<String, Object>) Json.parse(text);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new IOException(file + " is damaged: " + e.getMessage(), e);
        }
    }

    static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("The object store needs atomic renames; " + from + " to " + to + " is not one", e);
        }
    }

    /** Makes a rename durable (Linux); where a directory cannot be opened for that, the rename is as durable as the platform makes it. */
    static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            LOG.trace("Cannot sync directory {}", dir, e);
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // Left for the next open() to remove: no metadata names it.
            LOG.warn("Could not delete {}: {}", file, e.toString());
        }
    }

    static void deleteTree(Path dir, boolean itself) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path each, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                if (itself || !each.equals(dir)) {
                    Files.delete(each);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java has MD5", e);
        }
    }

    /** What {@link #receive} wrote: how many bytes, and their MD5 in hex. */
    record Received(long size, String md5) {
    }

    /**
     * Copies a body into a file through one buffer of the store's size, its MD5 computed on the
     * way, and forces the file to disk: never more than the buffer in memory.
     *
     * @param length the body's declared length, or -1 for a chunked body
     * @param name the object's, for the messages
     * @param tooLarge the refusal once more than {@code maxSize} bytes came
     * @throws BodyReadException when reading failed, or the body ended short of its length
     */
    static Received receive(InputStream body, Path file, long length, long maxSize, String name,
            Supplier<SwiftException> tooLarge) throws IOException {
        MessageDigest md5 = md5();
        long size = 0;
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
            byte[] buffer = new byte[ObjectStore.BUFFER_SIZE];
            while (true) {
                int n;
                try {
                    n = body.read(buffer);
                } catch (IOException e) {
                    throw new BodyReadException("Reading the body of '" + name + "' failed after " + size
                            + " bytes: " + e.getMessage(), size, e);
                }
                if (n < 0) {
                    break;
                }
                size += n;
                if (size > maxSize) {
                    throw tooLarge.get();
                }
                md5.update(buffer, 0, n);
                ByteBuffer wrapped = ByteBuffer.wrap(buffer, 0, n);
                while (wrapped.hasRemaining()) {
                    out.write(wrapped);
                }
            }
            if (length >= 0 && size != length) {
                throw new BodyReadException("The body of '" + name + "' ended after " + size + " of " + length + " bytes",
                        size, null);
            }
            out.force(true);
        }
        return new Received(size, HexFormat.of().formatHex(md5.digest()));
    }
}
