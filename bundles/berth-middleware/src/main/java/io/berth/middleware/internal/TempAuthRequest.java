package io.berth.middleware.internal;

import java.security.Principal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * A request {@code tempauth} let through with a valid token: the identity the servlet API
 * offers is the token's user ({@code account:user}), its roles the user's groups.
 */
final class TempAuthRequest extends HttpServletRequestWrapper {

    /** {@link #getAuthType()}: not one of the servlet API's four, so no one mistakes it for them. */
    static final String AUTH_TYPE = "tempauth";

    private final TempAuthUser user;

    TempAuthRequest(HttpServletRequest request, TempAuthUser user) {
        super(request);
        this.user = user;
    }

    @Override
    public String getRemoteUser() {
        return user.id();
    }

    @Override
    public Principal getUserPrincipal() {
        return user.principal();
    }

    @Override
    public boolean isUserInRole(String role) {
        return role != null && user.roles().contains(role);
    }

    @Override
    public String getAuthType() {
        return AUTH_TYPE;
    }
}
