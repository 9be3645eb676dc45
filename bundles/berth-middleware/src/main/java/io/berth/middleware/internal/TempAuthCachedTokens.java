package io.berth.middleware.internal;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.Memcache;

/**
 * Tempauth's tokens in memcache, under Swift's keys and in Swift's form, so that every node of a
 * cluster (and a Swift proxy sharing the pool) accepts a token any of them issued:
 * {@code AUTH_/token/AUTH_tk…} holds {@code [EXPIRES, "GROUPS"]} (expiry in Unix seconds, Swift's
 * group string), {@code AUTH_/user/ACCOUNT:USER} holds the user's current token; both live until
 * the token expires.
 *
 * <p>A token is accepted for a user this node knows (its groups name it second, as Swift's do):
 * removing a user from the configuration ends its tokens at once, here. Time is the wall clock,
 * as in Swift: nodes must agree on it (NTP), within what a token's life can spare.
 */
final class TempAuthCachedTokens {

    private static final Logger LOG = LoggerFactory.getLogger(TempAuthCachedTokens.class);

    private final String resellerPrefix;
    private final String tokenPrefix;
    private final double lifeSeconds;
    private final Map<String, TempAuthUser> users;
    private final LongSupplier nanoClock;
    private final LongSupplier wallMillis;
    private final SecureRandom random;

    TempAuthCachedTokens(String resellerPrefix, long lifeSeconds, Map<String, TempAuthUser> users,
            LongSupplier nanoClock, LongSupplier wallMillis, SecureRandom random) {
        this.resellerPrefix = resellerPrefix;
        this.tokenPrefix = resellerPrefix + "tk";
        this.lifeSeconds = lifeSeconds;
        this.users = users;
        this.nanoClock = nanoClock;
        this.wallMillis = wallMillis;
        this.random = random;
    }

    String tokenKey(String token) {
        return resellerPrefix + "/token/" + token;
    }

    String userKey(TempAuthUser user) {
        return resellerPrefix + "/user/" + user.id();
    }

    /**
     * @return the token's session while valid and its user known here; {@code null} when the cache
     *     has no such token (or cannot be reached), it expired, or its record is not Swift's
     */
    TempAuthTokens.Session find(Memcache cache, String token) {
        SwiftJson.TokenRecord record = SwiftJson.tokenRecord(cache.get(tokenKey(token)));
        if (record == null) {
            return null;
        }
        double now = wallMillis.getAsLong() / 1000.0;
        if (record.expires() < now) {
            return null;
        }
        String[] groups = record.groups().split(",", -1);
        TempAuthUser user = groups.length > 1 ? users.get(groups[1]) : null;
        if (user == null) {
            LOG.debug("tempauth: a cached token of a user not configured here ({} groups)", groups.length);
            return null;
        }
        return new TempAuthTokens.Session(token, user, nanoClock.getAsLong() + nanos(record.expires() - now));
    }

    /**
     * Swift's {@code handle_get_token}: the user's token again while it is valid and its groups are
     * the same; else a new one, stored under both keys.
     *
     * @return the session, or {@code null} when the cache did not store a new token (Swift answers 503)
     */
    TempAuthTokens.Session issue(Memcache cache, TempAuthUser user) {
        String groups = user.swiftGroups(resellerPrefix);
        String candidate = SwiftJson.string(cache.get(userKey(user)));
        if (candidate != null) {
            SwiftJson.TokenRecord record = SwiftJson.tokenRecord(cache.get(tokenKey(candidate)));
            double now = wallMillis.getAsLong() / 1000.0;
            if (record != null && record.expires() > now && sameGroups(record.groups(), groups)) {
                return new TempAuthTokens.Session(candidate, user, nanoClock.getAsLong() + nanos(record.expires() - now));
            }
        }
        String token = TempAuthTokens.newToken(tokenPrefix, random);
        long nowMillis = wallMillis.getAsLong();
        double expires = (nowMillis + Math.round(lifeSeconds * 1000)) / 1000.0;
        if (!cache.set(tokenKey(token), SwiftJson.tokenRecord(expires, groups), lifeSeconds)
                || !cache.set(userKey(user), SwiftJson.quote(token), lifeSeconds)) {
            return null;
        }
        return new TempAuthTokens.Session(token, user, nanoClock.getAsLong() + nanos(lifeSeconds));
    }

    private static boolean sameGroups(String cached, String current) {
        return new HashSet<>(Arrays.asList(cached.split(","))).equals(new HashSet<>(Arrays.asList(current.split(","))));
    }

    private static long nanos(double seconds) {
        return Math.round(seconds * 1e9);
    }
}
