package io.berth.middleware.internal;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import jakarta.servlet.Filter;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.berth.api.Stage;
import io.berth.api.StageFactory;
import io.berth.api.StageSettings;

/**
 * Swift's {@code tempauth} as a pipeline stage: users in the pipeline's settings
 * ({@code tempauth.user_test_tester = testing .admin}), tokens in memory, or in memcache when a
 * {@code cache} stage comes first ({@link TempAuthCachedTokens}).
 *
 * <h2>What the app behind it is promised</h2>
 * A request for a storage account ({@code /v1/AUTH_test/...}, or any {@code /VERSION/AUTH_...})
 * reaches the app only
 * <ul>
 * <li>with a valid {@code X-Auth-Token} (or {@code X-Storage-Token}) of a user of that account
 * (creating or deleting the account itself, {@code PUT} or {@code DELETE} without a container,
 * only for {@code .reseller_admin}; a bulk delete, {@code DELETE ?bulk-delete}, deletes what its
 * lines name, each judged by the app as its own {@code DELETE}, and is not that),</li>
 * <li>or of a {@code .reseller_admin} user (any account but {@code AUTH_} itself and
 * {@code AUTH_.hidden} ones), or of a {@code .reseller_reader} user for {@code GET} and
 * {@code HEAD},</li>
 * <li>or, with {@code cross_account_acls = true}, for a container or an object
 * ({@code /v1/AUTH_test/c...}, not the account itself), of a user of another account (again not {@code AUTH_} nor {@code AUTH_.hidden}): the container's
 * ACLs may name that user, and the app decides, as Swift's proxy asks tempauth with the
 * container's ACL. Such a user owns nothing there: {@code isUserInRole("AUTH_test")} is false,
 * whatever its groups,</li>
 * <li>or as an {@code OPTIONS} request (a CORS preflight), with or without a token,</li>
 * <li>or, with {@code referrer_acls = true}, as an anonymous {@code GET} or {@code HEAD} of a container or an object under {@code /v1/} or
 * {@code /v1.0/} of an account with the prefix, without a token (or with one not of this prefix): as
 * in Swift, the app decides by the container's referrer ACL ({@code .r:*}) and answers {@code 401}
 * where it grants nothing. Such a request has no user ({@code getRemoteUser()} is {@code null})
 * and {@code getAuthType()} {@code tempauth}: an app behind tempauth must tell it from a user's.</li>
 * </ul>
 * Under {@code /v1/} and {@code /v1.0/}, accounts without the prefix are refused ({@code 401}
 * without a valid token, {@code 403} with one). Such requests carry the identity of the token's
 * user: {@code getRemoteUser()} is {@code account:user}, {@code getUserPrincipal()} a principal of
 * that name, {@code getAuthType()} {@code tempauth}, and {@code isUserInRole(r)} is true for the
 * account ({@code test}), {@code account:user}, each of the user's configured groups
 * ({@code .admin}, {@code .reseller_admin}, {@code .reseller_reader}, others), and, for an
 * {@code .admin}, the storage account it owns ({@code AUTH_test}, or the one its storage URL
 * names): Swift's user groups, which its ACLs name. An unauthenticated
 * {@code OPTIONS} carries none ({@code getRemoteUser()} is {@code null}).
 *
 * <p>What tempauth does not decide is the app's: whether a user who does not own the account
 * may read or write a container (Swift's container ACLs, {@code X-Container-Read} and
 * {@code X-Container-Write}, matched against the roles above), and whether a request is an
 * account owner's ({@code isUserInRole} of the path's account, or {@code .reseller_admin}; an
 * {@code .admin} of another account is not). Other paths
 * ({@code /healthcheck}, {@code /info}) pass untouched, token or not.
 */
@Component(service = StageFactory.class)
@Stage(TempAuthStage.NAME)
public final class TempAuthStage implements StageFactory {

    static final String NAME = "tempauth";

    @ObjectClassDefinition(id = "berth.stage.tempauth", name = "Berth tempauth stage",
            description = "Swift's tempauth: issues tokens at auth_prefix (GET /auth/v1.0 with X-Auth-User: "
                    + "ACCOUNT:USER and X-Auth-Key: KEY), and lets requests for accounts PREFIX_ACCOUNT "
                    + "(/v1/AUTH_test/...) through only with a valid X-Auth-Token of that account's user or of "
                    + "a reseller admin. Users are settings of their own, one per user, as Swift writes them: "
                    + "user_ACCOUNT_USER = KEY [GROUP ...] [STORAGE_URL], e.g. user_test_tester = testing .admin; "
                    + "groups .admin (owns its account), .reseller_admin (every account), .reseller_reader "
                    + "(reads every account) or any name for ACLs. No users: every token request gets 401. "
                    + "Tokens live in memory (they end when the pipeline is rebuilt) unless a cache stage comes "
                    + "before this one: then in memcache, under Swift's keys (AUTH_/token/..., AUTH_/user/...), "
                    + "valid on every node and Swift proxy sharing it; with memcache unreachable, tokens cannot "
                    + "be checked (401, the client logs in again) nor issued (503).")
    public @interface Config {

        @AttributeDefinition(name = "Reseller prefix",
                description = "Accounts and tokens this stage owns start with it and '_' (added if missing): "
                        + "AUTH gives AUTH_test and AUTH_tk... tokens. One prefix. Default AUTH.")
        String reseller__prefix() default "AUTH";

        @AttributeDefinition(name = "Auth prefix",
                description = "The path (inside the pipeline) under which tokens are issued: PREFIX/v1.0, "
                        + "PREFIX/auth and PREFIX/v1/ACCOUNT/auth. '/' added at both ends if missing. "
                        + "Default /auth/.")
        String auth__prefix() default "/auth/";

        @AttributeDefinition(name = "Token life",
                description = "Seconds a token is valid after it is issued; asking again meanwhile gives "
                        + "the same token. Greater than 0. Default 86400 (a day).")
        int token__life() default 86400;

        @AttributeDefinition(name = "Storage URL scheme",
                description = "Scheme of the X-Storage-Url handed out: default (the request's own), or "
                        + "http or https (for a TLS proxy in front of a plain-HTTP listener). Default default.")
        String storage__url__scheme() default "default";

        @AttributeDefinition(name = "Referrer ACLs",
                description = "true: an anonymous GET or HEAD of a container or an object in this stage's accounts "
                        + "(no token, or one of another auth) reaches the app without a user, as in Swift, and the "
                        + "app decides by the container's referrer ACL (.r:*, .rlistings) and answers 401 where it "
                        + "grants nothing. Only for an app that applies them (objects): any other would serve such "
                        + "requests. Default false: they get 401 here.")
        boolean referrer__acls() default false;

        @AttributeDefinition(name = "Other accounts' users",
                description = "true: a user of another account reaches the app for a container or an object of this "
                        + "account (never the account itself), as in Swift, where the container's ACLs may name them "
                        + "(X-Container-Read: test2:tester2); the app decides, and a user owns only the account whose "
                        + "storage account is among its roles. Only for an app that applies container ACLs (objects): "
                        + "any other would serve such requests. Default false: they get 403 here.")
        boolean cross__account__acls() default false;
    }

    @Override
    public Filter create(Map<String, String> settings) {
        Map<String, String> users = new TreeMap<>();
        Map<String, String> others = new HashMap<>();
        for (Map.Entry<String, String> setting : settings.entrySet()) {
            String key = setting.getKey();
            if (key.startsWith(TempAuthUser.PREFIX)) {
                users.put(key, setting.getValue());
            } else if (key.startsWith("user64_")) {
                // Its value would not be masked in the effective configuration, which masks user_ lines.
                throw new IllegalArgumentException(key + ": Swift's base64 user lines are not supported; write "
                        + "user_ACCOUNT_USER (account and user without '_')");
            } else {
                others.put(key, setting.getValue());
            }
        }
        return new TempAuthFilter(StageSettings.of(Config.class, NAME, others), users, System::nanoTime,
                new SecureRandom());
    }
}
