package io.berth.example.objects.internal;

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
 * grant, as in Swift.
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
        boolean read = method.equals("GET") || method.equals("HEAD");
        String acl = read ? READ : WRITE;
        if (container == null || !Requests.aclGrants(container.meta.get(acl), user)) {
            throw forbidden(user + " may not " + method + " objects in the container '" + target.container() + "': "
                    + acl + " does not name them");
        }
    }

    /** Whether a user may list a container and read its objects: its owner, or one X-Container-Read names. */
    static boolean mayRead(HttpServletRequest request, Container container) {
        return isOwner(request) || container != null && Requests.aclGrants(container.meta.get(READ), request.getRemoteUser());
    }

    /** The account's owner: no auth stage, or an admin; only owners change and see ACLs. */
    static boolean isOwner(HttpServletRequest request) {
        return request.getRemoteUser() == null || request.isUserInRole(".admin") || request.isUserInRole(".reseller_admin");
    }

    static SwiftException forbidden(String why) {
        return new SwiftException(403, "Forbidden: " + why);
    }

    /** Into a container's metadata changes: X-Container-Read/-Write set (empty: removed), X-Remove-Container-Read/-Write removed. */
    static void fromHeaders(HttpServletRequest request, Map<String, String> meta) {
        for (String acl : new String[] {READ, WRITE}) {
            String value = Requests.header(request, acl);
            if (value != null) {
                meta.put(acl, value.trim());
            }
            if (request.getHeader("X-Remove-" + acl.substring(2)) != null) {
                meta.put(acl, "");
            }
        }
    }

    /** As Swift: the ACLs are shown to those who may change them, not to the users they name. */
    static boolean shows(String header, boolean owner) {
        return owner || !header.startsWith(READ) && !header.startsWith(WRITE);
    }
}
