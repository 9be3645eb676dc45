package io.berth.socket.internal;


import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ProxyConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.SslConnectionFactory;

import io.berth.api.InvalidSettingException;

/**
 * Builds the Jetty connector a listener's settings describe: its connection factories (PROXY
 * protocol, TLS, HTTP/1.1 with or without header_timeout) and the customizers that hold each
 * request to the listener's limits before the connector counts it.
 * <p>
 * Relies on Jetty, checked against Jetty 12.0.32 (in {@code org.apache.felix.http.jetty12}
 * 1.1.8): customizers run in the order they were added, before the request is handled, so the
 * limits' refusals come before {@link BerthConnector#requestStarted}, which is added last; an
 * {@code HttpException} thrown by a customizer is answered with its status through the server's
 * error handler ({@link BerthErrorHandler}). {@code ListenerJettyTest} pins both.
 */
final class Connectors {

    private Connectors() {
    }

    /**
     * The listener's URI compliance mode, letting through also the paths that are wrong only in
     * their UTF-8: unencoded bytes above 0x7F (ILLEGAL_PATH_CHARACTERS: Jetty decodes them as
     * UTF-8, a byte that is not UTF-8 as U+FFFD) and percent-escapes that spell no UTF-8
     * (BAD_UTF8_ENCODING, TRUNCATED_UTF8_ENCODING). Swift's clients send names as raw UTF-8 and
     * Swift answers a name that is not UTF-8 itself (412); Jetty's 400 came before any stage ran.
     * Safe, because none of these can make a path mean something else: a byte above 0x7F is
     * never a {@code /}, a {@code .} or a {@code %} (raw bytes that are not UTF-8, which Jetty
     * turns into U+FFFD, are refused by {@link #create}'s first customizer), and an escape that
     * is not UTF-8 stays escaped in the URI as sent, which is what Berth's stages and apps read
     * ({@code Berth.pathAsSent}, which refuses it); what the ILLEGAL class also admits, the ASCII
     * characters RFC 3986 wants escaped ({@code " < > ` { } | ^}), separates nothing either. What
     * is ambiguous stays the mode's business, and {@code \}, control characters and {@code %00}
     * stay refused: Jetty 12.0's URI parser refuses an encoded NUL whatever the mode.
     */
    static UriCompliance uriCompliance(String mode) {
        UriCompliance named = UriCompliance.valueOf(mode);
        return named.with(named.getName() + "+UTF8", UriCompliance.Violation.ILLEGAL_PATH_CHARACTERS,
                UriCompliance.Violation.BAD_UTF8_ENCODING, UriCompliance.Violation.TRUNCATED_UTF8_ENCODING);
    }

    static BerthConnector create(Server server, ListenerSettings settings, ListenerTotals listener,
            Runnable onStarted, Runnable onStopped) throws InvalidSettingException {
        BerthErrorHandler.installOn(server);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setUriCompliance(uriCompliance(settings.uriCompliance));
        http.addCustomizer((request, responseHeaders) -> {
            // Jetty's parser put U+FFFD for raw bytes that are not UTF-8 (uriCompliance lets raw
            // bytes through): the path no longer says what the client sent, so no app sees it. A
            // U+FFFD sent raw cannot be told from one and is refused too; escaped, it passes.
            if (request.getHttpURI().getPath() != null && request.getHttpURI().getPath().indexOf('\uFFFD') >= 0) {
                throw new BadMessageException(HttpStatus.BAD_REQUEST_400, "the path's raw bytes are not UTF-8");
            }
            return request;
        });
        // Jetty counts the request line and the headers against one limit: give it the larger of
        // the two and hold each part to its own limit below. Jetty answers 414 when the limit is
        // reached in the request line and 431 when it is reached in the headers.
        int jettyLimit = Math.max(settings.maxRequestLine, settings.maxHeaderSize);
        http.setRequestHeaderSize(jettyLimit);
        if (settings.maxRequestLine < jettyLimit || settings.maxHeaderSize < jettyLimit) {
            http.addCustomizer((request, responseHeaders) -> {
                long line = request.getMethod().length() + 1 + request.getHttpURI().asString().length() + 9;
                if (line > settings.maxRequestLine) {
                    throw new BadMessageException(HttpStatus.URI_TOO_LONG_414);
                }
                long headers = 0;
                for (HttpField field : request.getHeaders()) {
                    headers += field.getName().length() + 2 + field.getValue().length() + 2;
                }
                if (headers > settings.maxHeaderSize) {
                    throw new BadMessageException(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431);
                }
                return request;
            });
        }
        if (!settings.keepalive) {
            // eventlet's keepalive=False: one request per connection.
            http.addCustomizer((request, responseHeaders) -> {
                responseHeaders.put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
                return request;
            });
        }
        if (settings.tls()) {
            http.addCustomizer(new SecureRequestCustomizer(false));
        }

        if (!settings.allowTrace) {
            http.addCustomizer((request, responseHeaders) -> {
                if (HttpMethod.TRACE.is(request.getMethod())) {
                    throw new HttpException.RuntimeException(HttpStatus.METHOD_NOT_ALLOWED_405,
                            "TRACE is not allowed on this listener (allow_trace)");
                }
                return request;
            });
        }
        ConnectionFactory httpFactory = settings.headerTimeout.isZero() ? new HttpConnectionFactory(http)
                : new HeadTimedConnectionFactory(http, settings.headerTimeout, settings.clientTimeout);
        ConnectionFactory first = httpFactory;
        ConnectionFactory ssl = null;
        if (settings.tls()) {
            ssl = new SslConnectionFactory(Tls.settledServerContext(settings), HttpVersion.HTTP_1_1.asString());
            first = ssl;
        }
        ConnectionFactory[] factories;
        if (settings.requireProxyProtocol) {
            ConnectionFactory proxy = new ProxyConnectionFactory(first.getProtocol());
            factories = ssl == null ? new ConnectionFactory[] {proxy, httpFactory}
                    : new ConnectionFactory[] {proxy, ssl, httpFactory};
        } else {
            factories = ssl == null ? new ConnectionFactory[] {httpFactory} : new ConnectionFactory[] {ssl, httpFactory};
        }
        BerthConnector connector = new BerthConnector(server, settings, listener, onStarted, onStopped, factories);
        http.addCustomizer((request, responseHeaders) -> {
            connector.requestStarted(request, responseHeaders);
            return request;
        });
        return connector;
    }
}
