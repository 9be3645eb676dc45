package io.berth.socket.internal;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts connections on a listener's socket and hands each to the connector serving now. The
 * socket outlives connectors: a reload points the acceptor at a new connector, and while there
 * is none (Felix restarting Jetty) the acceptor waits and the kernel's backlog holds new
 * connections instead of refusing them.
 * <p>
 * The socket hand-over relies on Linux and on Jetty, checked against JDK 17 on Linux and Jetty
 * 12.0.32: connections wait in the kernel's accept queue, up to {@code backlog}, while nobody
 * accepts, and closing a listening socket resets those still queued on it (so a reload that
 * keeps the sockets hands them over instead of closing them, see {@link SocketPlan}); a
 * connection accepted here by a blocking accept serves once it is non-blocking and registered
 * with a connector's selector ({@link BerthConnector#take}, {@link HandOverConnector}); a
 * connector that Felix's Jetty stops or shuts down refuses it, and the acceptor hands it to the
 * next.
 */
final class Acceptor implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Acceptor.class);

    final ServerSocketChannel channel;
    final String name;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition serving = lock.newCondition();
    private final Thread thread;
    private BerthConnector target;
    private volatile boolean stopped;
    /** Waiting because its connector is at max_clients: a place freed up wakes it at once. */
    private volatile boolean waitingForRoom;
    private Runnable onDeath = () -> { };

    /** Whether the application behind the connectors is ready (Felix's whiteboard registered its servlets). */
    private final BooleanSupplier ready;

    Acceptor(String name, ServerSocketChannel channel, BooleanSupplier ready) {
        this.name = name;
        this.channel = channel;
        this.ready = ready;
        this.thread = new Thread(this, "berth-acceptor-" + name);
        this.thread.setDaemon(true);
    }

    /** @param onDeath called if the socket dies while nobody stopped it */
    void start(Runnable onDeath) {
        this.onDeath = onDeath;
        thread.start();
    }

    /** From now on, new connections go to {@code connector}. */
    void serveWith(BerthConnector connector) {
        connector.onRoom(this::room);
        lock.lock();
        try {
            target = connector;
            serving.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A place under max_clients freed up: one volatile read unless the acceptor waits for it. */
    private void room() {
        if (waitingForRoom) {
            lock.lock();
            try {
                serving.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** New connections wait in the backlog unless another connector takes over. */
    void release(BerthConnector connector) {
        lock.lock();
        try {
            if (target == connector) {
                target = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Closes the socket: connections still in the backlog are refused by the kernel. */
    void stop() throws InterruptedException {
        stopped = true;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("Closing the socket of listener {} failed", name, e);
        }
        lock.lock();
        try {
            serving.signalAll();
        } finally {
            lock.unlock();
        }
        thread.join(TimeUnit.SECONDS.toMillis(5));
    }

    void stopQuietly() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        while (!stopped) {
            BerthConnector connector = awaitConnector();
            if (connector == null) {
                return;
            }
            SocketChannel accepted;
            try {
                accepted = channel.accept();
            } catch (ClosedChannelException e) {
                if (!stopped) {
                    onDeath.run();
                }
                return;
            } catch (IOException e) {
                // EMFILE and the like: keep the listener alive, and do not spin.
                LOG.warn("Listener {} could not accept a connection: {}", name, e.toString());
                pause();
                continue;
            }
            hand(accepted);
        }
    }

    private BerthConnector awaitConnector() {
        lock.lock();
        try {
            // eventlet's GreenPool: at max_clients (requests in flight and new connections yet to
            // send one), stop accepting; new connections wait in the kernel's backlog until a
            // place frees up. Set before the check, so a place freed after it signals.
            waitingForRoom = true;
            while (!stopped && (target == null || !target.isStarted() || target.full() || !ready.getAsBoolean())) {
                serving.await(100, TimeUnit.MILLISECONDS);
            }
            return stopped ? null : target;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            waitingForRoom = false;
            lock.unlock();
        }
    }

    /**
     * Gives the connection to the connector serving now, which may have changed while accept()
     * blocked; if that one stops before it takes the connection, to its successor.
     */
    private void hand(SocketChannel accepted) {
        while (true) {
            BerthConnector connector = awaitConnector();
            if (connector == null) {
                close(accepted);
                return;
            }
            try {
                if (connector.take(accepted)) {
                    return;
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("Listener {} lost a connection as it was accepted", name, e);
                close(accepted);
                return;
            }
            release(connector);
        }
    }

    private static void close(SocketChannel accepted) {
        try {
            accepted.close();
        } catch (IOException ignored) {
            // closing a connection nobody will serve
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
