package io.berth.middleware.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.berth.api.Berth;

/**
 * The short plain-text answers a stage gives when it refuses a request: the status, one line
 * naming the reason, and {@code Connection: close} when the request's body is left unread (so
 * that the server need not read, or the client send, the rest of it for nothing).
 */
final class PlainResponses {

    private PlainResponses() {
    }

    /**
     * Answers a request the stage refuses before anything after it ran: the headers stages
     * before this one set (the transaction id) stay.
     */
    static void refuse(HttpServletRequest request, HttpServletResponse response, int status, byte[] body,
            String allow) throws IOException {
        response.setStatus(status);
        if (allow != null) {
            response.setHeader("Allow", allow);
        }
        write(response, body, Berth.hasBody(request));
    }

    /**
     * Answers in place of whatever the stages after this one and the app had begun: their
     * headers and buffered output go, the transaction id catch_errors gave the request stays.
     * The answer is committed at once so that nothing the app does afterwards can change it.
     */
    static void replace(HttpServletRequest request, HttpServletResponse response, int status, byte[] body)
            throws IOException {
        response.reset();
        String transId = Berth.transactionId(request);
        if (transId != null) {
            response.setHeader(Berth.X_TRANS_ID, transId);
            response.setHeader(Berth.X_OPENSTACK_REQUEST_ID, transId);
        }
        response.setStatus(status);
        write(response, body, true);
        response.flushBuffer();
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void write(HttpServletResponse response, byte[] body, boolean close) throws IOException {
        response.setContentType("text/plain;charset=utf-8");
        response.setContentLength(body.length);
        if (close) {
            response.setHeader("Connection", "close");
        }
        try {
            response.getOutputStream().write(body);
        } catch (IllegalStateException writerInUse) {
            // The app took the writer before the reset: the body is ASCII, the writer's encoding is ours.
            response.getWriter().write(new String(body, StandardCharsets.UTF_8));
        }
    }
}
