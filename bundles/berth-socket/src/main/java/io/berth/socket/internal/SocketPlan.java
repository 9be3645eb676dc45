package io.berth.socket.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * How a new generation of a listener gets its listening sockets from the one it replaces, so that
 * no client sees a refused connection. Decided by comparing the two generations' settings.
 */
enum SocketPlan {

    /**
     * New sockets, bound while the old ones (if any) still listen: the first generation, another
     * address or port, or both generations sharing the port (SO_REUSEPORT). The old sockets close
     * when their generation drains.
     */
    BIND_BESIDE,

    /**
     * Same address and port, and the old and new sockets cannot share it: the old ones close
     * first, then the new ones bind; connections arriving in between (a few milliseconds) are
     * refused by the kernel.
     */
    CLOSE_FIRST,

    /**
     * The same sockets (address, port, backlog, port sharing and worker count): each new worker
     * takes over the listening socket of the old one, which never closes.
     */
    TAKE_OVER;

    /** @param before the settings of the generation being replaced; null: none */
    static SocketPlan of(ListenerSettings before, ListenerSettings next) {
        if (before == null) {
            return BIND_BESIDE;
        }
        if (before.sameSocket(next)) {
            return TAKE_OVER;
        }
        if (before.socketAddress().equals(next.socketAddress()) && !(before.sharesPort() && next.sharesPort())) {
            return CLOSE_FIRST;
        }
        return BIND_BESIDE;
    }

    /**
     * The new generation's acceptors, in worker order, not started: taken over from
     * {@code before}, or bound (after closing {@code before}'s sockets, for {@link #CLOSE_FIRST}).
     * If binding fails, the sockets bound so far are closed again.
     *
     * @param listener the listener's name, which the acceptors are named after
     * @param before the generation being replaced; null only for {@link #BIND_BESIDE}
     */
    List<Acceptor> acceptors(String listener, Generation before, ListenerSettings next, SocketOpener opener)
            throws IOException, InterruptedException {
        if (this == TAKE_OVER) {
            return before.acceptors();
        }
        if (this == CLOSE_FIRST) {
            before.stopAccepting();
        }
        List<Acceptor> bound = new ArrayList<>();
        try {
            for (int i = 0; i < next.sockets(); i++) {
                bound.add(opener.open(listener + (next.workers > 0 ? "-" + i : ""), next));
            }
            return bound;
        } catch (IOException | InterruptedException | RuntimeException e) {
            release(bound);
            throw e;
        }
    }

    /** The generation these acceptors were for will not serve: closes those this plan bound, not those taken over. */
    void release(List<Acceptor> acceptors) {
        if (this != TAKE_OVER) {
            for (Acceptor acceptor : acceptors) {
                acceptor.stopQuietly();
            }
        }
    }
}
