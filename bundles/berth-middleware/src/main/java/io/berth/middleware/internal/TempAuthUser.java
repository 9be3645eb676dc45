package io.berth.middleware.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One {@code user_ACCOUNT_USER = KEY [GROUP ...] [STORAGE_URL]} line of {@code tempauth}. The key
 * is held only as its SHA-256 digest, so that neither a heap dump's strings nor a
 * {@code toString} shows it, and keys of any length compare in the same time.
 */
final class TempAuthUser {

    static final String PREFIX = "user_";
    static final String ADMIN = ".admin";
    static final String RESELLER_ADMIN = ".reseller_admin";
    static final String RESELLER_READER = ".reseller_reader";

    /** Groups with a meaning to tempauth; any other group starting with '.' is a typo of one of these. */
    static final Set<String> SPECIAL_GROUPS = Set.of(ADMIN, RESELLER_ADMIN, RESELLER_READER);

    /** Compared against when the user is unknown, so that unknown users take as long as wrong keys. */
    private static final byte[] NO_KEY = digest("");

    private final String account;
    private final String id;
    private final byte[] keyDigest;
    private final Set<String> roles;
    /** The configured groups, in the order written (Swift's group string keeps it). */
    private final List<String> groups;
    private final String storageUrl;
    private final Principal principal;

    private TempAuthUser(String account, String user, byte[] keyDigest, Set<String> groups, String storageUrl) {
        this.account = account;
        this.id = account + ':' + user;
        this.keyDigest = keyDigest;
        Set<String> roles = new LinkedHashSet<>();
        roles.add(account);
        roles.add(id);
        roles.addAll(groups);
        this.roles = Set.copyOf(roles);
        this.groups = List.copyOf(groups);
        this.storageUrl = storageUrl;
        this.principal = new UserPrincipal(id);
    }

    /**
     * Reads the user lines, as Swift's tempauth does: the account and user are the two parts of
     * the key after {@code user_} (neither may hold {@code _}), the value's first word is the
     * key, a last word with {@code ://} or {@code $HOST} is the storage URL, the others are
     * groups. Error messages name the setting, never a word of its value.
     *
     * @param lines setting name ({@code user_test_tester}) to value
     * @return {@code account:user} to user
     * @throws IllegalArgumentException starting with the setting's name
     */
    static Map<String, TempAuthUser> parse(Map<String, String> lines) {
        Map<String, TempAuthUser> users = new LinkedHashMap<>();
        for (Map.Entry<String, String> line : lines.entrySet()) {
            TempAuthUser user = parse(line.getKey(), line.getValue());
            users.put(user.id, user);
        }
        return Map.copyOf(users);
    }

    private static TempAuthUser parse(String name, String value) {
        String[] parts = name.substring(PREFIX.length()).split("_", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException(name + ": not user_ACCOUNT_USER (one '_' between a non-empty "
                    + "account and user, neither holding '_')");
        }
        if (parts[0].indexOf(':') >= 0) {
            // A client names itself ACCOUNT:USER and the first ':' ends the account: no one could log in.
            throw new IllegalArgumentException(name + ": the account holds ':', so no client could name it");
        }
        String[] words = value == null ? new String[0] : value.strip().split("\\s+");
        if (words.length == 0 || words[0].isEmpty()) {
            throw new IllegalArgumentException(name + ": no key; write " + PREFIX
                    + "ACCOUNT_USER = KEY [GROUP ...] [STORAGE_URL]");
        }
        int end = words.length;
        String storageUrl = null;
        if (end > 1 && (words[end - 1].contains("://") || words[end - 1].contains("$HOST"))) {
            storageUrl = words[--end];
        }
        Set<String> groups = new LinkedHashSet<>();
        for (int i = 1; i < end; i++) {
            String group = words[i];
            if (group.startsWith(".") && !SPECIAL_GROUPS.contains(group)) {
                // The word itself stays out of the message: a user line's value is a secret.
                throw new IllegalArgumentException(name + ": word " + (i + 1) + " is an unknown group; groups "
                        + "starting with '.' are .admin, .reseller_admin and .reseller_reader");
            }
            groups.add(group);
        }
        return new TempAuthUser(parts[0], parts[1], digest(words[0]), groups, storageUrl);
    }

    /**
     * @param user the user a client named, or {@code null} when there is none of that name
     * @param key the key the client gave
     * @return whether the user exists and the key is its own, in a time that tells neither
     */
    static boolean matches(TempAuthUser user, String key) {
        byte[] given = digest(key);
        boolean equal = MessageDigest.isEqual(given, user == null ? NO_KEY : user.keyDigest);
        return user != null && equal;
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The account, without the reseller prefix: {@code test}. */
    String account() {
        return account;
    }

    /** {@code account:user}: the remote user, and the access log's {@code access_user_id}. */
    String id() {
        return id;
    }

    /** The account, the user's id, and the configured groups. */
    Set<String> roles() {
        return roles;
    }

    /**
     * Swift's {@code _get_user_groups}, the groups a token carries in memcache: the account, the
     * user's id, its groups, with {@code .admin} replaced by the account's id
     * ({@code test,test:tester,AUTH_test}).
     */
    String swiftGroups(String resellerPrefix) {
        List<String> all = new ArrayList<>();
        all.add(account);
        all.add(id);
        all.addAll(groups);
        if (all.remove(ADMIN)) {
            all.add(resellerPrefix + account);
            String accountId = storageAccount(resellerPrefix);
            if (!all.contains(accountId)) {
                all.add(accountId);
            }
        }
        return String.join(",", all);
    }

    /**
     * Whether the user owns the storage account ({@code AUTH_test}): as in Swift, where
     * {@code _get_user_groups} gives an {@code .admin} the account's ids as groups and
     * {@code authorize} makes whoever holds the path's account as a group its owner. Only
     * {@code .admin} users own their account, under the reseller prefix or as their storage URL
     * names it.
     */
    boolean owns(String resellerPrefix, String storageAccount) {
        return roles.contains(ADMIN) && (storageAccount.equals(resellerPrefix + account)
                || storageAccount.equals(storageAccount(resellerPrefix)));
    }

    /** The account the user's storage URL names. */
    private String storageAccount(String resellerPrefix) {
        String url = storageUrl == null ? "$HOST/v1/" + resellerPrefix + account : storageUrl;
        return url.substring(url.lastIndexOf('/') + 1);
    }

    boolean isResellerAdmin() {
        return roles.contains(RESELLER_ADMIN);
    }

    boolean isResellerReader() {
        return roles.contains(RESELLER_READER);
    }

    /** The configured storage URL (may hold {@code $HOST}), or {@code null} for the default. */
    String storageUrl() {
        return storageUrl;
    }

    Principal principal() {
        return principal;
    }

    @Override
    public String toString() {
        return "TempAuthUser[" + id + ", groups " + roles + "]";
    }

    /** The user as {@link jakarta.servlet.http.HttpServletRequest#getUserPrincipal()}. */
    record UserPrincipal(String name) implements Principal {

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
