package io.berth.api;

import java.util.Map;

import jakarta.servlet.Filter;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A kind of middleware stage that pipelines name in their {@code pipeline} list, as a paste.deploy
 * {@code filter_factory} is named in a {@code [pipeline:...]}. Register it as a service with
 * {@link Stage} giving its name. A pipeline calls {@link #create} once for each place it uses the
 * stage, with that place's settings ({@code STAGE.KEY = value} in {@code berth.pipeline-NAME.cfg}).
 */
@ConsumerType
public interface StageFactory {

    /**
     * Builds the stage's filter for one pipeline.
     *
     * @param settings the pipeline's settings for this stage, keys without the {@code STAGE.} prefix
     * @return the filter, not yet initialised
     * @throws IllegalArgumentException when a setting is unknown or invalid; the message starts
     *     with the key ({@code "max_rate: -1 is not a positive number"})
     */
    Filter create(Map<String, String> settings);
}
