package io.berth.middleware.internal;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.Berth;
import io.berth.api.Memcache;
import io.berth.api.StageMeasures;

/**
 * Swift's {@code tempauth}: issues tokens at {@code auth_prefix} ({@code GET
 * /auth/v1.0} with {@code X-Auth-User} and {@code X-Auth-Key}), and lets a request for a storage
 * account ({@code /v1/AUTH_test/...}) through only with a valid token of the account's user or of
 * a reseller admin, or, for a container or an object, of another account's user whom the
 * container's ACLs may name (the app decides). See {@link TempAuthStage} for what the app behind it is promised. Tokens live
 * in this node's memory ({@link TempAuthTokens}), or in memcache when a {@code cache} stage comes
 * first ({@link TempAuthCachedTokens}): decided per request, by the stage's presence.
 *
 * <p>Paths are read decoded (servlet path and path info, as the app reads them): a client
 * cannot hide {@code AUTH_} from this filter by percent-encoding it.
 */
final class TempAuthFilter implements Filter, StageMeasures {

    static final String UNAUTHORIZED = "Unauthorized: tempauth needs a valid X-Auth-Token";
    static final String BAD_CREDENTIALS = "Unauthorized: wrong user or key";
    static final String FORBIDDEN = "Forbidden: the token's user may not do this in this account";
    static final String NOT_ALLOWED = "Method not allowed: tempauth's token requests are GET";
    static final String BAD_REQUEST = "Bad request: tempauth issues tokens at v1.0, auth and v1/ACCOUNT/auth";
    static final String NOT_FOUND = "Not found";
    static final String NO_CACHE = "Service unavailable: tempauth could not store a token in memcache";

    private static final Logger LOG = LoggerFactory.getLogger(TempAuthFilter.class);

    private static final String VALID_SCHEMES = "default, http or https";

    private final String resellerPrefix;
    private final String authPrefix;
    /** {@code null}: the request's own scheme. */
    private final String storageUrlScheme;
    private final Map<String, TempAuthUser> users;
    /** referrer_acls: anonymous reads go to the app, which knows the containers' referrer ACLs. */
    private final boolean referrerAcls;
    /** Whether another account's user reaches the app for a container or an object, its ACLs to decide. */
    private final boolean crossAccountAcls;
    private final TempAuthTokens tokens;
    /** The tokens' home when a cache stage comes before this one. */
    private final TempAuthCachedTokens cachedTokens;
    private final LongAdder cachedIssued = new LongAdder();
    /** Token requests refused for want of a known user and its key: a guess at keys shows here. */
    private final LongAdder refusedLogins = new LongAdder();

    /**
     * @param config the settings but the user lines
     * @param userLines the {@code user_ACCOUNT_USER} settings
     * @param nanoClock monotonic nanoseconds ({@code System::nanoTime}), for token expiry
     * @param random the tokens' source
     */
    TempAuthFilter(TempAuthStage.Config config, Map<String, String> userLines, LongSupplier nanoClock,
            SecureRandom random) {
        this(config, userLines, nanoClock, System::currentTimeMillis, random);
    }

    /**
     * @param wallMillis the wall clock ({@code System::currentTimeMillis}): tokens in memcache
     *     expire at a Unix time, as Swift's do
     */
    TempAuthFilter(TempAuthStage.Config config, Map<String, String> userLines, LongSupplier nanoClock,
            LongSupplier wallMillis, SecureRandom random) {
        String prefix = config.reseller__prefix().strip();
        if (prefix.isEmpty() || prefix.equals("''")) {
            throw new IllegalArgumentException("reseller_prefix: empty; tempauth here needs a prefix "
                    + "(Swift's empty prefix, sharing accounts with another auth, is not supported)");
        }
        if (!prefix.matches("[A-Za-z0-9_.-]+")) {
            throw new IllegalArgumentException("reseller_prefix: '" + prefix + "' is not one prefix of letters, "
                    + "digits, '_', '.' and '-' (Swift's list of prefixes is not supported)");
        }
        // Swift's append_underscore: AUTH and AUTH_ are the same prefix.
        this.resellerPrefix = prefix.endsWith("_") ? prefix : prefix + '_';
        this.authPrefix = authPrefix(config.auth__prefix());
        int tokenLife = config.token__life();
        if (tokenLife <= 0) {
            throw new IllegalArgumentException("token_life: " + tokenLife + " is not a positive number of seconds");
        }
        String scheme = config.storage__url__scheme().strip();
        if (!scheme.equals("default") && !scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("storage_url_scheme: '" + scheme + "' is not " + VALID_SCHEMES);
        }
        this.storageUrlScheme = scheme.equals("default") ? null : scheme;
        this.users = TempAuthUser.parse(userLines);
        this.referrerAcls = config.referrer__acls();
        this.crossAccountAcls = config.cross__account__acls();
        this.tokens = new TempAuthTokens(resellerPrefix, TimeUnit.SECONDS.toNanos(tokenLife), nanoClock, random);
        this.cachedTokens = new TempAuthCachedTokens(resellerPrefix, tokenLife, users, nanoClock, wallMillis, random);
        if (users.isEmpty()) {
            LOG.warn("tempauth has no users (user_ACCOUNT_USER = KEY [GROUP ...] settings): every token request "
                    + "gets 401, and so does every request for a {} account", resellerPrefix);
        }
    }

    /** Swift's: a leading and a trailing '/' added; but empty is an error here, not rewritten to /auth/. */
    private static String authPrefix(String value) {
        String prefix = value.strip();
        if (!prefix.startsWith("/")) {
            prefix = '/' + prefix;
        }
        if (!prefix.endsWith("/")) {
            prefix += '/';
        }
        if (prefix.equals("/") || prefix.contains("//")) {
            throw new IllegalArgumentException("auth_prefix: '" + value + "' is not a path such as /auth/");
        }
        return prefix;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        // The path as sent, as the app reads it: Jetty's normalised one could name another account.
        String path;
        try {
            path = Berth.pathAsSent(request);
        } catch (IllegalArgumentException notUtf8) {
            // Bytes that are not UTF-8, or NUL: in Swift they are characters of the WSGI path to
            // tempauth, which authorizes the request, and the proxy answers 412 "Invalid UTF8 or
            // contains NULL". So here: decided on, and the app refuses the path in its own words.
            try {
                path = Berth.pathAsSentLeniently(request);
            } catch (IllegalArgumentException e) {
                PlainResponses.refuse(request, response, HttpServletResponse.SC_BAD_REQUEST,
                        PlainResponses.utf8("Bad request: " + e.getMessage()), null);
                return;
            }
        }
        if (path.startsWith(authPrefix)) {
            tokenRequest(request, response, path.substring(authPrefix.length() - 1));
            return;
        }
        // Swift's split_path(path, 1, 4, True): VERSION, ACCOUNT, then the container and object.
        String[] segments = path.split("/", 4);
        if (segments.length < 3) {
            chain.doFilter(req, res);
            return;
        }
        String version = segments[1];
        String account = segments[2];
        boolean ours = account.startsWith(resellerPrefix);
        // An account with the prefix is ours under any version, as in Swift's tempauth (so that
        // no spelling of the version reaches the app unchecked); under Swift's own versions
        // every account is, since the app behind trusts this stage to have checked them all.
        boolean storage = version.equals("v1") || version.equals("v1.0");
        if (!ours && !(storage && (!account.isEmpty() || segments.length == 4))) {
            chain.doFilter(req, res);
            return;
        }
        authorize(request, response, chain, account, ours, storage,
                segments.length < 4 || segments[3].isEmpty() || segments[3].charAt(0) == '/');
    }

    private void authorize(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
            String account, boolean ours, boolean storage, boolean accountLevel) throws IOException, ServletException {
        String token = request.getHeader("X-Auth-Token");
        if (token == null) {
            token = request.getHeader("X-Storage-Token");
        }
        TempAuthTokens.Session session = null;
        if (token != null && token.startsWith(resellerPrefix)) {
            Memcache cache = (Memcache) request.getAttribute(Memcache.ATTRIBUTE);
            session = cache == null ? tokens.find(token) : cachedTokens.find(cache, token);
            if (session == null) {
                // Swift: a token with our prefix is ours to judge; an unknown or expired one is refused
                // outright, whatever the method.
                LOG.debug("tempauth: 401 for {} {}: unknown or expired token", request.getMethod(), account);
                unauthorized(request, response, account, UNAUTHORIZED);
                return;
            }
        }
        String method = request.getMethod();
        // Swift lets OPTIONS through in its own accounts (a CORS preflight carries no credentials),
        // after refusing accounts without its prefix.
        boolean options = ours && method.equals("OPTIONS");
        if (session == null) {
            if (options) {
                chain.doFilter(request, response);
            } else if (referrerAcls && ours && storage && !accountLevel && (method.equals("GET") || method.equals("HEAD"))) {
                // Swift's tempauth lets an anonymous request for its accounts through with
                // swift.authorize set, and the container's referrer ACL decides (.r:*): that is
                // the app's, as the other ACLs are. Only reads: Swift refuses referrers in write
                // ACLs, so any other anonymous request would be refused there anyway.
                chain.doFilter(new TempAuthRequest(request, null, resellerPrefix), response);
            } else {
                unauthorized(request, response, account, UNAUTHORIZED);
            }
            return;
        }
        TempAuthUser user = session.user();
        request.setAttribute(AccessLogTemplate.ACCESS_USER_ATTRIBUTE, user.id());
        if (options || ours && (allowed(user, account.substring(resellerPrefix.length()), method,
                accountLevel, isBulkDelete(request)) || crossAccountAcls && !accountLevel && isStorage(account))) {
            chain.doFilter(new TempAuthRequest(request, user, resellerPrefix), response);
            return;
        }
        LOG.debug("tempauth: 403 for {} {} {}", user.id(), method, account);
        PlainResponses.refuse(request, response, HttpServletResponse.SC_FORBIDDEN, PlainResponses.utf8(FORBIDDEN),
                null);
    }

    /**
     * Swift's tempauth authorize, less the container ACLs, which are the app's: the account's own
     * users (creating or deleting the account itself is the reseller admin's), reseller admins in
     * any account but the reseller's own ({@code AUTH_}) and the hidden ones ({@code AUTH_.x}),
     * reseller readers there for GET and HEAD. With cross_account_acls, users of other accounts
     * also reach a container or an object there: its ACLs may name them ({@code test2:tester2},
     * {@code test2}), which Swift's tempauth checks when the proxy calls it back with the
     * container's ACL, and the app here (its {@code Acls}). Swift's account ACLs are not supported:
     * another account's user gets no account-level request.
     */
    private static boolean allowed(TempAuthUser user, String account, String method, boolean accountLevel,
            boolean bulkDelete) {
        if (account.equals(user.account())) {
            // A bulk delete deletes what its lines name, not the account: Swift's bulk middleware,
            // before tempauth in its pipeline, takes it and makes each line a DELETE of its own.
            boolean deletesAccount = method.equals("DELETE") && !bulkDelete;
            return !(accountLevel && (method.equals("PUT") || deletesAccount)) || user.isResellerAdmin();
        }
        if (account.isEmpty() || account.charAt(0) == '.') {
            return false;
        }
        return user.isResellerAdmin()
                || user.isResellerReader() && (method.equals("GET") || method.equals("HEAD"));
    }

    /** Not the reseller's own account ({@code AUTH_}) nor a hidden one ({@code AUTH_.x}). */
    private boolean isStorage(String account) {
        String name = account.substring(resellerPrefix.length());
        return !name.isEmpty() && name.charAt(0) != '.';
    }

    /** {@code DELETE ...?bulk-delete}, as Swift's bulk middleware and the objects app read the parameter. */
    private static boolean isBulkDelete(HttpServletRequest request) {
        String query = request.getQueryString();
        if (query == null || !request.getMethod().equals("DELETE")) {
            return false;
        }
        for (String parameter : query.split("&")) {
            int equals = parameter.indexOf('=');
            if ((equals < 0 ? parameter : parameter.substring(0, equals)).equals("bulk-delete")) {
                return true;
            }
        }
        return false;
    }

    /** Swift's handle_request and handle_get_token; {@code rest} is the path after the prefix, from its '/'. */
    private void tokenRequest(HttpServletRequest request, HttpServletResponse response, String rest)
            throws IOException {
        if (!request.getMethod().equals("GET")) {
            PlainResponses.refuse(request, response, HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                    PlainResponses.utf8(NOT_ALLOWED), "GET");
            return;
        }
        String[] segments = rest.split("/", 4);
        if (segments.length < 2 || segments[1].isEmpty()) {
            PlainResponses.refuse(request, response, HttpServletResponse.SC_NOT_FOUND, PlainResponses.utf8(NOT_FOUND),
                    null);
            return;
        }
        String version = segments[1];
        String account;
        String user;
        String key;
        if (version.equals("v1") && segments.length == 4 && segments[3].equals("auth")) {
            // GET /auth/v1/ACCOUNT/auth: X-Storage-User is the bare user, X-Auth-User is ACCOUNT:USER.
            account = segments[2];
            user = request.getHeader("X-Storage-User");
            if (isEmpty(user)) {
                user = request.getHeader("X-Auth-User");
                int colon = isEmpty(user) ? -1 : user.indexOf(':');
                if (colon < 0 || !user.substring(0, colon).equals(account)) {
                    refuseLogin(request, response, account);
                    return;
                }
                user = user.substring(colon + 1);
            }
            key = firstOf(request.getHeader("X-Storage-Pass"), request.getHeader("X-Auth-Key"));
        } else if (version.equals("v1.0") || version.equals("auth")) {
            String accountUser = firstOf(request.getHeader("X-Auth-User"), request.getHeader("X-Storage-User"));
            int colon = accountUser == null ? -1 : accountUser.indexOf(':');
            if (colon < 0) {
                refuseLogin(request, response, "");
                return;
            }
            account = accountUser.substring(0, colon);
            user = accountUser.substring(colon + 1);
            key = firstOf(request.getHeader("X-Auth-Key"), request.getHeader("X-Storage-Pass"));
        } else {
            PlainResponses.refuse(request, response, HttpServletResponse.SC_BAD_REQUEST,
                    PlainResponses.utf8(BAD_REQUEST), null);
            return;
        }
        if (isEmpty(account) || isEmpty(user) || isEmpty(key)) {
            refuseLogin(request, response, account);
            return;
        }
        String id = account + ':' + user;
        request.setAttribute(AccessLogTemplate.ACCESS_USER_ATTRIBUTE, id);
        TempAuthUser known = users.get(id);
        if (!TempAuthUser.matches(known, key)) {
            LOG.debug("tempauth: 401 for a token request as {}: unknown user or wrong key", id);
            refuseLogin(request, response, account);
            return;
        }
        Memcache cache = (Memcache) request.getAttribute(Memcache.ATTRIBUTE);
        TempAuthTokens.Session session;
        if (cache == null) {
            session = tokens.issue(known);
        } else {
            session = cachedTokens.issue(cache, known);
            if (session == null) {
                // Swift's answer when memcache cannot store the token: the client may try again.
                LOG.debug("tempauth: 503 for a token request as {}: memcache did not store the token", id);
                PlainResponses.refuse(request, response, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                        PlainResponses.utf8(NO_CACHE), null);
                return;
            }
            cachedIssued.increment();
        }
        String url = storageUrl(request, known);
        byte[] body = PlainResponses.utf8("{\"storage\": {\"default\": \"local\", \"local\": " + SwiftJson.quote(url) + "}}");
        response.setStatus(HttpServletResponse.SC_OK);
        response.setHeader("X-Auth-Token", session.token());
        response.setHeader("X-Storage-Token", session.token());
        response.setHeader("X-Auth-Token-Expires", Long.toString(tokens.secondsLeft(session)));
        response.setHeader("X-Storage-Url", url);
        // A token is a credential: no cache on the way may keep a copy (Swift does not say so).
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/json;charset=utf-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        LOG.debug("tempauth: token for {}, {} s left", id, tokens.secondsLeft(session));
    }

    /**
     * The user's storage URL: {@code SCHEME://HOST[:PORT]} as the client reached us, the
     * pipeline's path, {@code /v1/AUTH_account}; or the configured one with {@code $HOST} standing
     * for all but the last part. {@code storage_url_scheme} replaces the scheme, for a TLS proxy
     * in front of a plain-HTTP listener.
     */
    private String storageUrl(HttpServletRequest request, TempAuthUser user) {
        StringBuilder host = new StringBuilder();
        String scheme = request.getScheme();
        host.append(scheme).append("://");
        String name = request.getServerName();
        boolean ipv6 = name.indexOf(':') >= 0 && !name.startsWith("[");
        host.append(ipv6 ? "[" + name + "]" : name);
        int port = request.getServerPort();
        if (port > 0 && !(port == 80 && scheme.equals("http")) && !(port == 443 && scheme.equals("https"))) {
            host.append(':').append(port);
        }
        host.append(request.getContextPath());
        String url;
        if (user.storageUrl() == null) {
            StringBuilder built = new StringBuilder(host).append("/v1/").append(resellerPrefix);
            TransactionIds.quote(built, user.account());
            url = built.toString();
        } else {
            url = user.storageUrl().replace("$HOST", host);
        }
        if (storageUrlScheme != null) {
            url = storageUrlScheme + url.substring(url.indexOf(':'));
        }
        return url;
    }

    private static void unauthorized(HttpServletRequest request, HttpServletResponse response, String realm,
            String body) throws IOException {
        StringBuilder header = new StringBuilder("Swift realm=\"");
        if (isEmpty(realm)) {
            header.append("unknown");
        } else {
            TransactionIds.quote(header, realm);
        }
        response.setHeader("Www-Authenticate", header.append('"').toString());
        PlainResponses.refuse(request, response, HttpServletResponse.SC_UNAUTHORIZED, PlainResponses.utf8(body),
                null);
    }

    private static String firstOf(String first, String second) {
        return isEmpty(first) ? second : first;
    }

    private static boolean isEmpty(String value) {
        return value == null || value.isEmpty();
    }

    /** A JSON string: the URL holds the client's Host, which may hold anything a header can. */
    /** Tokens held now, for tests. */
    int tokensHeld() {
        return tokens.held();
    }

    private void refuseLogin(HttpServletRequest request, HttpServletResponse response, String realm)
            throws IOException {
        refusedLogins.increment();
        unauthorized(request, response, realm, BAD_CREDENTIALS);
    }

    @Override
    public List<Measure> measures() {
        return List.of(
                new Measure("tokens_issued", Kind.COUNTER, "New tokens tempauth issued (not a valid token handed out again)",
                        tokens.issued() + cachedIssued.sum()),
                new Measure("tokens_live", Kind.GAUGE, "Tokens tempauth holds in memory that have not expired (not "
                        + "those in memcache, with a cache stage)", tokens.live()),
                new Measure("logins_refused", Kind.COUNTER,
                        "Token requests tempauth answered 401: missing credentials, an unknown user or a wrong key",
                        refusedLogins.sum()));
    }
}
