package io.berth.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The supervisor: reloads listeners on request (the shell, SIGHUP), the way Swift's parent
 * process does on SIGUSR1, without a refused connection or a failed request.
 */
@ProviderType
public interface Supervisor {

    /**
     * Reloads every listener seamlessly.
     *
     * @return the names of the listeners reloaded
     */
    List<String> reloadAll();

    /**
     * Reloads one listener seamlessly.
     *
     * @param listener the listener's name
     * @throws IllegalArgumentException when no listener has that name (the message lists those that exist)
     */
    void reload(String listener);
}
