package io.berth.pipeline.internal;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.berth.api.Berth;

/** One GET as plain request and response objects: what the client would see is kept. */
final class Exchange {

    final HttpServletRequest request;
    final HttpServletResponse response;

    final Map<String, Object> attributes = new HashMap<>();
    final Map<String, String> headers = new LinkedHashMap<>();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private int status = 200;
    private String contextPath = "";

    /**
     * @param path the request's path
     * @param listener the Berth listener it came through, or null (Felix's own connector)
     */
    Exchange(String path, String listener) {
        if (listener != null) {
            attributes.put(Berth.LISTENER_ATTRIBUTE, listener);
        }
        ServletOutputStream out = new ServletOutputStream() {
            @Override
            public void write(int b) {
                body.write(b);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
                throw new UnsupportedOperationException();
            }
        };
        ClassLoader loader = getClass().getClassLoader();
        request = (HttpServletRequest) Proxy.newProxyInstance(loader, new Class<?>[] {HttpServletRequest.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getAttribute":
                            return attributes.get(args[0]);
                        case "setAttribute":
                            attributes.put((String) args[0], args[1]);
                            return null;
                        case "removeAttribute":
                            attributes.remove(args[0]);
                            return null;
                        case "getMethod":
                            return "GET";
                        case "getRequestURI":
                            return path;
                        case "getContextPath":
                            return contextPath;
                        case "getServletPath":
                            return "";
                        case "getPathInfo":
                            return path.substring(contextPath.length());
                        case "isAsyncStarted":
                            return false;
                        case "getHeader":
                            return null;
                        case "toString":
                            return "GET " + path;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
        response = (HttpServletResponse) Proxy.newProxyInstance(loader, new Class<?>[] {HttpServletResponse.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "setStatus":
                            status = (Integer) args[0];
                            return null;
                        case "sendError":
                            status = (Integer) args[0];
                            return null;
                        case "getStatus":
                            return status;
                        case "setHeader":
                        case "addHeader":
                            headers.merge((String) args[0], (String) args[1],
                                    (a, b) -> method.getName().equals("setHeader") ? b : a + ", " + b);
                            return null;
                        case "setContentType":
                            headers.put("Content-Type", (String) args[0]);
                            return null;
                        case "setContentLength":
                            return null;
                        case "getOutputStream":
                            return out;
                        case "getWriter":
                            return new PrintWriter(out, true, StandardCharsets.UTF_8);
                        case "isCommitted":
                            return false;
                        case "toString":
                            return "response " + status;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    /** The whiteboard chose a servlet context at this path. */
    void contextPath(String path) {
        contextPath = path.equals("/") ? "" : path;
    }

    int status() {
        return status;
    }

    String body() {
        return body.toString(StandardCharsets.UTF_8);
    }
}
