package io.berth.socket.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.eclipse.jetty.http.HttpStatus;

import io.berth.api.Berth;

/**
 * What a listener answers by itself, before any pipeline runs: Berth's form of an error (plain
 * text, the reason, a transaction id in Swift's form, nothing about the server), so that a client
 * and an operator can tell one error from another as they do for a pipeline's.
 */
final class ListenerErrors {

    private ListenerErrors() {
    }

    /** A transaction id in Swift's form, as catch_errors makes them, for answers no pipeline gave. */
    static String transactionId() {
        return Berth.appendTransactionId(new StringBuilder(34), System.currentTimeMillis() / 1000).toString();
    }

    /** The body of an error: the status's reason, then what was wrong when there is more to say. */
    static String body(int status, String detail) {
        String reason = HttpStatus.getMessage(status);
        return detail == null || detail.isBlank() || detail.equals(reason) ? reason + "\n" : reason + ": " + detail + "\n";
    }

    /** A whole HTTP/1.1 response that closes its connection, for a connection with no request to answer through. */
    static ByteBuffer closingResponse(int status, String detail) {
        byte[] body = body(status, detail).getBytes(StandardCharsets.UTF_8);
        String transId = transactionId();
        String head = "HTTP/1.1 " + status + " " + HttpStatus.getMessage(status) + "\r\n"
                + "Content-Type: text/plain;charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "X-Trans-Id: " + transId + "\r\n"
                + "X-Openstack-Request-Id: " + transId + "\r\n"
                + "Connection: close\r\n\r\n";
        ByteBuffer response = ByteBuffer.allocate(head.length() + body.length);
        response.put(head.getBytes(StandardCharsets.ISO_8859_1)).put(body).flip();
        return response;
    }
}
