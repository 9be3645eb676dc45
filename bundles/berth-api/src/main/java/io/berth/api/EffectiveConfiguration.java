package io.berth.api;

import java.util.List;
import java.util.Locale;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The effective configuration of Berth's listeners and pipelines, as logged at start (oslo's
 * {@code log_opt_values}), secrets masked.
 */
@ProviderType
public interface EffectiveConfiguration {

    /** What a secret's value is shown as. */
    String MASK = "****";

    /**
     * Whether a setting's value must not be shown or logged: its key names a key, password,
     * token, secret, salt or credential, or it is a tempauth user line
     * ({@code user_ACCOUNT_USER = KEY [groups]}), whose value holds a key.
     *
     * @param key a setting's key, with or without its {@code STAGE.} or {@code NAME.} prefix
     * @return whether to show {@link #MASK} instead of its value
     */
    static boolean secret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        String setting = lower.substring(lower.lastIndexOf('.') + 1);
        return List.of("key", "password", "token", "secret", "salt", "credential").stream().anyMatch(lower::contains)
                || setting.startsWith("user_");
    }

    /**
     * @param name a configuration's name ({@code berth.listener-main}, {@code berth.pipeline-api}),
     *     or {@code null} for all
     * @return one {@code NAME.KEY = value} line per setting, secrets shown as {@code ****}
     * @throws IllegalArgumentException when no configuration has that name (the message lists those that exist)
     */
    List<String> lines(String name);
}
