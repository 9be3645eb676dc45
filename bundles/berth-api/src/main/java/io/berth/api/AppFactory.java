package io.berth.api;

import java.util.Map;

import jakarta.servlet.Servlet;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An application pipelines can end with, as a paste.deploy {@code app_factory} ends a
 * {@code [pipeline:...]}. Register it as a service with {@link Stage} giving its name.
 */
@ConsumerType
public interface AppFactory {

    /**
     * Builds the application's servlet for one pipeline.
     *
     * @param settings the pipeline's settings for this app, keys without the {@code APP.} prefix
     * @return the servlet, not yet initialised
     * @throws IllegalArgumentException when a setting is unknown or invalid; the message starts with the key
     */
    Servlet create(Map<String, String> settings);
}
