package io.berth.example.objects.internal;

import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import io.berth.example.objects.internal.ObjectStore.Container;
import io.berth.example.objects.internal.Requests.Target;

/**
 * Who may do what: Swift's container ACLs applied to the user the authentication stage in front
 * names, and the ACL headers a container request sets. {@link Requests#aclGrants} reads one ACL's entries.
 *
 * <p>The contract with that stage (tempauth): it has refused anyone who is not a user of the
 * path's account, and for the others getRemoteUser() is {@code account:user} and isUserInRole is
 * true for {@code .admin} (the account's admin) and {@code .reseller_admin}. No remote user (no
 * auth stage) or an admin: everything is allowed. Any other user gets what the container's ACLs
 * grant, as in Swift. A request the stage let through without a user, to read a container or an
 * object, is anonymous: getAuthType() names the stage, getRemoteUser() is null. It gets what the
 * container's referrer ACL grants ({@link Referrers}), else 401 as the stage would have answered,
 * which is Swift's split too (tempauth sets {@code swift.authorize}, the proxy's ACL check decides).
 */
final class Acls {

    static final String READ = "X-Container-Read";
    static final String WRITE = "X-Container-Write";

    private Acls() {
    }

    /**
     * @param container the target's container, null when it does not exist
     * @throws SwiftException 403 naming the user, the method and what they lack
     */
    static void authorize(HttpServletRequest request, Target target, Container container, String method) {
        if (isOwner(request)) {
            return;
        }
        boolean read = method.equals("GET") || method.equals("HEAD");
        if (read && target.container() != null && container != null
                && referrerAdmits(request, container, target.object() == null)) {
            return;
        }
        if (isAnonymous(request)) {
            throw new SwiftException(401, "Unauthorized: " + request.getAuthType() + " needs a valid X-Auth-Token",
                    "Swift realm=\"" + Requests.quote(target.account()) + "\"");
        }
        String user = request.getRemoteUser();
        if (target.container() == null) {
            throw forbidden(user + " may not " + method + " the account " + target.account() + ": that needs .admin");
        }
        if (target.object() == null) {
            if (!method.equals("GET") && !method.equals("HEAD")) {
                throw forbidden(user + " may not " + method + " the container '" + target.container() + "': that needs .admin");
            }
            if (!mayRead(request, container)) {
                throw forbidden(user + " may not list the container '" + target.container() + "': X-Container-Read does not name them");
            }
            return;
        }
        String acl = read ? READ : WRITE;
        if (container == null || !Requests.aclGrants(container.meta.get(acl), user)) {
            throw forbidden(user + " may not " + method + " objects in the container '" + target.container() + "': "
                    + acl + " does not name them");
        }
    }

    /**
     * Whether a request may list a container (a DLO's segments, as Swift's dlo lists them with the
     * client's rights): its owner, a user X-Container-Read names, or a referrer it admits with .rlistings.
     */
    static boolean mayRead(HttpServletRequest request, Container container) {
        if (isOwner(request)) {
            return true;
        }
        if (container == null) {
            return false;
        }
        if (referrerAdmits(request, container, true)) {
            return true;
        }
        return !isAnonymous(request) && Requests.aclGrants(container.meta.get(READ), request.getRemoteUser());
    }

    /** Whether the container's referrer ACL admits the request's Referer: to read objects, or to list with .rlistings. */
    private static boolean referrerAdmits(HttpServletRequest request, Container container, boolean listing) {
        Referrers referrers = Referrers.of(container.meta.get(READ));
        return (!listing || referrers.listings()) && referrers.allow(request.getHeader("Referer"));
    }

    /** The account's owner: no auth stage, or an admin; only owners change and see ACLs. */
    static boolean isOwner(HttpServletRequest request) {
        return request.getRemoteUser() == null && request.getAuthType() == null || request.isUserInRole(".admin")
                || request.isUserInRole(".reseller_admin");
    }

    /** Let through by an auth stage without a user: see the class comment. */
    static boolean isAnonymous(HttpServletRequest request) {
        return request.getRemoteUser() == null && request.getAuthType() != null;
    }

    static SwiftException forbidden(String why) {
        return new SwiftException(403, "Forbidden: " + why);
    }

    /** Into a container's metadata changes: X-Container-Read/-Write set (empty: removed), X-Remove-Container-Read/-Write removed. */
    static void fromHeaders(HttpServletRequest request, Map<String, String> meta) {
        for (String acl : new String[] {READ, WRITE}) {
            String value = Requests.header(request, acl);
            if (value != null) {
                meta.put(acl, clean(acl, value));
            }
            if (request.getHeader("X-Remove-" + acl.substring(2)) != null) {
                meta.put(acl, "");
            }
        }
    }

    /**
     * An ACL as Swift's {@code acl.clean_acl} stores it: entries trimmed, empty ones dropped,
     * referrer designations ({@code .r:}, {@code .ref:}, {@code .referer:}, {@code .referrer:})
     * written {@code .r:}, a leading {@code *} of a domain dropped ({@code .r:*.example.com} is
     * {@code .r:.example.com}).
     *
     * @throws SwiftException 400 with Swift's body: referrers in a write ACL, a referrer without a
     *         host, a designator other than {@code .r}
     */
    static String clean(String header, String value) {
        StringBuilder cleaned = new StringBuilder();
        for (String raw : value.split(",")) {
            raw = raw.strip();
            if (raw.isEmpty()) {
                continue;
            }
            String entry = raw;
            int colon = raw.indexOf(':');
            String first = colon < 0 ? "" : raw.substring(0, colon).strip();
            if (first.startsWith(".")) {
                if (!List.of(".r", ".ref", ".referer", ".referrer").contains(first)) {
                    throw new SwiftException(400, "Unknown designator " + repr(first) + " in ACL: " + repr(raw));
                }
                if (header.equals(WRITE)) {
                    throw new SwiftException(400, "Referrers not allowed in write ACL: " + repr(raw));
                }
                String second = raw.substring(colon + 1).strip();
                boolean negate = second.startsWith("-");
                if (negate) {
                    second = second.substring(1).strip();
                }
                if (!second.equals("*") && second.startsWith("*")) {
                    second = second.substring(1).strip();
                }
                if (second.isEmpty() || second.equals(".")) {
                    throw new SwiftException(400, "No host/domain value after referrer designation in ACL: " + repr(raw));
                }
                entry = ".r:" + (negate ? "-" : "") + second;
            }
            cleaned.append(cleaned.length() == 0 ? "" : ",").append(entry);
        }
        return cleaned.toString();
    }

    /** Python's repr() of a string, as Swift's messages quote an entry. */
    private static String repr(String text) {
        char quote = text.indexOf('\'') >= 0 && text.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder out = new StringBuilder().append(quote);
        for (char c : text.toCharArray()) {
            if (c == '\\' || c == quote) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.append(quote).toString();
    }

    /** As Swift: the ACLs are shown to those who may change them, not to the users they name. */
    static boolean shows(String header, boolean owner) {
        return owner || !header.startsWith(READ) && !header.startsWith(WRITE);
    }
}
