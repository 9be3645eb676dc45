package io.berth.bench.jettyhello;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Target 1 of {@code bench/run}: Jetty 12 embedded with nothing but one servlet that answers as
 * Berth's {@code hello} app does, so the difference to Berth is Karaf, the whiteboard and the
 * pipeline, not the engine. Jetty's defaults otherwise (thread pool, selectors), with the
 * listener's backlog and without a {@code Server} header, as Berth's listener has them.
 *
 * <pre>java -jar berth-bench-jetty-hello.jar PORT [HOST]</pre>
 */
public final class JettyHello {

    /** Berth's listener default {@code backlog}. */
    private static final int BACKLOG = 4096;

    private JettyHello() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: JettyHello PORT [HOST]   (HOST defaults to 127.0.0.1)");
            System.exit(2);
        }
        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(args.length > 1 ? args[1] : "127.0.0.1");
        connector.setPort(Integer.parseInt(args[0]));
        connector.setAcceptQueueSize(BACKLOG);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new Hello()), "/*");
        server.setHandler(context);
        server.setStopAtShutdown(true);
        server.start();
        System.out.println("Jetty " + Server.getVersion() + " hello on http://" + connector.getHost() + ":"
                + connector.getLocalPort() + "/");
        server.join();
    }

    /** Berth's {@code HelloServlet} without its delayed answers: the same headers and body. */
    static final class Hello extends HttpServlet {

        private static final long serialVersionUID = 1L;
        private static final byte[] BODY = "Hello from Berth".getBytes(StandardCharsets.UTF_8);

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            // HelloServlet reads delay_ms on every request: the same work here.
            if (request.getParameter("delay_ms") != null) {
                response.sendError(HttpServletResponse.SC_BAD_REQUEST, "delay_ms is not supported here");
                return;
            }
            response.setContentType("text/plain;charset=utf-8");
            response.setContentLength(BODY.length);
            response.getOutputStream().write(BODY);
        }
    }
}
