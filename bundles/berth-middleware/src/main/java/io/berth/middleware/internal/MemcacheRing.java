package io.berth.middleware.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.Memcache;

/**
 * Swift's {@code MemcacheRing} in Java, so that Berth and Swift proxies given the same
 * {@code memcache_servers} put each key on the same server and read each other's values.
 *
 * <ul>
 * <li>Each server, as written in the list ({@code 127.0.0.1:11211}), gets 50 points on a ring:
 *     the hex MD5 of {@code "SERVER-i"}. A key is the hex MD5 of its UTF-8 bytes; its servers
 *     are those of the points after the key's place (Python's {@code bisect}, then one step on,
 *     as Swift does), the first {@code tries} distinct ones, skipping error-limited servers.</li>
 * <li>Values are JSON text with flag {@code 2}; a value without it (a pickle) reads as absent.</li>
 * <li>A time to live over 30 days is sent as an absolute time (memcached reads it so).</li>
 * </ul>
 *
 * Why not a library: spymemcached and xmemcached place keys with their own hashing (Ketama on the
 * raw key), which would scatter a pool shared with Swift, and carry far more than the five
 * commands needed here; the text protocol for those is small and is tested against a real
 * memcached and against Swift's own client.
 */
final class MemcacheRing implements Memcache {

    private static final Logger LOG = LoggerFactory.getLogger(MemcacheRing.class);

    static final int NODE_WEIGHT = 50;
    static final int DEFAULT_PORT = 11211;
    /** memcached reads a time to live up to this as relative, above it as a Unix time. */
    static final long RELATIVE_TTL_MAX = TimeUnit.DAYS.toSeconds(30);

    private static final Pattern BRACKETED = Pattern.compile("\\[([0-9A-Fa-f:.]+)\\](?::(\\d+))?");
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** What a ring needs from the stage's settings, in Swift's units (seconds). */
    record Settings(double connectTimeout, double ioTimeout, double poolTimeout, int tries, int maxConnections,
            double errorInterval, int errorLimit) {
    }

    private final MemcacheServer[] servers;
    /** Ring points, sorted as Python sorts the digests; {@link #owners} holds each one's server. */
    private final String[] points;
    private final MemcacheServer[] owners;
    private final int tries;
    private final LongSupplier clock;
    private final AtomicLong lastAllLimitedWarn;

    /**
     * @param servers the {@code memcache_servers} entries, each as written
     * @param clock monotonic nanos, for error limiting and log pacing
     * @throws IllegalArgumentException naming the setting and the entry at fault
     */
    MemcacheRing(List<String> servers, Settings settings, LongSupplier clock) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("memcache_servers: empty; name at least one server as HOST:PORT");
        }
        Map<String, MemcacheServer> byName = new LinkedHashMap<>();
        for (String entry : servers) {
            String[] hostPort = hostAndPort(entry);
            if (byName.put(entry, new MemcacheServer(entry, hostPort[0], Integer.parseInt(hostPort[1]), settings,
                    clock)) != null) {
                throw new IllegalArgumentException("memcache_servers: '" + entry + "' is named twice");
            }
        }
        this.servers = byName.values().toArray(MemcacheServer[]::new);
        this.clock = clock;
        this.tries = Math.min(settings.tries(), this.servers.length);
        this.lastAllLimitedWarn = new AtomicLong(clock.getAsLong() - Math.round(settings.errorInterval() * 1e9) - 1);

        List<String> names = new ArrayList<>(byName.keySet());
        names.sort(null);
        Map<String, MemcacheServer> ring = new TreeMap<>();
        for (String name : names) {
            for (int i = 0; i < NODE_WEIGHT; i++) {
                ring.put(md5hex(name + '-' + i), byName.get(name));
            }
        }
        this.points = ring.keySet().toArray(String[]::new);
        this.owners = ring.values().toArray(MemcacheServer[]::new);
    }

    /**
     * Swift's {@code parse_socket_string}: {@code HOST}, {@code HOST:PORT}, {@code [IPV6]} or
     * {@code [IPV6]:PORT}; an IPv6 address must be in brackets.
     */
    static String[] hostAndPort(String entry) {
        String host;
        String port = null;
        if (entry.startsWith("[")) {
            Matcher m = BRACKETED.matcher(entry);
            if (!m.matches()) {
                throw new IllegalArgumentException("memcache_servers: '" + entry + "' is not [IPV6] or [IPV6]:PORT");
            }
            host = m.group(1);
            port = m.group(2);
        } else {
            String[] parts = entry.split(":", -1);
            if (parts.length > 2) {
                throw new IllegalArgumentException("memcache_servers: '" + entry
                        + "': an IPv6 address must be between '[]', as [::1]:11211");
            }
            host = parts[0];
            port = parts.length == 2 ? parts[1] : null;
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("memcache_servers: '" + entry + "' has no host");
        }
        int number = DEFAULT_PORT;
        if (port != null) {
            try {
                number = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                number = -1;
            }
            if (number < 1 || number > 65535) {
                throw new IllegalArgumentException("memcache_servers: '" + entry + "': the port is not 1 to 65535");
            }
        }
        return new String[] {host, Integer.toString(number)};
    }

    /** The hex MD5 of a string's UTF-8 bytes: Swift's {@code md5hash}, the key memcached sees. */
    static String md5hex(String text) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
        char[] hex = new char[32];
        for (int i = 0; i < 16; i++) {
            hex[2 * i] = HEX[(digest[i] >> 4) & 0xf];
            hex[2 * i + 1] = HEX[digest[i] & 0xf];
        }
        return new String(hex);
    }

    /** Swift's {@code sanitize_timeout}, but a fraction rounds up (Swift's int() made 0.5 s "never"). */
    static long ttl(double seconds) {
        if (!(seconds > 0)) {
            return 0;
        }
        long whole = (long) Math.ceil(seconds);
        return whole > RELATIVE_TTL_MAX ? whole + System.currentTimeMillis() / 1000 : whole;
    }

    /**
     * The servers a hashed key goes to, in the order tried: Swift's {@code _get_conns}, without
     * the error limiting.
     */
    List<MemcacheServer> serversFor(String hashedKey) {
        int pos = bisectRight(hashedKey);
        List<MemcacheServer> served = new ArrayList<>(tries);
        while (served.size() < tries) {
            pos = (pos + 1) % points.length;
            MemcacheServer server = owners[pos];
            if (!served.contains(server)) {
                served.add(server);
            }
        }
        return served;
    }

    private int bisectRight(String key) {
        int found = Arrays.binarySearch(points, key);
        // Python's bisect_right: after an equal point; else the insertion point.
        return found >= 0 ? found + 1 : -found - 1;
    }

    /** One operation on one connection; {@link MemcacheConnection.Refused} keeps the connection. */
    @FunctionalInterface
    private interface Operation<T> {
        T on(MemcacheConnection connection) throws IOException, MemcacheConnection.Refused;
    }

    /** What an operation answers when a server refused it (no other server is tried). */
    private static final Object REFUSED = new Object();

    /**
     * Runs an operation on the key's first server that answers, as Swift does: a server that
     * fails counts an error and the next one is tried.
     *
     * @return the operation's answer; {@link #REFUSED}; or {@code null} when no server answered
     */
    private Object run(String hashedKey, String action, Operation<?> operation) {
        boolean any = false;
        for (MemcacheServer server : serversFor(hashedKey)) {
            if (server.isLimited()) {
                continue;
            }
            any = true;
            MemcacheConnection connection;
            try {
                connection = server.borrow();
            } catch (IOException e) {
                server.failed(e instanceof MemcacheServer.PoolTimeout ? "getting a connection to" : "connecting to",
                        e);
                continue;
            }
            try {
                Object answer = operation.on(connection);
                server.release(connection);
                return answer;
            } catch (MemcacheConnection.Refused e) {
                server.release(connection);
                LOG.debug("memcached {} refused {}: {}", server.name(), action, e.getMessage());
                return REFUSED;
            } catch (IOException | RuntimeException e) {
                server.discard(connection, action, e);
            }
        }
        if (!any) {
            allLimited();
        }
        return null;
    }

    private void allLimited() {
        long now = clock.getAsLong();
        long last = lastAllLimitedWarn.get();
        if (now - last >= TimeUnit.MINUTES.toNanos(1) && lastAllLimitedWarn.compareAndSet(last, now)) {
            LOG.warn("All memcached servers error-limited: the cache finds nothing and stores nothing until one "
                    + "is tried again");
        }
    }

    @Override
    public String get(String key) {
        String hashed = md5hex(key);
        Object answer = run(hashed, "talking to", connection -> connection.get(hashed));
        if (!(answer instanceof MemcacheConnection.Item item) || (item.flags() & MemcacheConnection.JSON_FLAG) == 0) {
            return null;
        }
        return new String(item.value(), StandardCharsets.UTF_8);
    }

    @Override
    public boolean set(String key, String json, double ttlSeconds) {
        String hashed = md5hex(key);
        byte[] value = json.getBytes(StandardCharsets.UTF_8);
        long ttl = ttl(ttlSeconds);
        Object answer = run(hashed, "setting a value in", connection -> {
            connection.set(hashed, MemcacheConnection.JSON_FLAG, ttl, value);
            return Boolean.TRUE;
        });
        return answer == Boolean.TRUE;
    }

    @Override
    public OptionalLong incr(String key, long delta, double ttlSeconds) {
        String hashed = md5hex(key);
        long ttl = ttl(ttlSeconds);
        Object answer = run(hashed, "incrementing in", connection -> connection.incr(hashed, delta, ttl));
        return answer instanceof Long value ? OptionalLong.of(value) : OptionalLong.empty();
    }

    @Override
    public boolean delete(String key) {
        String hashed = md5hex(key);
        Object answer = run(hashed, "deleting from", connection -> connection.delete(hashed));
        return answer instanceof Boolean;
    }

    /** What {@link #gets}, {@link #add} and {@link #cas} found: for read-modify-write without a lost update. */
    enum Outcome {
        /** Read, or written. */
        DONE,
        /** Absent (gets), present already (add), changed or gone meanwhile (cas). */
        CONFLICT,
        /** No server answered. */
        FAILED
    }

    /** A JSON value and its cas unique; {@code json} is {@code null} unless {@link Outcome#DONE}. */
    record Versioned(Outcome outcome, String json, long unique) {
    }

    /** {@code gets}: a value with the unique {@link #cas} needs; CONFLICT when absent. */
    Versioned gets(String key) {
        String hashed = md5hex(key);
        Object answer = run(hashed, "talking to", connection -> {
            MemcacheConnection.Item item = connection.gets(hashed);
            return item == null ? Outcome.CONFLICT : item;
        });
        if (answer instanceof MemcacheConnection.Item item) {
            return (item.flags() & MemcacheConnection.JSON_FLAG) == 0 ? new Versioned(Outcome.CONFLICT, null, 0)
                    : new Versioned(Outcome.DONE, new String(item.value(), StandardCharsets.UTF_8), item.unique());
        }
        return new Versioned(answer == null ? Outcome.FAILED : Outcome.CONFLICT, null, 0);
    }

    /** {@code add}: stores only where the key is absent. */
    Outcome add(String key, String json, double ttlSeconds) {
        String hashed = md5hex(key);
        byte[] value = json.getBytes(StandardCharsets.UTF_8);
        long ttl = ttl(ttlSeconds);
        return outcome(run(hashed, "adding a value to", connection -> {
            connection.add(hashed, MemcacheConnection.JSON_FLAG, ttl, value);
            return Outcome.DONE;
        }));
    }

    /** {@code cas}: stores only if the value is still the one {@link #gets} read with {@code unique}. */
    Outcome cas(String key, String json, long unique, double ttlSeconds) {
        String hashed = md5hex(key);
        byte[] value = json.getBytes(StandardCharsets.UTF_8);
        long ttl = ttl(ttlSeconds);
        return outcome(run(hashed, "setting a value in", connection -> {
            connection.cas(hashed, MemcacheConnection.JSON_FLAG, ttl, value, unique);
            return Outcome.DONE;
        }));
    }

    private static Outcome outcome(Object answer) {
        return answer == null ? Outcome.FAILED : answer == REFUSED ? Outcome.CONFLICT : (Outcome) answer;
    }

    /** The servers, in the order configured. */
    List<MemcacheServer> servers() {
        return List.of(servers);
    }

    /** Closes every pooled connection. */
    void close() {
        for (MemcacheServer server : servers) {
            server.close();
        }
    }
}
