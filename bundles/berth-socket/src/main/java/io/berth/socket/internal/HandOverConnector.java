package io.berth.socket.internal;

import java.io.IOException;

import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A Jetty {@link ServerConnector} that owns no socket: whoever owns the listening socket accepts
 * and hands each connection over (the listener's {@link Acceptor}, through
 * {@link BerthConnector#take}). So the socket outlives the connector, and a reload or a restart of
 * Felix's Jetty loses nothing queued in the kernel's backlog. Tells its owner when Jetty has
 * started and stopped it.
 * <p>
 * Relies on Felix HTTP and Jetty beyond their documented API, checked against
 * {@code org.apache.felix.http.jetty12} 1.1.8 with Jetty 12.0.32:
 * <ul>
 * <li>Felix's {@code ConnectorFactoryTracker} calls {@code createConnector(server)}, adds the
 *     connector to its {@code Server} and starts it before the service registration returns,
 *     stops and removes it when the service goes, and asks again after Felix restarts Jetty
 *     (see {@link ListenerRuntime.Worker}).</li>
 * <li>{@code ServerConnector.doStart} with no acceptors puts its own accept channel in
 *     non-blocking mode: without a channel it fails. So the connector has one acceptor thread,
 *     whose {@link #accept} only waits until Jetty interrupts it on stop.</li>
 * <li>{@code AbstractNetworkConnector.doStart} calls {@link #open}, which binds nothing here;
 *     {@link #isOpen}, {@link #getTransport} and {@link #getLocalPort} answer for a socket that
 *     is not the connector's.</li>
 * <li>Connections reach the selectors through {@code SelectorManager.accept(SelectableChannel)},
 *     as Jetty's own acceptors hand them over (see {@link BerthConnector}).</li>
 * </ul>
 * An upgrade of Felix HTTP or Jetty should check these: {@code HandOverConnectorTest} pins them
 * on a plain Jetty, the itest {@code ListenersTest} on Felix's.
 */
abstract class HandOverConnector extends ServerConnector {

    private final Runnable onStarted;
    private final Runnable onStopped;

    /**
     * @param onStarted run once Jetty has started the connector (its own state turns STARTED only after)
     * @param onStopped run when Jetty has stopped it, also when stopping failed
     */
    HandOverConnector(Server server, Runnable onStarted, Runnable onStopped, ConnectionFactory... factories) {
        // One acceptor thread, which only waits (see accept): Felix's Jetty expects ServerConnectors,
        // and a ServerConnector without acceptors wants a channel of its own.
        super(server, 1, -1, factories);
        this.onStarted = onStarted;
        this.onStopped = onStopped;
    }

    /** The listener's acceptor accepts; this connector's acceptor thread only waits until the connector stops. */
    @Override
    public void accept(int acceptorID) throws IOException {
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // Jetty interrupts its acceptors to stop them
        }
    }

    /** No socket of its own: the listener's acceptor hands it connections. */
    @Override
    public void open() {
        // nothing to open
    }

    @Override
    public Object getTransport() {
        return null;
    }

    @Override
    public boolean isOpen() {
        return isStarted();
    }

    /** The port of the listener's socket, which this connector serves without owning it. */
    @Override
    public int getLocalPort() {
        return getPort();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        onStarted.run();
    }

    @Override
    protected void doStop() throws Exception {
        try {
            super.doStop();
        } finally {
            onStopped.run();
        }
    }
}
