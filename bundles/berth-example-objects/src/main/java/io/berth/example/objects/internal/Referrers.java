package io.berth.example.objects.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The referrer part of a container's X-Container-Read, as Swift's {@code acl.py} reads it
 * ({@code parse_acl}, {@code referrer_allowed}): {@code .r:*} (anyone), {@code .r:example.com}
 * (that host), {@code .r:.example.com} (hosts ending so), {@code .r:-blocked.example.com} (not
 * that host, overriding an earlier entry that allowed it), and {@code .rlistings}, which lets
 * those the referrer entries admit list the container as well as read its objects.
 *
 * <p>The Referer header is the client's word: as in Swift, this is a convenience for public web
 * content, not access control against someone who wants the objects.
 */
record Referrers(List<String> hosts, boolean listings) {

    static final Referrers NONE = new Referrers(List.of(), false);

    /** The referrer entries of an ACL (null: none); user entries are {@link Requests#aclGrants}'s. */
    static Referrers of(String acl) {
        if (acl == null || acl.isBlank()) {
            return NONE;
        }
        List<String> hosts = new ArrayList<>();
        boolean listings = false;
        for (String entry : acl.split(",")) {
            // Swift splits on ',' alone; clean_acl has stripped the blanks when the ACL was set.
            entry = entry.strip();
            if (entry.startsWith(".r:")) {
                hosts.add(entry.substring(3));
            } else if (entry.equals(".rlistings")) {
                listings = true;
            }
        }
        return new Referrers(List.copyOf(hosts), listings);
    }

    /** Swift's referrer_allowed: the entries in order, a later one overriding an earlier one. */
    boolean allow(String referer) {
        String host = host(referer);
        boolean allow = false;
        for (String entry : hosts) {
            if (entry.startsWith("-")) {
                if (matches(entry.substring(1), host)) {
                    allow = false;
                }
            } else if (entry.equals("*") || matches(entry, host)) {
                allow = true;
            }
        }
        return allow;
    }

    private static boolean matches(String entry, String host) {
        return entry.equals(host) || entry.startsWith(".") && host.endsWith(entry);
    }

    /** Python's {@code urlparse(referer).hostname or 'unknown'}: lower case, no port, no user. */
    static String host(String referer) {
        if (referer == null || referer.isBlank()) {
            return "unknown";
        }
        try {
            String host = new URI(referer.strip()).getHost();
            if (host == null || host.isEmpty()) {
                return "unknown";
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            return host.toLowerCase(Locale.ROOT);
        } catch (URISyntaxException e) {
            return "unknown";
        }
    }
}
