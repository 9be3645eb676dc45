package io.berth.socket.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.Berth;

/**
 * A Jetty connector for one Berth listener that does not own a socket: the listener's acceptor
 * accepts connections and hands each one to the connector currently serving
 * ({@link #take(SocketChannel)}). So a reload can start a new connector on the same listening
 * socket and drain the old one without the socket ever closing, and nothing queued in the
 * kernel's backlog is lost. Accepted sockets get TCP_NODELAY, SO_KEEPALIVE and TCP_KEEPIDLE as
 * configured ({@link SocketOptions}). Holds the worker's max_clients places, counts connections
 * and requests for the listener's status, and drains ({@link #drain()}).
 * <p>
 * Relies on Jetty beyond its documented API, checked against Jetty 12.0.32 (in
 * {@code org.apache.felix.http.jetty12} 1.1.8); what a connector without a socket needs is in
 * {@link HandOverConnector}:
 * <ul>
 * <li>A connection handed over enters Jetty through {@code SelectorManager.accept(channel)};
 *     {@code SelectorManager.AcceptListener#onAcceptFailed} reports one that never reached a
 *     selector, and {@code onEndPointOpened} (a {@code SocketChannelEndPoint} over the same
 *     channel) one that did: in between it is {@code arriving}, and a drain waits for it.</li>
 * <li>{@code onEndPointOpened} and {@code onEndPointClosed} see every connection open and close
 *     exactly once, so the map of connections keyed by {@link EndPoint} has its removal path
 *     ({@code ConnectionLeakJettyTest} counts what is left after many).</li>
 * <li>{@code isShutdown()}: Felix stops its Jetty with a stop timeout
 *     ({@code Server.setStopTimeout}), so Jetty shuts connectors down gracefully before stopping
 *     them; one shut down takes no more connections and the acceptor waits for its successor.</li>
 * <li>The request path: the connector's {@code HttpConfiguration.Customizer} (added last by
 *     {@link Connectors}) runs before the request is handled; {@code Request.addHttpStreamWrapper}
 *     wraps the request's {@code HttpStream}, whose {@code send} sees the status sent and whose
 *     {@code succeeded}/{@code failed} end the request (the {@code Counted} stream and
 *     {@link TimedStream}); the request's endpoint is unwrapped through {@code EndPoint.Wrapper}
 *     (TLS and PROXY protocol) to the socket's own, which is the map's key and the closeable
 *     connection handed to the pipelines as {@link Berth#CONNECTION_ATTRIBUTE}.</li>
 * <li>{@code EndPoint.setIdleTimeout} on a connection between requests makes Jetty close it
 *     once idle that long, and never with a request under way: how a drain closes idle
 *     keep-alive connections without racing a client's next request.</li>
 * </ul>
 * {@code ListenerJettyTest}, {@code ReloadJettyTest}, {@code WorkersJettyTest} and
 * {@code ConnectionLeakJettyTest} pin these on a plain Jetty; the itest {@code ListenersTest} on
 * Felix's.
 */
final class BerthConnector extends HandOverConnector {

    private static final Logger LOG = LoggerFactory.getLogger(BerthConnector.class);

    /** How long a keep-alive connection must have been idle before a drain closes it. */
    static final long DRAIN_IDLE_MS = 2000;

    final ListenerSettings settings;

    final AtomicLong inFlight = new AtomicLong();
    /**
     * Places under max_clients held by new connections that have not sent their first request:
     * so a burst of new connections cannot overshoot the bound (the acceptor decides before their
     * requests arrive). A place is held for {@link #FIRST_REQUEST_HOLD_MS} at most, so that
     * connections that say nothing, or trickle their head in, cannot hold the worker's places.
     */
    private final AtomicLong fresh = new AtomicLong();
    /** Told when a place under max_clients frees up: the acceptor waiting for one. */
    private volatile Runnable onRoom;
    /** Connections taken but not yet registered by a selector: a drain must wait for them too. */
    private final Set<SelectableChannel> arriving = ConcurrentHashMap.newKeySet();
    /**
     * Every open connection, with how many requests are in flight on it now (HTTP/1.1 has one
     * at a time): zero between requests; {@link #HOLDS_PLACE} or {@link #NO_PLACE} before its
     * first request, which the drain leaves alone (its first response will close it).
     * Removed when the connection closes.
     */
    private final Map<EndPoint, Integer> requestsOn = new ConcurrentHashMap<>();
    private static final int HOLDS_PLACE = -1;
    private static final int NO_PLACE = -2;
    /** How long a new connection holds its place under max_clients waiting for its first request. */
    static final long FIRST_REQUEST_HOLD_MS = 1000;
    final LongAdder requests = new LongAdder();
    final LongAdder errors = new LongAdder();
    private volatile boolean draining;

    /** The listener's totals, across connectors and reloads. */
    private final ListenerTotals listener;

    BerthConnector(Server server, ListenerSettings settings, ListenerTotals listener,
            Runnable onStarted, Runnable onStopped, ConnectionFactory... factories) {
        super(server, onStarted, onStopped, factories);
        this.settings = settings;
        this.listener = listener;
        setName("berth-" + settings.name);
        setHost(settings.address.getHostAddress());
        setPort(settings.port);
        setIdleTimeout(settings.clientTimeout.toMillis());
        getSelectorManager().addEventListener(new SelectorManager.AcceptListener() {
            @Override
            public void onAcceptFailed(SelectableChannel channel, Throwable cause) {
                arriving.remove(channel);
                freed(fresh);
            }
        });
    }

    /**
     * Serves a connection the listener accepted.
     *
     * @return false if this connector is stopping: the connection is still the caller's
     */
    boolean take(SocketChannel channel) throws IOException {
        if (!isRunning() || isShutdown() || !getSelectorManager().isRunning()) {
            // Stopping, or shutting down gracefully while Felix restarts Jetty: the connection
            // waits for the next connector.
            return false;
        }
        channel.configureBlocking(false);
        SocketOptions.apply(channel, settings);
        fresh.incrementAndGet();
        arriving.add(channel);
        getSelectorManager().accept(channel);
        listener.accepted.increment();
        return true;
    }

    /** Requests in flight on this connector now. */
    long inFlight() {
        return inFlight.get();
    }

    /**
     * From now on every request's response closes its connection ({@code Connection: close}),
     * and connections between requests are closed once idle; requests in flight run to their end.
     */
    void drain() {
        draining = true;
        long idleTimeout = Math.min(DRAIN_IDLE_MS, getIdleTimeout());
        for (EndPoint endPoint : getConnectedEndPoints()) {
            Connection connection = endPoint.getConnection();
            if (connection != null && requestsOn.getOrDefault(endPoint, -1) == 0
                    && endPoint.getIdleTimeout() != idleTimeout) {
                // Between requests: Jetty closes it once it has been idle this long, and never with
                // a request under way. A client still using it gets its next response with
                // Connection: close first; closing sooner would race the client's next request.
                endPoint.setIdleTimeout(idleTimeout);
            }
        }
    }

    /**
     * Counts a request in and, when it completes, out. Called by the connector's customizer
     * before the request is handled.
     */
    void requestStarted(Request request, HttpFields.Mutable responseHeaders) {
        EndPoint endPoint = socketEndPoint(request.getConnectionMetaData().getConnection().getEndPoint());
        while (true) {
            Integer before = requestsOn.get(endPoint);
            if (before == null) {
                // Closed between its parse and here: onEndPointClosed has run already.
                inFlight.incrementAndGet();
                break;
            }
            if (before == HOLDS_PLACE) {
                // Its first request takes the place its connection held since it was accepted.
                if (requestsOn.replace(endPoint, before, 1)) {
                    inFlight.incrementAndGet();
                    fresh.decrementAndGet();
                    break;
                }
                continue;
            }
            if (full()) {
                count(true);
                listener.refused.increment();
                listener.answered(HttpStatus.SERVICE_UNAVAILABLE_503);
                // One more request on a keep-alive connection (or a first one that came late):
                // eventlet's connection would still hold its green thread; Berth's idle ones hold
                // no place, so this one finds none. Answered at once, so that nothing hangs.
                throw new HttpException.RuntimeException(HttpStatus.SERVICE_UNAVAILABLE_503, "Server busy: max_clients reached");
            }
            if (requestsOn.replace(endPoint, before, before < 0 ? 1 : before + 1)) {
                inFlight.incrementAndGet();
                break;
            }
        }
        if (draining) {
            // Its response closes the connection: the client's next request goes to the new
            // connector. (Jetty's own shutdown flag would also close connections whose response
            // was committed before the drain, without telling the client: its next request would
            // find the connection gone.)
            responseHeaders.put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
            // It may have arrived on a connection drain() had marked idle: give it the usual timeout back.
            endPoint.setIdleTimeout(getIdleTimeout());
        }
        request.setAttribute(Berth.LISTENER_ATTRIBUTE, settings.name);
        // The socket's endpoint is Closeable: closing it ends the connection without a response.
        request.setAttribute(Berth.CONNECTION_ATTRIBUTE, endPoint);
        if (listener.outOfService) {
            request.setAttribute(Berth.DRAINING_ATTRIBUTE, Boolean.TRUE);
        }
        count(false);
        // Inside request_timeout's stream, so that its 503 is the status counted.
        request.addHttpStreamWrapper(stream -> new Counted(stream, endPoint));
        if (!settings.requestTimeout.isZero()) {
            limit(request);
        }
    }

    /**
     * A request's stream, counted out when it completes, by the status it was answered with. In
     * place of a completion listener (which Jetty makes a stream wrapper too), because only the
     * stream sees the status sent: one object per request as before, no lock.
     */
    private final class Counted extends HttpStream.Wrapper {

        private final EndPoint endPoint;
        /** The final status sent; written and read on the request's own path, which Jetty orders. */
        private int status;

        Counted(HttpStream wrapped, EndPoint endPoint) {
            super(wrapped);
            this.endPoint = endPoint;
        }

        @Override
        public void send(MetaData.Request request, MetaData.Response response, boolean last, ByteBuffer content,
                Callback callback) {
            // A 100 Continue comes before the answer: the answer's status is the one counted.
            if (response != null && !HttpStatus.isInterim(response.getStatus())) {
                status = response.getStatus();
            }
            super.send(request, response, last, content, callback);
        }

        @Override
        public void succeeded() {
            try {
                completed(null);
            } finally {
                super.succeeded();
            }
        }

        @Override
        public void failed(Throwable failure) {
            try {
                completed(failure);
            } finally {
                super.failed(failure);
            }
        }

        private void completed(Throwable failure) {
            requestsOn.computeIfPresent(endPoint, (key, count) -> count - 1);
            freed(inFlight);
            listener.answered(status);
            if (failure != null) {
                errors.increment();
                listener.errors.increment();
            }
        }
    }

    /** One more request for this connector and for its listener's totals; a failed one counts as an error too. */
    private void count(boolean failed) {
        requests.increment();
        listener.requests.increment();
        if (failed) {
            errors.increment();
            listener.errors.increment();
        }
    }

    /** Arms request_timeout for this request; its stream cancels the timer when the request completes. */
    private void limit(Request request) {
        TimedStream[] stream = new TimedStream[1];
        request.addHttpStreamWrapper(wrapped -> stream[0] = new TimedStream(wrapped));
        stream[0].cancelsOnCompletion(getScheduler().schedule(() -> {
            Object transId = request.getAttribute(Berth.TRANS_ID_ATTRIBUTE);
            boolean answered = stream[0] != null && stream[0].expire(transId instanceof String ? (String) transId : null);
            LOG.warn("Berth listener {}: request ran past request_timeout ({} s): transaction {}, {} {}, client {}: {}",
                    settings.name, ListenerSettings.format(settings.requestTimeout.toMillis() / 1000.0),
                    transId == null ? "-" : transId, request.getMethod(), request.getHttpURI().getPath(),
                    Request.getRemoteAddr(request),
                    answered ? "answered 503" : "its response had begun, left to finish");
        }, settings.requestTimeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    /** The socket's own endpoint, under TLS and PROXY protocol wrappers. */
    private static EndPoint socketEndPoint(EndPoint endPoint) {
        EndPoint current = endPoint;
        while (current instanceof EndPoint.Wrapper) {
            current = ((EndPoint.Wrapper) current).unwrap();
        }
        return current;
    }

    /**
     * Whether max_clients places are taken: by requests in flight, and by new connections whose
     * first request has not arrived.
     */
    boolean full() {
        return inFlight.get() + fresh.get() >= settings.maxClients;
    }

    /** Calls {@code room} (once at a time) whenever a place under max_clients frees up. */
    void onRoom(Runnable room) {
        this.onRoom = room;
    }

    private void freed(AtomicLong places) {
        places.decrementAndGet();
        Runnable room = onRoom;
        if (room != null) {
            room.run();
        }
    }

    /** Whether every connection is closed (drained), those still on their way to a selector included. */
    boolean idle() {
        return arriving.isEmpty() && getConnectedEndPoints().isEmpty();
    }

    @Override
    protected void onEndPointOpened(EndPoint endPoint) {
        super.onEndPointOpened(endPoint);
        requestsOn.put(endPoint, HOLDS_PLACE);
        getScheduler().schedule(() -> {
            if (requestsOn.replace(endPoint, HOLDS_PLACE, NO_PLACE)) {
                freed(fresh);
            }
        }, FIRST_REQUEST_HOLD_MS, TimeUnit.MILLISECONDS);
        if (endPoint instanceof SocketChannelEndPoint) {
            arriving.remove(((SocketChannelEndPoint) endPoint).getChannel());
        }
    }

    /** A closed connection leaves nothing behind: its entry would keep its whole Jetty state alive. */
    @Override
    protected void onEndPointClosed(EndPoint endPoint) {
        Integer last = requestsOn.remove(endPoint);
        if (last != null && last == HOLDS_PLACE) {
            // Closed before its first request: the place it held is free.
            freed(fresh);
        }
        super.onEndPointClosed(endPoint);
    }
}
