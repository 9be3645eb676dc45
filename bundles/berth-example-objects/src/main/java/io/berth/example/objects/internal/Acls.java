package io.berth.example.objects.internal;

import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import io.berth.example.objects.internal.Requests.Target;

/**
 * Who may do what: Swift's container ACLs applied to the user the authentication stage in front
 * names, and the ACL headers a container request sets. {@link Requests#aclGrants} reads one ACL's entries.
 *
 * <p>The contract with that stage (tempauth, see its TempAuthStage): getRemoteUser() is
 * {@code account:user}, and isUserInRole is true for the user's groups as Swift's tempauth has
 * them: the user's account ({@code test}), {@code test:tester}, its configured groups
 * ({@code .admin}, {@code .reseller_admin}, others), and for an {@code .admin} the storage account
 * it owns ({@code AUTH_test}). The stage lets through users of the path's account, reseller
 * admins, and, for a container or an object only, users of other accounts, whom the
 * container's ACLs may name (Swift's tempauth defers to those ACLs too). No remote user (no auth
 * stage), a user in the role of the path's account (its owner: Swift's {@code account in
 * user_groups}), or a {@code .reseller_admin}: everything is allowed; an {@code .admin} of another
 * account owns nothing here. Any other user gets what the container's ACLs grant, as in Swift:
 * an entry that is one of the user's groups ({@code test2:tester2}, {@code test2}, a configured
 * group), or one of the wildcards {@link Requests#aclGrants} reads ({@code *:tester},
 * {@code test2:*}, {@code *}: keystoneauth's forms, which Swift's tempauth matches only literally;
 * this app has granted them since its start). A request the stage let through without a user, to
 * read a container or an object, is anonymous: getAuthType() names the stage, getRemoteUser() is null. It gets what the
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
        if (isOwner(request, target.account())) {
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
            if (!mayRead(request, target.account(), container)) {
                throw forbidden(user + " may not list the container '" + target.container() + "': X-Container-Read does not name them");
            }
            return;
        }
        String acl = read ? READ : WRITE;
        if (container == null || !grants(request, container.meta.get(acl))) {
            throw forbidden(user + " may not " + method + " objects in the container '" + target.container() + "': "
                    + acl + " does not name them");
        }
    }

    /**
     * Whether a request may list a container (a DLO's segments, as Swift's dlo lists them with the
     * client's rights): its owner, a user X-Container-Read names, or a referrer it admits with .rlistings.
     */
    static boolean mayRead(HttpServletRequest request, String account, Container container) {
        if (isOwner(request, account)) {
            return true;
        }
        if (container == null) {
            return false;
        }
        if (referrerAdmits(request, container, true)) {
            return true;
        }
        return !isAnonymous(request) && grants(request, container.meta.get(READ));
    }

    /**
     * Whether an ACL names the request's user: an entry that is one of its groups, as Swift's
     * tempauth matches them ({@code test2:tester2}, {@code test2}, a configured group), or one
     * {@link Requests#aclGrants} reads from the user's name ({@code *:tester}, {@code test2:*}, {@code *}).
     */
    private static boolean grants(HttpServletRequest request, String acl) {
        String user = request.getRemoteUser();
        return user != null && Requests.aclGrants(acl, user, request::isUserInRole);
    }

    /** Whether the container's referrer ACL admits the request's Referer: to read objects, or to list with .rlistings. */
    private static boolean referrerAdmits(HttpServletRequest request, Container container, boolean listing) {
        Referrers referrers = Referrers.of(container.meta.get(READ));
        return (!listing || referrers.listings()) && referrers.allow(request.getHeader("Referer"));
    }

    /**
     * The account's owner: no auth stage, a user in the account's role (an {@code .admin} of that
     * account, as tempauth gives it), or a reseller admin; only owners change and see ACLs.
     *
     * @param account the storage account of the path ({@code AUTH_test})
     */
    static boolean isOwner(HttpServletRequest request, String account) {
        return request.getRemoteUser() == null && request.getAuthType() == null || request.isUserInRole(account)
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
