package io.berth.socket.internal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;

/**
 * HTTP/1.1 connections whose request head (request line and headers) must arrive whole within
 * {@code header_timeout} of its first byte, else 408 and the connection closes. Jetty's idle
 * timeout ({@code client_timeout}) restarts with every byte, so a client sending one byte a
 * second would otherwise hold its connection for ever (slowloris).
 * <p>
 * While a head is under way the endpoint's idle timeout is shortened to what is left of the
 * bound, so Jetty's own idle check fires at the deadline; no timer of its own, and nothing
 * at all for a head that arrives in one read, which is nearly every one.
 * <p>
 * Relies on Jetty internals, checked against Jetty 12.0.32 (Felix HTTP Jetty 12 1.1.8, which
 * exports {@code org.eclipse.jetty.server.internal}): {@link HttpConnection#newHttpParser} is
 * called from HttpConnection's constructor, and {@link HttpConnection#onIdleExpired} closes a
 * connection without a request silently.
 */
final class HeadTimedConnectionFactory extends HttpConnectionFactory {

    private final long headTimeoutMs;
    private final long clientTimeoutMs;

    HeadTimedConnectionFactory(HttpConfiguration config, Duration headerTimeout, Duration clientTimeout) {
        super(config);
        this.headTimeoutMs = headerTimeout.toMillis();
        this.clientTimeoutMs = clientTimeout.toMillis();
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        HeadTimedConnection connection = new HeadTimedConnection(getHttpConfiguration(), connector, endPoint);
        connection.setUseInputDirectByteBuffers(isUseInputDirectByteBuffers());
        connection.setUseOutputDirectByteBuffers(isUseOutputDirectByteBuffers());
        return configure(connection, connector, endPoint);
    }

    private final class HeadTimedConnection extends HttpConnection {

        /** When the head under way must be complete (System.nanoTime()); 0: no head under way. */
        private volatile long deadline;

        HeadTimedConnection(HttpConfiguration config, Connector connector, EndPoint endPoint) {
            super(config, connector, endPoint);
        }

        @Override
        protected HttpParser newHttpParser(HttpCompliance compliance) {
            // Called by the constructor: only what the superclass made is there yet.
            HttpParser jettys = super.newHttpParser(compliance);
            HttpParser parser = new HttpParser((HttpParser.RequestHandler) jettys.getHandler(),
                    getHttpConfiguration().getRequestHeaderSize(), compliance) {
                @Override
                public boolean parseNext(ByteBuffer buffer) {
                    boolean handle = super.parseNext(buffer);
                    parsed(this);
                    return handle;
                }
            };
            parser.setHeaderCacheSize(jettys.getHeaderCacheSize());
            parser.setHeaderCacheCaseSensitive(jettys.isHeaderCacheCaseSensitive());
            return parser;
        }

        private void parsed(HttpParser parser) {
            boolean headUnderWay = parser.inHeaderState() && !parser.isStart();
            long now = System.nanoTime();
            if (headUnderWay) {
                if (deadline == 0) {
                    deadline = now + headTimeoutMs * 1_000_000;
                }
                long left = Math.max(1, (deadline - now) / 1_000_000);
                getEndPoint().setIdleTimeout(Math.min(left, clientTimeoutMs));
            } else if (deadline != 0) {
                deadline = 0;
                getEndPoint().setIdleTimeout(clientTimeoutMs);
            }
        }

        @Override
        public boolean onIdleExpired(TimeoutException timeout) {
            long due = deadline;
            if (due != 0 && getHttpChannel().getRequest() == null) {
                // A head under way: the idle timeout was what was left of header_timeout (it may
                // fire a little early: under TLS the idle clock starts when the bytes arrive, the
                // parse comes after), or client_timeout if that is shorter.
                deadline = 0;
                boolean headerTimeout = headTimeoutMs <= clientTimeoutMs;
                EndPoint endPoint = getEndPoint();
                endPoint.write(Callback.from(endPoint::close, failure -> endPoint.close()),
                        ListenerErrors.closingResponse(HttpStatus.REQUEST_TIMEOUT_408, headerTimeout
                                ? "the request's head did not arrive within header_timeout ("
                                        + ListenerSettings.format(headTimeoutMs / 1000.0) + " s)"
                                : "the connection was idle for client_timeout ("
                                        + ListenerSettings.format(clientTimeoutMs / 1000.0) + " s) in the middle of a request's head"));
                return false;
            }
            return super.onIdleExpired(timeout);
        }
    }
}
