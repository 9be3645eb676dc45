package io.berth.middleware.internal;

import java.security.Principal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * A request {@code tempauth} let through with a valid token: the identity the servlet API
 * offers is the token's user ({@code account:user}), its roles the user's groups as Swift's
 * tempauth has them: the account ({@code test}), the user's id, the configured groups, and for an
 * {@code .admin} the storage account it owns ({@code AUTH_test}), which is how the app tells an
 * owner of the path's account from an admin of another. Or one it let
 * through without a token, for the app to judge by the container's referrer ACL: no user, no
 * roles, but the auth type, which tells the app a stage ran and found nobody.
 */
final class TempAuthRequest extends HttpServletRequestWrapper {

    /** {@link #getAuthType()}: not one of the servlet API's four, so no one mistakes it for them. */
    static final String AUTH_TYPE = "tempauth";

    /** Null for an anonymous request. */
    private final TempAuthUser user;
    /** With the user's account, the storage account an {@code .admin} owns. */
    private final String resellerPrefix;

    /**
     * @param user the token's user, or null: anonymous
     * @param resellerPrefix the stage's, with its underscore ({@code AUTH_})
     */
    TempAuthRequest(HttpServletRequest request, TempAuthUser user, String resellerPrefix) {
        super(request);
        this.user = user;
        this.resellerPrefix = resellerPrefix;
    }

    @Override
    public String getRemoteUser() {
        return user == null ? null : user.id();
    }

    @Override
    public Principal getUserPrincipal() {
        return user == null ? null : user.principal();
    }

    @Override
    public boolean isUserInRole(String role) {
        return user != null && role != null && (user.roles().contains(role) || user.owns(resellerPrefix, role));
    }

    @Override
    public String getAuthType() {
        return AUTH_TYPE;
    }
}
