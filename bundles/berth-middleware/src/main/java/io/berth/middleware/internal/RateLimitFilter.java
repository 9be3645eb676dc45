package io.berth.middleware.internal;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.Memcache;
import io.berth.api.StageMeasures;

/**
 * Admits each client's requests at {@code max_rate} per second with bursts of {@code burst}
 * ({@link TokenBuckets}); refuses the rest with {@code 429} (or {@code 498}), {@code Retry-After}
 * in whole seconds, and Swift's body {@code Slow down}, without reaching the app.
 */
final class RateLimitFilter implements Filter, StageMeasures {

    static final String CLIENT_IP = "client_ip";
    static final String LOCAL = "local";
    static final String MEMCACHE = "memcache";
    static final String SLOW_DOWN = "Slow down";

    /** Longer keys (from a client's header) are kept as a digest, so that no client makes us hold much. */
    static final int MAX_KEY_CHARS = 64;

    /** The longest refill time accepted: a week, far from overflowing nanos. */
    static final long MAX_REFILL_SECONDS = TimeUnit.DAYS.toSeconds(7);

    private static final Logger LOG = LoggerFactory.getLogger(RateLimitFilter.class);
    private static final byte[] SLOW_DOWN_BYTES = SLOW_DOWN.getBytes(StandardCharsets.US_ASCII);
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    // Prefixes no header value can start with (Jetty refuses control characters in headers), so
    // that a client cannot name another client's key: the client IP fallback and digests.
    private static final char IP_PREFIX = '\0';
    private static final char DIGEST_PREFIX = '\1';

    /** {@code null}: keyed by client IP. */
    private final String header;
    private final int status;
    private final TokenBuckets buckets;
    /** {@code null}: backend local. */
    private final MemcacheBuckets shared;
    private final LongAdder refusals = new LongAdder();
    private final AtomicBoolean toldNoCache = new AtomicBoolean();

    RateLimitFilter(RateLimitStage.Config config, LongSupplier clock) {
        this(config, clock, RateLimitFilter::wallMicros);
    }

    /**
     * @param clock monotonic nanos, for the local buckets
     * @param wallMicros microseconds since the epoch, for the buckets in memcache (shared by nodes)
     */
    RateLimitFilter(RateLimitStage.Config config, LongSupplier clock, LongSupplier wallMicros) {
        double maxRate = config.max__rate();
        if (!(maxRate > 0)) {
            throw new IllegalArgumentException("max_rate: " + number(maxRate) + " is not a positive number");
        }
        int burst = config.burst();
        if (burst < 1) {
            throw new IllegalArgumentException("burst: " + burst + " is less than 1");
        }
        if (burst / maxRate > MAX_REFILL_SECONDS) {
            throw new IllegalArgumentException("max_rate: " + number(maxRate) + " per second takes more than a week "
                    + "to refill a burst of " + burst);
        }
        String key = config.key();
        if (!key.equals(CLIENT_IP) && !TOKEN.matcher(key).matches()) {
            throw new IllegalArgumentException("key: '" + key + "' is neither client_ip nor a header name");
        }
        this.header = key.equals(CLIENT_IP) ? null : key;
        int status = config.status();
        if (status != 429 && status != 498) {
            throw new IllegalArgumentException("status: " + status + " is not 429 or 498");
        }
        this.status = status;
        int maxKeys = config.max__keys();
        if (maxKeys < 1) {
            throw new IllegalArgumentException("max_keys: " + maxKeys + " is not a positive number");
        }
        long interval = Math.max(1, Math.round(SECOND / maxRate));
        this.buckets = new TokenBuckets(interval, burst, maxKeys, clock);
        String backend = config.backend().strip();
        if (!backend.equals(LOCAL) && !backend.equals(MEMCACHE)) {
            throw new IllegalArgumentException("backend: '" + backend + "' is not local or memcache");
        }
        String prefix = config.cache__prefix().strip();
        if (prefix.isEmpty()) {
            throw new IllegalArgumentException("cache_prefix: empty; the keys would mix with other users of memcache");
        }
        this.shared = backend.equals(MEMCACHE)
                ? new MemcacheBuckets(prefix, Math.max(1, Math.round(1e6 / maxRate)), burst, wallMicros)
                : null;
    }

    static long wallMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    /** A setting's number as an operator wrote it: 0.5, 20 (not 20.0). */
    static String number(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        long wait = acquire(request);
        if (wait == 0) {
            chain.doFilter(req, res);
            return;
        }
        refusals.increment();
        long retryAfter = Math.max(1, (wait + SECOND - 1) / SECOND);
        if (LOG.isDebugEnabled()) {
            LOG.debug("Returning {} for {} {} to client {}: ratelimit, Retry-After {}", status, request.getMethod(),
                    request.getRequestURI(), request.getRemoteAddr(), retryAfter);
        }
        HttpServletResponse response = (HttpServletResponse) res;
        response.setStatus(status);
        response.setHeader("Retry-After", Long.toString(retryAfter));
        response.setContentType("text/plain;charset=utf-8");
        response.setContentLength(SLOW_DOWN_BYTES.length);
        if (!"HEAD".equals(request.getMethod())) {
            response.getOutputStream().write(SLOW_DOWN_BYTES);
        }
    }

    private long acquire(HttpServletRequest request) {
        if (shared == null) {
            return buckets.acquire(key(request));
        }
        if (request.getAttribute(Memcache.ATTRIBUTE) instanceof MemcacheRing cache) {
            return shared.acquire(cache, key(request));
        }
        if (toldNoCache.compareAndSet(false, true)) {
            LOG.warn("ratelimit has backend = memcache but no cache stage comes before it in the pipeline: it "
                    + "limits each node alone until one does");
        }
        return buckets.acquire(key(request));
    }

    private String key(HttpServletRequest request) {
        if (header == null) {
            return request.getRemoteAddr();
        }
        String value = request.getHeader(header);
        if (value == null || value.isEmpty()) {
            return IP_PREFIX + request.getRemoteAddr();
        }
        return value.length() <= MAX_KEY_CHARS ? value : digest(value);
    }

    /** 128 bits of SHA-256, as 8 chars: no client can pick a value that shares another's bucket. */
    static String digest(String value) {
        byte[] hash;
        try {
            hash = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        char[] key = new char[9];
        key[0] = DIGEST_PREFIX;
        for (int i = 0; i < 8; i++) {
            key[i + 1] = (char) ((hash[2 * i] & 0xff) << 8 | (hash[2 * i + 1] & 0xff));
        }
        return new String(key);
    }

    /** Keys tracked now, for tests. */
    int tracked() {
        return buckets.tracked();
    }

    @Override
    public List<Measure> measures() {
        return List.of(
                new Measure("buckets", Kind.GAUGE, "Clients ratelimit tracks a bucket for now (at most max_keys)",
                        buckets.tracked()),
                new Measure("refusals", Kind.COUNTER, "Requests ratelimit refused (429 or 498) with Retry-After",
                        refusals.sum()));
    }
}
