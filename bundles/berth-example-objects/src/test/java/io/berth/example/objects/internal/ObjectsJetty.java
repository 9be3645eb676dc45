package io.berth.example.objects.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.StatisticsHandler;

/**
 * The objects app in embedded Jetty 12 (ee10), mounted as Felix's whiteboard mounts a
 * pipeline's app: a servlet context at the pipeline's path, the servlet at {@code /*}, and a
 * test auth stage in front that honours the authorization contract from request headers.
 */
final class ObjectsJetty implements AutoCloseable {

    /** Test auth: X-Test-User names the user (getRemoteUser), X-Test-Roles the roles (.admin, .reseller_admin). */
    static final String USER = "X-Test-User";
    static final String ROLES = "X-Test-Roles";
    /** Test auth: let through without a user, as tempauth lets an anonymous read through (auth type tempauth). */
    static final String ANONYMOUS = "X-Test-Anonymous";
    /** The token the swift client is given: the test user test:tester, account admin. */
    static final String TOKEN = "AUTH_tk-test";
    /** Set on every response by the test auth stage, before the app runs. */
    static final String STAGE_HEADER = "X-Trans-Id";

    private final Server server;
    private final StatisticsHandler statistics;
    private final ServerConnector connector;
    private final Escaped escaped;
    final ObjectsServlet servlet;
    final int port;
    final String contextPath;

    private ObjectsJetty(Server server, StatisticsHandler statistics, ServerConnector connector, Escaped escaped,
            ObjectsServlet servlet, int port, String contextPath) {
        this.server = server;
        this.statistics = statistics;
        this.connector = connector;
        this.escaped = escaped;
        this.servlet = servlet;
        this.port = port;
        this.contextPath = contextPath;
    }

    static ObjectsJetty start(Path root, Map<String, String> settings) throws Exception {
        return start(root, settings, "/");
    }

    static ObjectsJetty start(Path root, Map<String, String> settings, String contextPath) throws Exception {
        return start(root, settings, contextPath, null);
    }

    /**
     * @param compliance the connector's URI compliance, as Felix's {@code org.eclipse.jetty.UriComplianceMode}
     *        sets it (with decodeAmbiguousURIs when it allows an ambiguous path: LEGACY, UNSAFE), or as a
     *        Berth listener sets it; null for Jetty's default
     */
    static ObjectsJetty start(Path root, Map<String, String> settings, String contextPath, UriCompliance compliance)
            throws Exception {
        return start(new ObjectsApp(), root, settings, contextPath, compliance);
    }

    /** A pipeline generation: the app's servlet from a factory that may have made others, as the pipeline's factory service. */
    static ObjectsJetty start(ObjectsApp app, Path root, Map<String, String> settings) throws Exception {
        return start(app, root, settings, "/", null);
    }

    private static ObjectsJetty start(ObjectsApp app, Path root, Map<String, String> settings, String contextPath,
            UriCompliance compliance) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(settings);
        all.put("root", root.toString());
        ObjectsServlet servlet = (ObjectsServlet) app.create(all);
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        if (compliance != null) {
            http.setUriCompliance(compliance);
        }
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(contextPath);
        Escaped escaped = new Escaped();
        context.addFilter(new FilterHolder(escaped), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addFilter(new FilterHolder(new TestAuth()), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(servlet), "/*");
        if (compliance != null && !java.util.Collections.disjoint(compliance.getAllowed(), UriCompliance.AMBIGUOUS_VIOLATIONS)) {
            context.getServletHandler().setDecodeAmbiguousURIs(true);
        }
        StatisticsHandler statistics = new StatisticsHandler();
        statistics.setHandler(context);
        server.setHandler(statistics);
        server.start();
        return new ObjectsJetty(server, statistics, connector, escaped, servlet, connector.getLocalPort(), contextPath.equals("/") ? "" : contextPath);
    }

    String base() {
        return "http://127.0.0.1:" + port + contextPath;
    }

    /** How long a connection may send nothing, for the connections opened from now on. */
    void idleTimeout(Duration timeout) {
        connector.setIdleTimeout(timeout.toMillis());
    }

    /** Requests Jetty has finished with, the response sent or the connection given up: something to wait on. */
    int requestsDone() {
        return statistics.getRequests() - statistics.getRequestsActive();
    }

    /** What the app let escape: Felix's dispatcher would log each at ERROR with its stack trace, and answer 500. */
    List<Throwable> escaped() {
        return List.copyOf(escaped.failures);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** Stands where Felix's dispatcher calls the pipeline: records what comes out of it, then lets it go on to Jetty. */
    static final class Escaped implements Filter {
        final List<Throwable> failures = new CopyOnWriteArrayList<>();

        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            try {
                chain.doFilter(request, response);
            } catch (IOException | ServletException | RuntimeException e) {
                failures.add(e);
                throw e;
            }
        }
    }

    /** Stands for tempauth: wraps the request with the user and roles the test headers name. */
    static final class TestAuth implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            HttpServletRequest http = (HttpServletRequest) request;
            // As catch_errors does in a pipeline: a header a stage set before the app ran.
            ((jakarta.servlet.http.HttpServletResponse) response).setHeader(STAGE_HEADER, "set by a stage");
            String user = http.getHeader(USER);
            String roles = http.getHeader(ROLES);
            if (TOKEN.equals(http.getHeader("X-Auth-Token"))) {
                user = "test:tester";
                roles = ".admin";
            }
            if (user == null && http.getHeader(ANONYMOUS) != null) {
                chain.doFilter(new HttpServletRequestWrapper(http) {
                    @Override
                    public String getRemoteUser() {
                        return null;
                    }

                    @Override
                    public String getAuthType() {
                        return "tempauth";
                    }
                }, response);
                return;
            }
            if (user == null) {
                chain.doFilter(request, response);
                return;
            }
            java.util.Set<String> granted = FakeHttp.tempauthRoles(user, roles == null ? List.of() : List.of(roles.split(",")));
            String remoteUser = user;
            chain.doFilter(new HttpServletRequestWrapper(http) {
                @Override
                public String getRemoteUser() {
                    return remoteUser;
                }

                @Override
                public boolean isUserInRole(String role) {
                    return granted.contains(role);
                }
            }, response);
        }
    }
}
