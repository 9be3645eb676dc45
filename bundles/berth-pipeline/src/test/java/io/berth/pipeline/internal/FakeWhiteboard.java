package io.berth.pipeline.internal;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.servlet.context.ServletContextHelper;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;

/**
 * A bundle context that keeps the services registered through it, and a dispatch that resolves a
 * request over them as the servlet whiteboard does: the context at the longest matching path, of
 * those the highest ranked; its helper's handleSecurity; its filters by ranking; its servlet.
 */
final class FakeWhiteboard {

    /** One registerService call. */
    static final class Registration {
        final Object service;
        final Dictionary<String, Object> properties;
        volatile boolean live = true;

        Registration(Object service, Dictionary<String, Object> properties) {
            this.service = service;
            this.properties = properties;
        }

        Object get(String key) {
            return properties.get(key);
        }

        int ranking() {
            Object ranking = properties.get(Constants.SERVICE_RANKING);
            return ranking instanceof Integer ? (Integer) ranking : 0;
        }
    }

    final List<Registration> registrations = new CopyOnWriteArrayList<>();
    /** The registrations unregistered, in the order they were. */
    final List<Registration> unregistered = new CopyOnWriteArrayList<>();
    final BundleContext context;

    FakeWhiteboard() {
        ClassLoader loader = getClass().getClassLoader();
        Bundle bundle = (Bundle) Proxy.newProxyInstance(loader, new Class<?>[] {Bundle.class},
                (proxy, method, args) -> method.getName().equals("toString") ? "berth-pipeline" : null);
        context = (BundleContext) Proxy.newProxyInstance(loader, new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getBundle":
                            return bundle;
                        case "registerService":
                            @SuppressWarnings("unchecked")
                            Dictionary<String, Object> props = args[2] == null ? new Hashtable<>()
                                    : (Dictionary<String, Object>) args[2];
                            Registration registration = new Registration(args[1], props);
                            registrations.add(registration);
                            return Proxy.newProxyInstance(loader, new Class<?>[] {ServiceRegistration.class},
                                    (p, m, a) -> {
                                        if (m.getName().equals("unregister")) {
                                            if (!registration.live) {
                                                throw new IllegalStateException("unregistered already");
                                            }
                                            registration.live = false;
                                            unregistered.add(registration);
                                        }
                                        return null;
                                    });
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    /** @return every registration of a service of this type, live or not, in order */
    List<Registration> all(Class<?> type) {
        return registrations.stream().filter(r -> type.isInstance(r.service)).collect(Collectors.toList());
    }

    /** @return the live registrations of a service of this type */
    List<Registration> live(Class<?> type) {
        return all(type).stream().filter(r -> r.live).collect(Collectors.toList());
    }

    /** @return how many servlet contexts (pipeline generations) were registered, ever */
    int contextsRegistered() {
        return all(ServletContextHelper.class).size();
    }

    /** Sends {@code GET path} as arriving through {@code listener} (null: not through a Berth listener). */
    Exchange get(String path, String listener) throws IOException, ServletException {
        Exchange exchange = new Exchange(path, listener);
        Registration context = live(ServletContextHelper.class).stream()
                .filter(r -> matches((String) r.get(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_PATH), path))
                .max(Comparator.<Registration>comparingInt(
                        r -> ((String) r.get(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_PATH)).length())
                        .thenComparingInt(Registration::ranking))
                .orElse(null);
        if (context == null) {
            exchange.response.sendError(404);
            return exchange;
        }
        exchange.contextPath((String) context.get(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_PATH));
        String select = "(" + HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_NAME + "="
                + context.get(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_NAME) + ")";
        List<Registration> filters = new ArrayList<>(live(Filter.class).stream()
                .filter(r -> select.equals(r.get(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_SELECT)))
                .sorted(Comparator.comparingInt(Registration::ranking).reversed()).collect(Collectors.toList()));
        Registration servlet = live(Servlet.class).stream()
                .filter(r -> select.equals(r.get(HttpWhiteboardConstants.HTTP_WHITEBOARD_CONTEXT_SELECT)))
                .findFirst().orElse(null);
        ServletContextHelper helper = (ServletContextHelper) context.service;
        if (!helper.handleSecurity(exchange.request, exchange.response)) {
            return exchange;
        }
        try {
            if (servlet == null) {
                exchange.response.sendError(404);
            } else {
                chain(filters, 0, (Servlet) servlet.service).doFilter(exchange.request, exchange.response);
            }
        } finally {
            helper.finishSecurity(exchange.request, exchange.response);
        }
        return exchange;
    }

    private static FilterChain chain(List<Registration> filters, int next, Servlet servlet) {
        return (ServletRequest request, ServletResponse response) -> {
            if (next == filters.size()) {
                servlet.service(request, response);
            } else {
                ((Filter) filters.get(next).service).doFilter(request, response, chain(filters, next + 1, servlet));
            }
        };
    }

    private static boolean matches(String contextPath, String path) {
        return contextPath.equals("/") || path.equals(contextPath) || path.startsWith(contextPath + "/");
    }

    /** Service properties of a stage or app factory named {@code stage}. */
    static Map<String, Object> stage(String stage) {
        return Map.of(io.berth.api.Berth.STAGE_PROPERTY, stage);
    }
}
