package io.berth.socket.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import io.berth.api.Berth;

/**
 * Errors Jetty answers before any pipeline runs (a bad URI, a request line or headers over their
 * limit, an unknown HTTP version, a TRACE refused, max_clients): Berth's form instead of Jetty's
 * HTML page — plain text with the reason, {@code X-Trans-Id}, nothing about the server, never
 * an exception's text.
 * <p>
 * Installed as the Server's error handler, which Jetty consults for a request no context has
 * taken (checked against Jetty 12.0.32: {@code ErrorHandler.getErrorHandler(server, null)} and
 * {@code HttpChannelState} for bad messages). Felix's Jetty has none of its own, so nothing
 * of Felix's is replaced; after Felix restarts Jetty, the next connector installs it again.
 * (Checked against {@code org.apache.felix.http.jetty12} 1.1.8: its {@code JettyService} sets an
 * error handler of its own, {@code JettyErrorHandler}, only when
 * {@code org.apache.felix.jetty.error.page.custom.headers} is configured; Berth's would replace
 * it.)
 */
final class BerthErrorHandler extends ErrorHandler {

    static void installOn(Server server) {
        if (!(server.getErrorHandler() instanceof BerthErrorHandler)) {
            server.setErrorHandler(new BerthErrorHandler());
        }
    }

    /** Every method gets the reason (Jetty's page is only for GET, POST and HEAD): a refused TRACE too. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) throws IOException {
        Object known = request.getAttribute(Berth.TRANS_ID_ATTRIBUTE);
        String transId = known instanceof String ? (String) known : ListenerErrors.transactionId();
        byte[] body = ListenerErrors.body(code, detail(code, message, cause)).getBytes(StandardCharsets.UTF_8);
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(Berth.X_TRANS_ID, transId);
        headers.put(Berth.X_OPENSTACK_REQUEST_ID, transId);
        headers.put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
        headers.put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** A request Jetty could not parse: answered on the connection, with no request to go through. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        String transId = ListenerErrors.transactionId();
        fields.put(Berth.X_TRANS_ID, transId);
        fields.put(Berth.X_OPENSTACK_REQUEST_ID, transId);
        fields.put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
        return ByteBuffer.wrap(ListenerErrors.body(status, detail(status, reason, null)).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * What Jetty says of a client's mistake (its own wording of a bad message); for a failure of
     * the server, nothing but the status: an exception's text could tell a client about the server.
     */
    private static String detail(int status, String message, Throwable cause) {
        if (status >= 500 && status != 503 && status != 505) {
            return null;
        }
        if (cause != null && !(cause instanceof HttpException)) {
            return null;
        }
        return message;
    }
}
