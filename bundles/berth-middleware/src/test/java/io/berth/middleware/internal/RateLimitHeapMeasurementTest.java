package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.Reference;
import java.util.function.IntFunction;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heap ratelimit retains per client: 100 000 distinct keys, used heap after
 * {@code System.gc()} before and after. On demand only (it runs full collections):
 * <pre>
 * mvn -o -q test -pl bundles/berth-middleware -Dtest=RateLimitHeapMeasurementTest -Dberth.measure=true
 * </pre>
 */
@Tag("measure")
@EnabledIfSystemProperty(named = "berth.measure", matches = "true")
class RateLimitHeapMeasurementTest {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimitHeapMeasurementTest.class);
    private static final int CLIENTS = 100_000;

    @Test
    void ipv4Clients() {
        // As getRemoteAddr() gives them: a new String per client.
        long perClient = measure("IPv4 client_ip", i -> "10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff));

        assertThat(perClient).isLessThan(200);
    }

    @Test
    void ipv6Clients() {
        measure("IPv6 client_ip", i -> "2001:db8:0:0:0:0:" + Integer.toHexString(i >>> 16) + ":" + Integer.toHexString(i & 0xffff));
    }

    @Test
    void headerKeysOfTheLongestKeptLength() {
        measure("64-char header key", i -> String.format("%064d", i));
    }

    @Test
    void longHeaderKeysAreDigested() {
        measure("digested header key", i -> RateLimitFilter.digest(String.format("%0200d", i)));
    }

    private static long measure(String what, IntFunction<String> key) {
        // A fixed clock: nothing refills, nothing is swept.
        long now = 0;
        long before = usedAfterGc();
        TokenBuckets buckets = new TokenBuckets(100_000_000L, 20, 2 * CLIENTS, () -> now);
        for (int i = 0; i < CLIENTS; i++) {
            buckets.acquire(key.apply(i));
        }
        long after = usedAfterGc();
        assertThat(buckets.tracked()).isEqualTo(CLIENTS);
        Reference.reachabilityFence(buckets);
        long perClient = (after - before) / CLIENTS;
        LOG.info("ratelimit, {}: {} clients retain {} bytes, {} bytes per client", what, CLIENTS, after - before, perClient);
        return perClient;
    }

    private static long usedAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return used;
    }
}
