package io.berth.api;

import java.util.OptionalLong;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A memcache client shared by a pipeline's stages: a {@code cache} stage puts one in each request
 * it passes on, as request attribute {@link #ATTRIBUTE}, as Swift's {@code memcache} middleware puts
 * {@code swift.cache} in the environ. Stages after it (tempauth, ratelimit, an app) keep their
 * state there when it is present, and across all nodes that name the same servers.
 *
 * <p>It behaves as Swift's {@code MemcacheRing}, so that Berth and Swift proxies can share one pool:
 * a key is stored as the hex MD5 of its UTF-8 bytes, on the server the ring of servers gives that
 * hash (50 points per server); values are JSON text with Swift's JSON flag ({@code 2}); a time to
 * live over 30 days is sent as an absolute time. A server that keeps failing is skipped for a while.
 *
 * <p>No method throws for a server that cannot be reached or answers nonsense: a read finds
 * nothing, a write reports {@code false}, and the client logs the trouble (once per interval, not
 * once per request). Callers choose the safe answer: tempauth refuses a token it cannot find,
 * ratelimit lets a request through.
 *
 * @since 1.7
 */
@ProviderType
public interface Memcache {

    /** The request attribute under which a {@code cache} stage passes its client on. */
    String ATTRIBUTE = "io.berth.cache";

    /**
     * @param key any string (it is hashed)
     * @return the JSON text stored under the key, or {@code null} when there is none, it expired,
     *     it was not stored as JSON (a pickle, say), or no server answered
     */
    String get(String key);

    /**
     * Stores JSON text under a key.
     *
     * @param key any string (it is hashed)
     * @param json the value, JSON text ({@code "\"AUTH_tk…\""}, {@code "[1700000000.5, \"g1,g2\"]"}, {@code "42"})
     * @param ttlSeconds seconds the value lives, {@code 0} for no expiry; fractions are rounded up
     *     as Swift does
     * @return whether a server stored it
     */
    boolean set(String key, String json, double ttlSeconds);

    /**
     * Swift's {@code incr}: adds {@code delta} (subtracts, for a negative one, stopping at 0) to
     * the number under a key; an absent key is created holding {@code delta} (or 0) with the given
     * time to live.
     *
     * @return the number after the change, or empty when no server answered
     */
    OptionalLong incr(String key, long delta, double ttlSeconds);

    /**
     * @return whether a server answered (whether or not the key was there)
     */
    boolean delete(String key);
}
