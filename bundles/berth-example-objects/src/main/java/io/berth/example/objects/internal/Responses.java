package io.berth.example.objects.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;

/** The answers and refusals every resource gives alike, spelled in one place so that they stay the same. */
final class Responses {

    static final String TEXT = "text/plain; charset=utf-8";

    private Responses() {
    }

    static void empty(HttpServletResponse response, int status) {
        empty(response, status, TEXT);
    }

    /** @param type what the answer says it is, body or not (a listing's HEAD is typed as its GET) */
    static void empty(HttpServletResponse response, int status, String type) {
        response.setStatus(status);
        response.setContentType(type);
        response.setContentLength(0);
    }

    /**
     * Text made safe inside an XML or HTML element: {@code &}, {@code <} and {@code >} escaped, as
     * Python's {@code saxutils.escape}, which Swift's listings and bulk answers use.
     */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static void body(HttpServletResponse response, int status, String type, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(type);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    static SwiftException notAllowed(String method, String what, String allowed) {
        return new SwiftException(405, "Method Not Allowed: " + method + " on " + what + "; allowed: " + allowed);
    }

    static SwiftException objectNotFound(String container, String object) {
        return new SwiftException(404, "Object '" + object + "' not found in container '" + container + "'");
    }

    /** The container, or 404 when the path names one that does not exist. */
    static Container existing(Container container, String name) {
        if (container == null) {
            throw new SwiftException(404, "Container '" + name + "' not found");
        }
        return container;
    }
}
