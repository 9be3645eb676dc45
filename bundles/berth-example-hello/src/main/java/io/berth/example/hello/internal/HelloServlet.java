package io.berth.example.hello.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code hello} app: {@code GET} on any path under its pipeline's mount point answers
 * {@code Hello from Berth}. {@code GET /hello?delay_ms=N} answers after N milliseconds (at most 30000) without holding
 * a request thread while it waits, so many slow requests can be in flight at once: the
 * supervisor's drain and reload tests use it.
 */
public final class HelloServlet extends HttpServlet {

    static final String BODY = "Hello from Berth";
    static final int MAX_DELAY_MS = 30_000;

    private static final long serialVersionUID = 1L;
    private static final byte[] BODY_BYTES = BODY.getBytes(StandardCharsets.UTF_8);
    private static final Logger LOG = LoggerFactory.getLogger(HelloServlet.class);

    /** Lives from init() to destroy(): the whiteboard may destroy and re-initialise the servlet. */
    private transient volatile ScheduledExecutorService timer;

    /** Delayed requests not answered yet: answered 503 if the app stops first. */
    private final transient Set<AsyncContext> waiting = ConcurrentHashMap.newKeySet();

    @Override
    public void init() {
        timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "berth-hello-timer");
            thread.setDaemon(true);
            return thread;
        });
    }

    private void stop() throws InterruptedException {
        ScheduledExecutorService stopping = timer;
        timer = null;
        if (stopping != null) {
            stopping.shutdownNow();
            stopping.awaitTermination(5, TimeUnit.SECONDS);
        }
        for (AsyncContext async : waiting) {
            if (waiting.remove(async)) {
                answer(async, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "Service stopping");
            }
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        long delay;
        try {
            delay = delayOf(request.getParameter("delay_ms"));
        } catch (IllegalArgumentException e) {
            text(response, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
            return;
        }
        if (delay == 0) {
            hello(response);
            return;
        }
        ScheduledExecutorService scheduler = timer;
        if (scheduler == null) {
            text(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "Service stopping");
            return;
        }
        AsyncContext async = request.startAsync();
        async.setTimeout(delay + 10_000);
        waiting.add(async);
        try {
            scheduler.schedule(() -> {
                if (waiting.remove(async)) {
                    try {
                        hello((HttpServletResponse) async.getResponse());
                    } catch (IOException | RuntimeException e) {
                        LOG.debug("Delayed hello could not be written (client gone?)", e);
                    } finally {
                        async.complete();
                    }
                }
            }, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // stop() is running: whichever of us takes the request off the list answers it.
            if (waiting.remove(async)) {
                answer(async, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "Service stopping");
            }
        }
    }

    /** The whiteboard destroys the servlet when its context goes (a pipeline removed, Jetty restarted). */
    @Override
    public void destroy() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How many delayed requests are waiting for their answer. */
    int waiting() {
        return waiting.size();
    }

    /**
     * The delay a request asked for.
     *
     * @param value the {@code delay_ms} parameter, or {@code null}
     * @return milliseconds, at most {@value #MAX_DELAY_MS}
     * @throws IllegalArgumentException naming what is wrong with the value
     */
    static long delayOf(String value) {
        if (value == null || value.isEmpty()) {
            return 0;
        }
        if (!value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("delay_ms must be a whole number of milliseconds, 0 or more");
        }
        // Longer than the cap's digits: capped without parsing, so no value can overflow.
        return value.length() > 6 ? MAX_DELAY_MS : Math.min(Long.parseLong(value), MAX_DELAY_MS);
    }

    private static void hello(HttpServletResponse response) throws IOException {
        response.setContentType("text/plain;charset=utf-8");
        response.setContentLength(BODY_BYTES.length);
        response.getOutputStream().write(BODY_BYTES);
    }

    private static void text(HttpServletResponse response, int status, String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("text/plain;charset=utf-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static void answer(AsyncContext async, int status, String message) {
        try {
            text((HttpServletResponse) async.getResponse(), status, message);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Could not answer a waiting request", e);
        } finally {
            async.complete();
        }
    }
}
