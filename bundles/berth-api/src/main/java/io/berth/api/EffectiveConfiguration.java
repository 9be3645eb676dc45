package io.berth.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The effective configuration of Berth's listeners and pipelines, as logged at start (oslo's
 * {@code log_opt_values}), secrets masked.
 */
@ProviderType
public interface EffectiveConfiguration {

    /**
     * @param name a configuration's name ({@code berth.listener-main}, {@code berth.pipeline-api}),
     *     or {@code null} for all
     * @return one {@code NAME.KEY = value} line per setting, secrets shown as {@code ****}
     * @throws IllegalArgumentException when no configuration has that name (the message lists those that exist)
     */
    List<String> lines(String name);
}
