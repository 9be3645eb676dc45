package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.io.EofException;
import org.junit.jupiter.api.Test;

import io.berth.api.StageSettings;
import io.berth.testing.StderrCapture;

/** Clients hanging up by the hundred: catch_errors says so, within a bound, and without a stack trace. */
class CatchErrorsClientGoneTest {

    private final AtomicLong clock = new AtomicLong();
    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void atMostTenLinesAMinuteThenOneLineSaysHowManyWereLeftOut() throws Exception {
        LogBudget budget = new LogBudget(LogBudget.LINES, LogBudget.WINDOW_NANOS, clock::get);
        CatchErrorsFilter filter = new CatchErrorsFilter(
                StageSettings.of(CatchErrorsFilter.Config.class, "catch_errors", Map.of()), budget);
        ServletContextHandler context = Jetty.context("/", filter);
        Jetty.serve(context, "/*", new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                // How Jetty tells a servlet that the client closed or reset the connection.
                throw new EofException("Connection reset by peer");
            }
        });
        try (Jetty jetty = Jetty.start(context); StderrCapture log = new StderrCapture()) {
            for (int i = 0; i < 25; i++) {
                send(jetty, "/gone/" + i);
            }

            assertThat(log.lines("Client disconnected: 499")).hasSize(10);
            assertThat(log.lines("more not logged")).isEmpty();

            clock.addAndGet(TimeUnit.SECONDS.toNanos(61));
            send(jetty, "/gone/last");

            assertThat(log.lines("Client disconnected")).hasSize(12).element(10).asString().endsWith(
                    "INFO io.berth.middleware.internal.CatchErrorsFilter - Client disconnected: 15 more not logged "
                            + "(at most 10 such lines in 60 s)");
            assertThat(log.lines("Client disconnected").get(11)).contains("499").contains("GET /gone/last");
            assertThat(log.lines("\tat ")).as("stack trace lines").isEmpty();
        }
    }

    @Test
    void aClientHangingUpDoesNotReachTheContainerAsAnError() throws Exception {
        // Felix's dispatcher logs every exception out of the filter chain at ERROR with its stack
        // trace (about 90 lines for Jetty's EofException): this filter stands where it does.
        java.util.List<Throwable> escaped = new java.util.concurrent.CopyOnWriteArrayList<>();
        jakarta.servlet.Filter dispatcher = (request, response, chain) -> {
            try {
                chain.doFilter(request, response);
            } catch (IOException | jakarta.servlet.ServletException | RuntimeException e) {
                escaped.add(e);
                throw e;
            }
        };
        CatchErrorsFilter filter = new CatchErrorsFilter(
                StageSettings.of(CatchErrorsFilter.Config.class, "catch_errors", Map.of()),
                new LogBudget(LogBudget.LINES, LogBudget.WINDOW_NANOS, clock::get));
        ServletContextHandler context = Jetty.context("/", dispatcher, filter);
        Jetty.serve(context, "/*", new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                throw new IOException("wrapped by the app", new EofException("Connection reset by peer"));
            }
        });
        try (Jetty jetty = Jetty.start(context); StderrCapture log = new StderrCapture()) {
            send(jetty, "/gone");
            send(jetty, "/gone-again");

            assertThat(escaped).as("exceptions out of catch_errors").isEmpty();
            assertThat(log.lines("Client disconnected: 499")).hasSize(2);
        }
    }

    @Test
    void aHalfClosedClientWhoseRequestFailedReadsNoStatusTheAppNeverGave() throws Exception {
        // What Berth's listener sets: the request's connection, to close with no response.
        jakarta.servlet.Filter listener = (request, response, chain) -> {
            org.eclipse.jetty.io.EndPoint endPoint = org.eclipse.jetty.ee10.servlet.ServletContextRequest
                    .getServletContextRequest(request).getConnectionMetaData().getConnection().getEndPoint();
            request.setAttribute(io.berth.api.Berth.CONNECTION_ATTRIBUTE, endPoint);
            chain.doFilter(request, response);
        };
        CatchErrorsFilter filter = new CatchErrorsFilter(
                StageSettings.of(CatchErrorsFilter.Config.class, "catch_errors", Map.of()),
                new LogBudget(LogBudget.LINES, LogBudget.WINDOW_NANOS, clock::get));
        ServletContextHandler context = Jetty.context("/", listener, filter);
        Jetty.serve(context, "/*", new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doPut(HttpServletRequest request, HttpServletResponse response) throws IOException {
                request.getInputStream().readAllBytes(); // the body ends early: the client half-closed
            }
        });
        try (Jetty jetty = Jetty.start(context);
                java.net.Socket socket = new java.net.Socket("127.0.0.1", java.net.URI.create(jetty.base()).getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("PUT /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"
                    + "x".repeat(50)).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.shutdownOutput();

            assertThat(new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .as("what the client read").doesNotContain("HTTP/1.1 200");
        }
    }

    private void send(Jetty jetty, String path) throws InterruptedException {
        try {
            client.send(HttpRequest.newBuilder(URI.create(jetty.base() + path)).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException closed) {
            // Jetty may close the connection: the client is gone, as far as it knows.
        }
    }
}
