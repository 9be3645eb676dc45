package io.berth.middleware.internal;

import java.util.EnumSet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;

/** Embedded Jetty on 127.0.0.1 with one servlet context per pipeline under test, no OSGi. */
final class Jetty implements AutoCloseable {

    private final Server server;
    final int port;

    private Jetty(Server server, int port) {
        this.server = server;
        this.port = port;
    }

    static Jetty start(ServletContextHandler... contexts) throws Exception {
        Server server = new Server();
        // As a Berth listener lets them through (Connectors.uriCompliance): escapes that spell no
        // UTF-8 reach the stages, which must decide about them.
        HttpConfiguration http = new HttpConfiguration();
        http.setUriCompliance(UriCompliance.DEFAULT.with("DEFAULT+UTF8", UriCompliance.Violation.ILLEGAL_PATH_CHARACTERS,
                UriCompliance.Violation.BAD_UTF8_ENCODING, UriCompliance.Violation.TRUNCATED_UTF8_ENCODING));
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new ContextHandlerCollection(contexts));
        server.start();
        return new Jetty(server, connector.getLocalPort());
    }

    /** A context at a path: the filters in order (as a pipeline's stages), async supported. */
    static ServletContextHandler context(String path, Filter... filters) {
        ServletContextHandler context = new ServletContextHandler(path);
        for (Filter filter : filters) {
            FilterHolder holder = new FilterHolder(filter);
            holder.setAsyncSupported(true);
            context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
        }
        return context;
    }

    static void serve(ServletContextHandler context, String pattern, HttpServlet servlet) {
        ServletHolder holder = new ServletHolder(servlet);
        holder.setAsyncSupported(true);
        context.addServlet(holder, pattern);
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
