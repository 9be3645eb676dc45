package io.berth.middleware.internal;

import java.security.SecureRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The tokens {@code tempauth} has issued, in memory, when no {@code cache} stage comes first (then
 * they are in memcache: {@link TempAuthCachedTokens}). A user
 * asking again while its token is valid gets the same token back, as in Swift, so at most one
 * token per configured user is held, whatever clients do; an expired token is dropped when it
 * is next presented or its user asks again.
 */
final class TempAuthTokens {

    /** A token, whose it is, and until when (monotonic nanos). */
    record Session(String token, TempAuthUser user, long expiresNanos) {

        @Override
        public String toString() {
            // Never the token: records print their fields, and sessions may end up in a log line.
            return "Session[" + user.id() + "]";
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final String tokenPrefix;
    private final long lifeNanos;
    private final LongSupplier nanoClock;
    private final SecureRandom random;
    private final ConcurrentHashMap<String, Session> byToken = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Session> byUser = new ConcurrentHashMap<>();
    private final LongAdder issued = new LongAdder();

    /**
     * @param resellerPrefix {@code AUTH_}: tokens are {@code AUTH_tk} and 32 hex digits
     * @param lifeNanos how long a token is valid
     * @param nanoClock monotonic, so that a wall clock step neither ends nor stretches tokens
     * @param random where the token's 128 bits come from
     */
    TempAuthTokens(String resellerPrefix, long lifeNanos, LongSupplier nanoClock, SecureRandom random) {
        this.tokenPrefix = resellerPrefix + "tk";
        this.lifeNanos = lifeNanos;
        this.nanoClock = nanoClock;
        this.random = random;
    }

    /**
     * @param user a user whose key was checked
     * @return its valid token, or a new one replacing the expired one
     */
    Session issue(TempAuthUser user) {
        long now = nanoClock.getAsLong();
        return byUser.compute(user.id(), (id, old) -> {
            if (old != null && old.expiresNanos - now > 0) {
                return old;
            }
            if (old != null) {
                byToken.remove(old.token, old);
            }
            Session fresh = new Session(newToken(tokenPrefix, random), user, now + lifeNanos);
            byToken.put(fresh.token, fresh);
            issued.increment();
            return fresh;
        });
    }

    /**
     * @param token a token a client presented
     * @return its session while valid, else {@code null} (and an expired one is forgotten)
     */
    Session find(String token) {
        Session session = byToken.get(token);
        if (session == null) {
            return null;
        }
        if (session.expiresNanos - nanoClock.getAsLong() > 0) {
            return session;
        }
        byToken.remove(token, session);
        byUser.remove(session.user.id(), session);
        return null;
    }

    /** Whole seconds left, rounded down as Swift's {@code int(expires - time())}. */
    long secondsLeft(Session session) {
        return Math.max(0, (session.expiresNanos - nanoClock.getAsLong()) / 1_000_000_000L);
    }

    /** Tokens held now, for tests. */
    int held() {
        return byToken.size();
    }

    /** New tokens made: not those handed out again to a user asking while its token was valid. */
    long issued() {
        return issued.sum();
    }

    /** Tokens not expired now: at most one per user, so counting them is cheap enough for a scrape. */
    int live() {
        long now = nanoClock.getAsLong();
        int live = 0;
        for (Session session : byUser.values()) {
            if (session.expiresNanos - now > 0) {
                live++;
            }
        }
        return live;
    }

    /** {@code AUTH_tk} and 32 hex digits of 128 random bits, as Swift's {@code uuid4().hex}. */
    static String newToken(String tokenPrefix, SecureRandom random) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        StringBuilder token = new StringBuilder(tokenPrefix.length() + 32).append(tokenPrefix);
        for (byte b : bytes) {
            token.append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
        }
        return token.toString();
    }
}
