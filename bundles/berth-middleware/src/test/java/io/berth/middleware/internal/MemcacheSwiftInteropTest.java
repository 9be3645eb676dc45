package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.berth.testing.Memcached;

/**
 * Berth's {@link MemcacheRing} and Swift 2.30's own, on the same three memcached servers: each
 * reads what the other wrote. A read goes to one server only (the next is tried on an error, not
 * on a miss), so every key found proves the two rings place it alike.
 */
class MemcacheSwiftInteropTest {

    private static final int KEYS = 150;

    @TempDir
    static Path work;

    private static final List<Memcached> SERVERS = new ArrayList<>();
    private static String servers;

    @BeforeAll
    static void start() throws Exception {
        for (int i = 0; i < 3; i++) {
            SERVERS.add(Memcached.start());
        }
        servers = String.join(",", SERVERS.stream().map(Memcached::server).toList());
    }

    @AfterAll
    static void stop() throws Exception {
        for (Memcached server : SERVERS) {
            server.close();
        }
    }

    private static MemcacheRing berth() {
        return new MemcacheRing(List.of(servers.split(",")), new MemcacheRing.Settings(0.3, 2, 1, 3, 2, 60, 10),
                System::nanoTime);
    }

    /** A value of each shape Swift's users store: strings (non-ASCII too), numbers, lists. */
    private static String value(int i) {
        return switch (i % 4) {
            case 0 -> "\"AUTH_tk" + i + "\"";
            case 1 -> "[" + (1700000000 + i) + ".25, \"test,test:tester,AUTH_test\"]";
            case 2 -> Integer.toString(i);
            default -> "\"caf\\u00e9 \\u2603 " + i + "\"";
        };
    }

    @Test
    void berthReadsEveryKeySwiftWroteAsSwiftSerialisedIt() throws Exception {
        List<String> commands = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            commands.add("set\tswift-key-" + i + "/☃\t" + value(i) + "\t600");
        }
        assertThat(SwiftMemcacheScript.run(work, servers, commands)).hasSize(KEYS).containsOnly("OK");

        MemcacheRing ring = berth();
        try {
            for (int i = 0; i < KEYS; i++) {
                assertThat(ring.get("swift-key-" + i + "/☃")).as("key %d", i).isEqualTo(value(i));
            }
        } finally {
            ring.close();
        }
    }

    @Test
    void swiftReadsEveryKeyBerthWrote() throws Exception {
        MemcacheRing ring = berth();
        List<String> commands = new ArrayList<>();
        try {
            for (int i = 0; i < KEYS; i++) {
                assertThat(ring.set("berth-key-" + i + "/☃", value(i), 600)).isTrue();
                commands.add("get\tberth-key-" + i + "/☃");
            }
        } finally {
            ring.close();
        }
        List<String> read = SwiftMemcacheScript.run(work, servers, commands);
        for (int i = 0; i < KEYS; i++) {
            // json.dumps of what json.loads read: Swift's own spelling of the same value.
            assertThat(read.get(i)).as("key %d", i).isEqualTo(value(i));
        }
    }
}
