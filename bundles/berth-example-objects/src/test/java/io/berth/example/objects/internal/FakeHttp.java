package io.berth.example.objects.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Plain request and response objects for the units that read a request and write an answer, so
 * that they are tested without a server. Only what the units call is there; anything else fails
 * naming the method, so a unit that starts calling more is noticed.
 */
final class FakeHttp {

    private FakeHttp() {
    }

    /**
     * The roles tempauth gives a user ({@code account:user}): its account, its id, its groups, and
     * for an {@code .admin} the storage account it owns, {@code AUTH_account}.
     */
    static Set<String> tempauthRoles(String user, Collection<String> groups) {
        String account = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
        Set<String> roles = new HashSet<>(groups);
        roles.add(account);
        roles.add(user);
        if (groups.contains(".admin")) {
            roles.add("AUTH_" + account);
        }
        return roles;
    }

    /**
     * A request: method, path as sent (the app mounted at the root), headers (names
     * case-insensitive), query parameters, the auth stage's user and roles, a body.
     */
    static final class Request {
        private String method = "GET";
        private String path = "/";
        private final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        private final Map<String, String> parameters = new HashMap<>();
        private String user;
        private String authType;
        private Set<String> roles = Set.of();
        private byte[] body = new byte[0];
        private long contentLength = -1;

        Request method(String name) {
            this.method = name;
            return this;
        }

        /** As sent, percent-encoded. */
        Request path(String asSent) {
            this.path = asSent;
            return this;
        }

        Request header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        Request parameter(String name, String value) {
            parameters.put(name, value);
            return this;
        }

        /** As tempauth sets them: getRemoteUser() and isUserInRole(). */
        Request user(String name, String... granted) {
            this.user = name;
            this.authType = "tempauth";
            this.roles = tempauthRoles(name, List.of(granted));
            return this;
        }

        /** As tempauth lets a request without a token through: its auth type, no user. */
        Request anonymous() {
            this.user = null;
            this.authType = "tempauth";
            return this;
        }

        /** A body of declared length (Content-Length). */
        Request body(String text) {
            this.body = text.getBytes(StandardCharsets.UTF_8);
            this.contentLength = body.length;
            return this;
        }

        /** Content-Length as the request declares it, whatever the body holds; -1 for a chunked one. */
        Request contentLength(long length) {
            this.contentLength = length;
            return this;
        }

        /** The parameters as a query string, unencoded (tests name plain ones); null when there are none. */
        private String query() {
            if (parameters.isEmpty()) {
                return null;
            }
            List<String> pairs = new ArrayList<>();
            parameters.forEach((name, value) -> pairs.add(value.isEmpty() ? name : name + "=" + value));
            return String.join("&", pairs);
        }

        HttpServletRequest build() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            ServletInputStream stream = new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("setReadListener");
                }
            };
            return (HttpServletRequest) Proxy.newProxyInstance(FakeHttp.class.getClassLoader(),
                    new Class<?>[] {HttpServletRequest.class}, (proxy, call, args) -> {
                        switch (call.getName()) {
                            case "getMethod": return method;
                            case "getHeader": return headers.get((String) args[0]);
                            case "getHeaderNames": return Collections.enumeration(new ArrayList<>(headers.keySet()));
                            case "getParameter": return parameters.get((String) args[0]);
                            case "getQueryString": return query();
                            case "getRemoteUser": return user;
                            case "getAuthType": return authType;
                            case "isUserInRole": return roles.contains((String) args[0]);
                            case "getContentLengthLong": return contentLength;
                            case "getInputStream": return stream;
                            case "getRequestURI": return path;
                            case "getContextPath": return "";
                            case "getServletPath": return "";
                            case "toString": return method + " " + path + " (fake request)";
                            default: throw new UnsupportedOperationException("FakeHttp.Request: " + call.getName());
                        }
                    });
        }
    }

    /**
     * A response that records what is written to it. It counts as committed once a byte of its
     * body is written: the units only ask whether anything went out yet.
     */
    static final class Response {
        int status = 200;
        final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        /** Set by setContentLength(Long), -1 until then. */
        long contentLength = -1;
        String contentType;

        String header(String name) {
            List<String> values = headers.get(name);
            return values == null ? null : values.get(0);
        }

        String text() {
            return body.toString(StandardCharsets.UTF_8);
        }

        HttpServletResponse build() {
            ServletOutputStream stream = new ServletOutputStream() {
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
                    throw new UnsupportedOperationException("setWriteListener");
                }
            };
            return (HttpServletResponse) Proxy.newProxyInstance(FakeHttp.class.getClassLoader(),
                    new Class<?>[] {HttpServletResponse.class}, (proxy, call, args) -> {
                        switch (call.getName()) {
                            case "setStatus": status = (Integer) args[0]; return null;
                            case "getStatus": return status;
                            case "setHeader": headers.put((String) args[0], new ArrayList<>(List.of((String) args[1]))); return null;
                            case "addHeader":
                                headers.computeIfAbsent((String) args[0], n -> new ArrayList<>()).add((String) args[1]);
                                return null;
                            case "getHeader": return header((String) args[0]);
                            case "getHeaders": return List.copyOf(headers.getOrDefault((String) args[0], List.of()));
                            case "getHeaderNames": return List.copyOf(headers.keySet());
                            case "containsHeader": return headers.containsKey((String) args[0]);
                            case "setContentType": contentType = (String) args[0]; return null;
                            case "getContentType": return contentType;
                            case "setContentLength": contentLength = (Integer) args[0]; return null;
                            case "setContentLengthLong": contentLength = (Long) args[0]; return null;
                            case "getOutputStream": return stream;
                            case "isCommitted": return body.size() > 0;
                            case "reset":
                                status = 200;
                                headers.clear();
                                body.reset();
                                contentLength = -1;
                                contentType = null;
                                return null;
                            case "toString": return "(fake response)";
                            default: throw new UnsupportedOperationException("FakeHttp.Response: " + call.getName());
                        }
                    });
        }
    }
}
