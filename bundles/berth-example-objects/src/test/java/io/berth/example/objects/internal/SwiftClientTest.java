package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real swift client (python3-swiftclient, /usr/bin/swift) against the app in embedded
 * Jetty. No tempauth needed: the client takes a storage URL and a token directly, and the
 * test auth stage turns that token into an account admin as tempauth would.
 */
@Timeout(120)
class SwiftClientTest {

    private static final Path SWIFT = Path.of("/usr/bin/swift");

    @TempDir
    Path dir;

    private ObjectsJetty jetty;
    private Path work;

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(SWIFT), "the swift client is not installed here");
        jetty = ObjectsJetty.start(dir.resolve("store"), Map.of());
        work = Files.createDirectories(dir.resolve("work"));
    }

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) {
            jetty.close();
        }
    }

    @Test
    void statPostUploadListDownloadDelete() throws Exception {
        assertThat(swift("stat").out).contains("Account: AUTH_test").contains("Containers: 0");

        swift("post", "-m", "color:blue", "photos");
        Result stat = swift("stat", "photos");
        assertThat(stat.out).contains("Container: photos").contains("Meta Color: blue");

        Path small = write("small.txt", "hello swift\n".getBytes(StandardCharsets.UTF_8));
        Path big = write("big.bin", random(3 * 1024 * 1024 + 17, 1));
        Files.createDirectories(work.resolve("dir/sub"));
        write("dir/a.txt", "a".getBytes(StandardCharsets.UTF_8));
        write("dir/sub/b.txt", "b".getBytes(StandardCharsets.UTF_8));
        swift("upload", "photos", "small.txt");
        swift("upload", "photos", "dir");
        swift("upload", "--segment-size", "1048576", "photos", "big.bin");

        assertThat(swift("list", "photos").out.lines().toList()).contains("small.txt", "dir/a.txt", "dir/sub/b.txt", "big.bin");
        assertThat(swift("list", "photos_segments").out.lines().toList()).hasSize(4);
        assertThat(swift("list", "--prefix", "dir/", "--delimiter", "/", "photos").out.lines().toList())
                .containsExactly("dir/a.txt", "dir/sub/");
        assertThat(swift("stat", "photos", "big.bin").out).contains("Manifest: photos_segments/big.bin/")
                .contains("Content Length: " + (3 * 1024 * 1024 + 17));

        Path down = Files.createDirectories(dir.resolve("down"));
        swift(down, "download", "photos", "big.bin", "small.txt", "dir/sub/b.txt");
        assertThat(Files.readAllBytes(down.resolve("big.bin"))).isEqualTo(Files.readAllBytes(big));
        assertThat(Files.readAllBytes(down.resolve("small.txt"))).isEqualTo(Files.readAllBytes(small));
        assertThat(Files.readString(down.resolve("dir/sub/b.txt"))).isEqualTo("b");

        swift("delete", "photos", "big.bin");
        assertThat(swift("list", "photos_segments").out).isEmpty();
        swift("delete", "photos");
        assertThat(swift("list").out.lines().toList()).containsExactly("photos_segments");
    }

    @Test
    void deleteOfAContainerAndOfAllUsesBulkDelete() throws Exception {
        // Names swiftclient has to URL-encode on the bulk delete's lines: spaces, non-ASCII, a +.
        // swiftclient deletes one by one up to twice its 10 threads, so 25 objects.
        List<String> names = new ArrayList<>(List.of("a b.txt", "ünïcödé.txt", "dir/x y.txt", "dir/日本.txt", "plus+sign.txt"));
        for (int i = names.size(); i < 25; i++) {
            names.add("n" + i);
        }
        for (String name : names) {
            write(name, name.getBytes(StandardCharsets.UTF_8));
        }
        swift(names, "upload", "photos");
        swift(names.subList(0, 2), "upload", "other");
        swift(names.subList(2, 25), "upload", "third");
        assertThat(swift("list", "photos").out.lines().toList()).containsExactlyInAnyOrderElementsOf(names);

        int before = jetty.requestsDone();
        swift("delete", "photos");
        // One DELETE an object would be 25 requests and more; the bulk deletes are a POST for each of its threads.
        assertThat(jetty.requestsDone() - before).isLessThan(names.size());
        assertThat(swift("list").out.lines().toList()).containsExactly("other", "third");

        swift("delete", "--all");
        assertThat(swift("list").out).isEmpty();
        assertThat(swift("stat").out).contains("Containers: 0").contains("Objects: 0");
    }

    @Test
    void uploadsAndDownloads50MegabytesChecked() throws Exception {
        // Written and checked in 64 KiB pieces: this JVM's heap is small on purpose (see StreamingTest).
        String sent = writeRandom("fifty.bin", 50 * 1024 * 1024, 2);
        swift("upload", "big", "fifty.bin");

        assertThat(swift("stat", "big", "fifty.bin").out).contains("ETag: " + sent);
        Path down = Files.createDirectories(dir.resolve("down"));
        swift(down, "download", "big", "fifty.bin");
        assertThat(md5(down.resolve("fifty.bin"))).isEqualTo(sent);
    }

    @Test
    void uploadsAnSloDownloadsItAndDeletesItsSegmentsWithIt() throws Exception {
        long size = 3 * 1024 * 1024 + 17;
        String sent = writeRandom("slo.bin", size, 3);
        // This swiftclient (4.x) takes --use-slo as said, without reading /info first.
        swift("upload", "--use-slo", "--segment-size", "1048576", "slo", "slo.bin");

        Result stat = swift("stat", "slo", "slo.bin");
        assertThat(stat.out).contains("Content Length: " + size).doesNotContain("Manifest:");
        assertThat(swift("list", "slo_segments").out.lines().toList()).hasSize(4)
                .allSatisfy(name -> assertThat(name).startsWith("slo.bin/slo/"));
        assertThat(swift("list", "--long", "slo").out).contains(Long.toString(size));
        Path down = Files.createDirectories(dir.resolve("down"));
        swift(down, "download", "slo", "slo.bin");
        assertThat(md5(down.resolve("slo.bin"))).isEqualTo(sent);

        // The client sees X-Static-Large-Object and deletes with multipart-manifest=delete; one object is
        // deleted so whether /info names bulk_delete or not.
        swift("delete", "slo", "slo.bin");
        assertThat(swift("list", "slo_segments").out).isEmpty();
        assertThat(swift("list", "slo").out).isEmpty();
    }

    private Result swift(String... args) throws Exception {
        return swift(work, args);
    }

    /** The command with the files after it: swift upload CONTAINER FILE... */
    private Result swift(List<String> files, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(files);
        return swift(work, all.toArray(String[]::new));
    }

    private Result swift(Path cwd, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(SWIFT.toString(), "--os-storage-url",
                jetty.base() + "/v1/AUTH_test", "--os-auth-token", ObjectsJetty.TOKEN));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("OS_") || k.startsWith("ST_"));
        builder.redirectErrorStream(false);
        Process process = builder.start();
        process.getOutputStream().close();
        // Drain stderr on the side: a full pipe would block the client.
        java.util.concurrent.CompletableFuture<byte[]> err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return process.getErrorStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Result result = new Result(process.exitValue(), out, new String(err.get(), StandardCharsets.UTF_8));
        assertThat(result.status).as("swift %s\nstdout: %s\nstderr: %s", String.join(" ", args), result.out, result.err)
                .isZero();
        return result;
    }

    private record Result(int status, String out, String err) {
    }

    private Path write(String name, byte[] data) throws IOException {
        Path file = work.resolve(name);
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(data);
        }
        return file;
    }

    private String writeRandom(String name, long size, long seed) throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        Random random = new Random(seed);
        byte[] buffer = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(work.resolve(name))) {
            for (long left = size; left > 0; left -= buffer.length) {
                random.nextBytes(buffer);
                int n = (int) Math.min(buffer.length, left);
                out.write(buffer, 0, n);
                md5.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(md5.digest());
    }

    private static String md5(Path file) throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        byte[] buffer = new byte[64 * 1024];
        try (java.io.InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                md5.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(md5.digest());
    }

    static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    static String md5(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    }
}
