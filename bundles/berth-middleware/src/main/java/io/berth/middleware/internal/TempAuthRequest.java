package io.berth.middleware.internal;

import java.security.Principal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * A request {@code tempauth} let through with a valid token: the identity the servlet API
 * offers is the token's user ({@code account:user}), its roles the user's groups. Or one it let
 * through without a token, for the app to judge by the container's referrer ACL: no user, no
 * roles, but the auth type, which tells the app a stage ran and found nobody.
 */
final class TempAuthRequest extends HttpServletRequestWrapper {

    /** {@link #getAuthType()}: not one of the servlet API's four, so no one mistakes it for them. */
    static final String AUTH_TYPE = "tempauth";

    /** Null for an anonymous request. */
    private final TempAuthUser user;

    /** @param user the token's user, or null: anonymous */
    TempAuthRequest(HttpServletRequest request, TempAuthUser user) {
        super(request);
        this.user = user;
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
        return user != null && role != null && user.roles().contains(role);
    }

    @Override
    public String getAuthType() {
        return AUTH_TYPE;
    }
}
