package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.berth.testing.Memcached;

/** {@link MemcacheRing} against real memcached servers. */
class MemcacheRingTest {

    private static final MemcacheRing.Settings SETTINGS = new MemcacheRing.Settings(0.3, 2.0, 1.0, 3, 4, 60, 10);

    private static Memcached one;
    private static Memcached two;

    @BeforeAll
    static void start() throws Exception {
        one = Memcached.start();
        two = Memcached.start();
    }

    @AfterAll
    static void stop() throws Exception {
        one.close();
        two.close();
    }

    private static MemcacheRing ring(MemcacheRing.Settings settings, String... servers) {
        return new MemcacheRing(List.of(servers), settings, System::nanoTime);
    }

    @Test
    void setGetDeleteRoundTripUnderTheKeysMd5WithSwiftsJsonFlag() throws Exception {
        MemcacheRing ring = ring(SETTINGS, one.server());
        try {
            assertThat(ring.set("AUTH_/user/test:tester", "\"AUTH_tk0123\"", 60)).isTrue();
            assertThat(ring.get("AUTH_/user/test:tester")).isEqualTo("\"AUTH_tk0123\"");
            // What memcached holds: the key's hex MD5, flag 2 (JSON), the UTF-8 bytes.
            assertThat(one.raw(MemcacheRing.md5hex("AUTH_/user/test:tester")))
                    .isEqualTo("VALUE " + MemcacheRing.md5hex("AUTH_/user/test:tester") + " 2 13\r\n\"AUTH_tk0123\"\r\nEND\r\n");
            assertThat(ring.set("snow", "\"☃\"", 0)).isTrue();
            assertThat(ring.get("snow")).isEqualTo("\"☃\"");
            assertThat(ring.delete("snow")).isTrue();
            assertThat(ring.get("snow")).isNull();
            assertThat(ring.delete("snow")).as("a server answered NOT_FOUND").isTrue();
            assertThat(ring.get("never set")).isNull();
        } finally {
            ring.close();
        }
    }

    @Test
    void md5hexIsPythonsHexdigestOfUtf8() {
        // python3 -c "import hashlib; print(hashlib.md5('AUTH_/token/x☃'.encode()).hexdigest())"
        assertThat(MemcacheRing.md5hex("")).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
        assertThat(MemcacheRing.md5hex("127.0.0.1:11211-0")).hasSize(32).matches("[0-9a-f]{32}");
        assertThat(MemcacheRing.md5hex("a☃")).isEqualTo(hex("a☃"));
    }

    private static String hex(String text) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
            return String.format("%032x", new java.math.BigInteger(1, d));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void incrCreatesAbsentKeysAndDecrStopsAtZeroAsSwiftsDoes() {
        MemcacheRing ring = ring(SETTINGS, one.server());
        try {
            String key = "counter-" + System.nanoTime();
            assertThat(ring.incr(key, 5, 60)).isEqualTo(OptionalLong.of(5));
            assertThat(ring.incr(key, 3, 60)).isEqualTo(OptionalLong.of(8));
            assertThat(ring.incr(key, -10, 60)).isEqualTo(OptionalLong.of(0));
            String absent = "decr-" + System.nanoTime();
            assertThat(ring.incr(absent, -4, 60)).isEqualTo(OptionalLong.of(0));
            // A JSON number set is digits, so incr works on it.
            String set = "set-" + System.nanoTime();
            assertThat(ring.set(set, "41", 60)).isTrue();
            assertThat(ring.incr(set, 1, 60)).isEqualTo(OptionalLong.of(42));
            // A non-numeric value: memcached refuses (CLIENT_ERROR); nothing breaks, the next call works.
            String text = "text-" + System.nanoTime();
            ring.set(text, "\"x\"", 60);
            assertThat(ring.incr(text, 1, 60)).isEmpty();
            assertThat(ring.get(text)).isEqualTo("\"x\"");
            assertThat(ring.servers().get(0).failures()).as("a refusal is not a server failure").isZero();
        } finally {
            ring.close();
        }
    }

    @Test
    void aValueExpiresAfterItsTimeToLiveAndLongOnesAreSentAsAbsoluteTimes() {
        MemcacheRing ring = ring(SETTINGS, one.server());
        try {
            assertThat(ring.set("short", "1", 0.2)).isTrue();
            assertThat(ring.get("short")).as("0.2 s rounds up to 1 s, not to 'never'").isEqualTo("1");
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> ring.get("short") == null);
        } finally {
            ring.close();
        }
        long now = System.currentTimeMillis() / 1000;
        assertThat(MemcacheRing.ttl(0)).isZero();
        assertThat(MemcacheRing.ttl(86_400)).isEqualTo(86_400);
        assertThat(MemcacheRing.ttl(31 * 86_400)).isBetween(now + 31 * 86_400, now + 31 * 86_400 + 5);
    }

    @Test
    void aValueWithoutTheJsonFlagReadsAsAbsent() throws Exception {
        String key = "pickled";
        String hashed = MemcacheRing.md5hex(key);
        // Swift's PICKLE_FLAG (1): never unpickled, in Swift (by default) or here.
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", one.port())) {
            socket.getOutputStream().write(("set " + hashed + " 1 60 3\r\nabc\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(socket.getInputStream().readNBytes(8), StandardCharsets.US_ASCII)).isEqualTo("STORED\r\n");
        }
        MemcacheRing ring = ring(SETTINGS, one.server());
        try {
            assertThat(ring.get(key)).isNull();
        } finally {
            ring.close();
        }
    }

    @Test
    void keysSpreadOverTheServersAndEachIsWhereTheRingSays() throws Exception {
        MemcacheRing ring = ring(SETTINGS, one.server(), two.server());
        try {
            Map<String, Integer> counts = new HashMap<>();
            for (int i = 0; i < 200; i++) {
                String key = "spread-" + i;
                assertThat(ring.set(key, Integer.toString(i), 60)).isTrue();
                String first = ring.serversFor(MemcacheRing.md5hex(key)).get(0).name();
                Memcached holder = first.equals(one.server()) ? one : two;
                Memcached other = holder == one ? two : one;
                assertThat(holder.raw(MemcacheRing.md5hex(key))).startsWith("VALUE ");
                assertThat(other.raw(MemcacheRing.md5hex(key))).isEqualTo("END\r\n");
                counts.merge(first, 1, Integer::sum);
            }
            assertThat(counts.get(one.server())).isBetween(50, 150);
        } finally {
            ring.close();
        }
    }

    @Test
    void aDeadServerIsTriedThenSkippedForTheSuppressionIntervalAndItsKeysGoToTheNext() throws Exception {
        String dead = "127.0.0.1:" + Memcached.freePort();
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        MemcacheRing ring = new MemcacheRing(List.of(dead, one.server()),
                new MemcacheRing.Settings(0.3, 2.0, 1.0, 3, 4, 60, 2), clock::get);
        try {
            String key = keyFirstOn(ring, dead);
            MemcacheServer deadServer = ring.servers().get(0);
            for (int i = 0; i < 3; i++) {
                assertThat(ring.set(key, "\"v\"", 60)).as("the next server takes it").isTrue();
            }
            assertThat(deadServer.failures()).isEqualTo(3);
            assertThat(deadServer.isLimited()).as("3 failures > error_suppression_limit 2").isTrue();
            assertThat(ring.get(key)).isEqualTo("\"v\"");
            assertThat(deadServer.failures()).as("skipped, not tried").isEqualTo(3);
            clock.addAndGet(61_000_000_000L);
            assertThat(deadServer.isLimited()).isFalse();
            assertThat(ring.get(key)).as("tried again, then the next").isEqualTo("\"v\"");
            assertThat(deadServer.failures()).isEqualTo(4);
        } finally {
            ring.close();
        }
    }

    private static String keyFirstOn(MemcacheRing ring, String server) {
        for (int i = 0;; i++) {
            String key = "key-" + i;
            if (ring.serversFor(MemcacheRing.md5hex(key)).get(0).name().equals(server)) {
                return key;
            }
        }
    }

    @Test
    void withNoServerReachableReadsFindNothingAndWritesReportFalseWithoutThrowing() throws Exception {
        MemcacheRing ring = ring(SETTINGS, "127.0.0.1:" + Memcached.freePort(), "127.0.0.1:" + Memcached.freePort());
        try {
            for (int i = 0; i < 30; i++) {
                assertThat(ring.get("k" + i)).isNull();
                assertThat(ring.set("k" + i, "1", 1)).isFalse();
                assertThat(ring.incr("k" + i, 1, 1)).isEmpty();
                assertThat(ring.delete("k" + i)).isFalse();
            }
            // Each dead server is tried error_suppression_limit + 1 times, then skipped.
            for (MemcacheServer server : ring.servers()) {
                assertThat(server.isLimited()).isTrue();
                assertThat(server.failures()).isEqualTo(11);
            }
        } finally {
            ring.close();
        }
    }

    @Test
    void aServerThatRestartsIsUsedAgainThroughNewConnections() throws Exception {
        Memcached own = Memcached.start();
        MemcacheRing ring = ring(SETTINGS, own.server());
        try {
            assertThat(ring.set("before", "1", 60)).isTrue();
            own.stop();
            assertThat(ring.get("before")).as("the pooled connection is broken").isNull();
            own.run();
            assertThat(ring.set("after", "2", 60)).isTrue();
            assertThat(ring.get("after")).isEqualTo("2");
            assertThat(ring.get("before")).as("a new memcached holds nothing").isNull();
        } finally {
            ring.close();
            own.close();
        }
    }

    @Test
    void manyThreadsShareAFewConnections() throws Exception {
        MemcacheRing ring = ring(new MemcacheRing.Settings(0.3, 2.0, 1.0, 3, 2, 60, 10), one.server());
        try {
            String key = "shared-" + System.nanoTime();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                Thread thread = new Thread(() -> {
                    for (int i = 0; i < 250; i++) {
                        ring.incr(key, 1, 60);
                    }
                });
                thread.start();
                threads.add(thread);
            }
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(ring.incr(key, 0, 60)).isEqualTo(OptionalLong.of(2000));
            assertThat(ring.servers().get(0).idleConnections()).isBetween(1, 2);
            assertThat(ring.servers().get(0).failures()).isZero();
        } finally {
            ring.close();
        }
    }

    @Test
    void serverEntriesAreReadAsSwiftReadsThemAndBadOnesNamed() {
        assertThat(MemcacheRing.hostAndPort("10.0.0.1:11212")).containsExactly("10.0.0.1", "11212");
        assertThat(MemcacheRing.hostAndPort("cache.example")).containsExactly("cache.example", "11211");
        assertThat(MemcacheRing.hostAndPort("[::1]:11213")).containsExactly("::1", "11213");
        assertThat(MemcacheRing.hostAndPort("[::1]")).containsExactly("::1", "11211");
        assertThatThrownBy(() -> MemcacheRing.hostAndPort("::1"))
                .hasMessage("memcache_servers: '::1': an IPv6 address must be between '[]', as [::1]:11211");
        assertThatThrownBy(() -> MemcacheRing.hostAndPort("host:http"))
                .hasMessage("memcache_servers: 'host:http': the port is not 1 to 65535");
        assertThatThrownBy(() -> MemcacheRing.hostAndPort("[::1"))
                .hasMessage("memcache_servers: '[::1' is not [IPV6] or [IPV6]:PORT");
        assertThatThrownBy(() -> ring(SETTINGS, "a:1", "a:1")).hasMessage("memcache_servers: 'a:1' is named twice");
        assertThatThrownBy(() -> ring(SETTINGS)).hasMessageStartingWith("memcache_servers: empty");
    }
}
