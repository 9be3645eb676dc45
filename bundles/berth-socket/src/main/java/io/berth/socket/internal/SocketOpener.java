package io.berth.socket.internal;

import java.io.IOException;

/**
 * Binds one of a listener's sockets and gives it an acceptor, not started: {@link Binder} and the
 * listener's readiness in {@link ListenerRuntime}, whatever a test needs in tests.
 */
@FunctionalInterface
interface SocketOpener {

    /**
     * @param name the acceptor's name: the listener's, with the worker's index when it has workers
     * @throws Binder.BindTimeoutException when the address stayed in use for bind_timeout
     * @throws InterruptedException when the listener was reloaded or stopped while waiting for the port
     */
    Acceptor open(String name, ListenerSettings settings) throws IOException, InterruptedException;
}
