package io.berth.socket.internal;

import org.apache.felix.http.jetty.ConnectorFactory;

/** Where a listener's connectors run: Felix's Jetty in OSGi, a plain Jetty server in tests. */
interface ConnectorHost {

    /** Removes what {@link #add} added: its connector stops and leaves the server. */
    interface Handle {
        void remove();
    }

    /** Lets the factory's connector serve on the Jetty server(s) of this host. */
    Handle add(ConnectorFactory factory, String description);
}
