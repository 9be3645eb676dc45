package io.berth.pipeline.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** A pipeline's only servlet while it cannot serve: 503 with the reason, never the app. */
final class Unavailable extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private final byte[] body;

    Unavailable(String reason) {
        this.body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setHeader("Retry-After", "5");
        response.setContentType("text/plain;charset=utf-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
