package io.berth.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import javax.inject.Inject;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;

import io.berth.api.AppFactory;
import io.berth.api.Listener;

/** Listeners added, edited and removed in a running Berth, as an operator does with etc/berth.listener-NAME.cfg. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ListenersTest extends BerthTestSupport {

    /**
     * These tests add listeners and ask the shipped app through them: here the pipeline main
     * serves every listener (the distribution names {@code listeners = main}, so that the admin
     * listener does not serve the app).
     */
    @Override
    @org.ops4j.pax.exam.Configuration
    public org.ops4j.pax.exam.Option[] config() throws IOException {
        return org.ops4j.pax.exam.OptionUtils.combine(super.config(),
                org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut(
                        "etc/berth.pipeline-main.cfg", "listeners", ""));
    }

    @Test
    public void theMainListenerLogsItsStartLine() throws Exception {
        awaitStatus("/hello", 200);
        awaitLog("Berth listener main started on http://0.0.0.0:" + mainPort() + "/");
        awaitState("main", Listener.State.SERVING);
    }

    @Test
    public void aFileInEtcStartsAListenerAndDeletingItStopsIt() throws Exception {
        String port = freePort();
        Path file = Paths.get(System.getProperty("karaf.etc"), "berth.listener-dropped.cfg");

        Files.writeString(file, "bind_ip = 127.0.0.1\nbind_port = " + port + "\n");

        awaitStatus("127.0.0.1:" + port, "/hello", 200);
        awaitLog("Berth listener dropped started on http://127.0.0.1:" + port + "/");

        Files.delete(file);

        awaitRefused("127.0.0.1:" + port);
        awaitLog("Berth listener dropped stopped");
    }

    @Test
    public void aSecondListenerOnIpv6LoopbackServesUntilItsConfigurationIsDeleted() throws Exception {
        String port = freePort();
        Configuration v6 = listener("v6", Map.of("bind_ip", "::1", "bind_port", port));

        assertEquals("Hello from Berth", awaitStatus("[::1]:" + port, "/hello", 200).body());
        awaitState("v6", Listener.State.SERVING);
        assertEquals("http://[::1]:" + port + "/", listenerService("v6").url());

        v6.delete();

        awaitRefused("[::1]:" + port);
        awaitStatus("/hello", 200);
    }

    @Test
    public void anInvalidEditIsLoggedAndTheListenerKeepsServing() throws Exception {
        String port = freePort();
        Configuration edit = listener("edit", Map.of("bind_ip", "127.0.0.1", "bind_port", port));
        awaitStatus("127.0.0.1:" + port, "/hello", 200);

        edit.update(new Hashtable<>(Map.of("bind_ip", "127.0.0.1", "bind_port", "70000")));

        awaitLog("berth.listener-edit: bind_port: 70000 is out of range (1..65535) (the listener keeps its previous settings)");
        awaitStatus("127.0.0.1:" + port, "/hello", 200);
        awaitState("edit", Listener.State.SERVING);

        String moved = freePort();
        edit.update(new Hashtable<>(Map.of("bind_ip", "127.0.0.1", "bind_port", moved)));

        awaitStatus("127.0.0.1:" + moved, "/hello", 200);
        awaitRefused("127.0.0.1:" + port);
        edit.delete();
    }

    @Test
    public void anInvalidNewListenerFailsAloneWithItsReason() throws Exception {
        Configuration bad = listener("bad", Map.of("bind_port", freePort(), "keep_idle", "0"));

        awaitState("bad", Listener.State.FAILED);
        assertEquals("berth.listener-bad: keep_idle: 0 is out of range (1..32766)", listenerService("bad").reason());
        awaitLog("berth.listener-bad: keep_idle: 0 is out of range (1..32766)");
        awaitStatus("/hello", 200);
        bad.delete();
    }

    @Test
    public void aPortHeldPastBindTimeoutFailsWithSwiftsLine() throws Exception {
        try (ServerSocket holder = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = holder.getLocalPort();
            Configuration busy = listener("busy", Map.of("bind_ip", "127.0.0.1", "bind_port", port, "bind_timeout", "1"));

            awaitLog("Could not bind to 127.0.0.1:" + port + " after trying for 1 seconds");
            awaitState("busy", Listener.State.FAILED);
            awaitStatus("/hello", 200);
            busy.delete();
        }
    }

    @Test
    public void aPortFreedInsideBindTimeoutIsServed() throws Exception {
        ServerSocket holder = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        int port = holder.getLocalPort();
        Configuration late = listener("late", Map.of("bind_ip", "127.0.0.1", "bind_port", port, "bind_timeout", "30"));
        awaitState("late", Listener.State.STARTING);

        holder.close();

        awaitStatus("127.0.0.1:" + port, "/hello", 200);
        awaitState("late", Listener.State.SERVING);
        late.delete();
    }

    @Test
    public void behindAProxyTheLogShowsTheClientAddressThePROXYLineCarried() throws Exception {
        ServiceRegistration<AppFactory> boom = app("itest-proxied-boom", new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                throw new IllegalStateException("proxied failure");
            }
        });
        Configuration pipeline = pipeline("proxied-boom", Map.of("pipeline", "catch_errors itest-proxied-boom",
                "path", "/itest-proxied-boom"));
        String port = freePort();
        Configuration proxied = listener("proxied", Map.of("bind_ip", "127.0.0.1", "bind_port", port,
                "require_proxy_protocol", "true"));
        try {
            awaitState("proxied", Listener.State.SERVING);
            await("the proxied listener answers 500 for the failing servlet", () ->
                    exchange(Integer.parseInt(port), "PROXY TCP4 198.51.100.23 127.0.0.1 40000 " + port + "\r\n"
                            + "GET /itest-proxied-boom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                            .startsWith("HTTP/1.1 500"));

            awaitLog("GET /itest-proxied-boom, client 198.51.100.23)");
        } finally {
            proxied.delete();
            pipeline.delete();
            boom.unregister();
        }
    }

    @Test
    public void reloadsUnderLoadFailNoRequestAndASlowRequestOutlivesTheListener() throws Exception {
        String port = freePort();
        Map<String, Object> settings = new java.util.HashMap<>(Map.of("bind_ip", "127.0.0.1", "bind_port", port));
        Configuration reloaded = listener("reloaded", settings);
        String base = "http://127.0.0.1:" + port;
        awaitStatus("127.0.0.1:" + port, "/hello", 200);
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger served = new java.util.concurrent.atomic.AtomicInteger();
        java.util.Queue<String> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.List<Thread> clients = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            boolean pooled = i % 2 == 0;
            Thread client = new Thread(() -> {
                while (running.get()) {
                    try {
                        String status = pooled ? Integer.toString(get(URI.create(base + "/hello")).statusCode())
                                : exchange(Integer.parseInt(port), "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                        if (status.equals("200") || status.startsWith("HTTP/1.1 200")) {
                            served.incrementAndGet();
                        } else {
                            failures.add(status);
                        }
                    } catch (IOException | InterruptedException e) {
                        failures.add(e.toString());
                    }
                }
            }, "itest-load-" + i);
            clients.add(client);
            client.start();
        }

        for (int reload = 1; reload <= 10; reload++) {
            settings.put("client_timeout", Integer.toString(30 + reload % 2));
            reloaded.update(new Hashtable<>(settings));
            awaitLogCount("Berth listener reloaded reloaded", reload);
        }
        running.set(false);
        for (Thread client : clients) {
            client.join(30_000);
        }

        assertEquals("failed requests: " + failures, 0, failures.size());
        assertTrue("requests served: " + served.get(), served.get() > 100);

        java.util.concurrent.CompletableFuture<String> slow = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> exchange(Integer.parseInt(port), "GET /hello?delay_ms=2000 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
        await("the slow request is in flight", () -> {
            try {
                return listenerService("reloaded").requestsInFlight() >= 1;
            } catch (InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
        });
        reloaded.delete();
        awaitRefused("127.0.0.1:" + port);
        String answer = slow.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(answer, answer.startsWith("HTTP/1.1 200") && answer.endsWith("Hello from Berth"));
    }

    @Test
    public void sighupReloadsTheListenersAndBerthKeepsServing() throws Exception {
        awaitStatus("/hello", 200);
        if (sighupIgnored()) {
            // Started under nohup (SIGHUP ignored, which the JVM keeps): Berth cannot reload on
            // SIGHUP and must say so, not stay silent.
            awaitLog("SIGHUP is ignored in this process (started under nohup");
            return;
        }
        int reloadsBefore = occurrences(karafLog(), "Berth listener main reloaded");

        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start();
        assertEquals(0, kill.waitFor());

        awaitLog("SIGHUP received: reloading every listener");
        awaitLogCount("Berth listener main reloaded", reloadsBefore + 1);
        assertEquals("Hello from Berth", awaitStatus("/hello", 200).body());
    }

    /** Whether this process ignores SIGHUP: bit 1 of SigIgn in /proc/self/status (Linux). */
    private static boolean sighupIgnored() throws IOException {
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Paths.get("/proc/self/status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16) & 1L) != 0;
            }
        }
        return false;
    }

    @Test
    public void aJettyRestartByFelixRefusesNoConnection() throws Exception {
        awaitStatus("/hello", 200);
        Configuration felix = configurationAdmin.getConfiguration("org.apache.felix.http", "?");
        Hashtable<String, Object> properties = new Hashtable<>();
        java.util.Enumeration<String> keys = felix.getProperties().keys();
        while (keys.hasMoreElements()) {
            String key = keys.nextElement();
            properties.put(key, felix.getProperties().get(key));
        }
        int restartsBefore = occurrences(karafLog(), "Started Jetty");
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
        java.util.Queue<String> refused = new java.util.concurrent.ConcurrentLinkedQueue<>();
        Thread client = new Thread(() -> {
            while (running.get()) {
                try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), mainPort())) {
                    socket.setSoTimeout(30_000);
                    socket.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    socket.getInputStream().readAllBytes();
                    answered.incrementAndGet();
                } catch (ConnectException e) {
                    refused.add(e.toString());
                } catch (IOException e) {
                    // Felix stops Jetty without draining it and re-registers the whiteboard's servlets
                    // after Jetty is up: a request caught in that swap can be cut or see a 404.
                }
            }
        }, "itest-during-restart");
        client.start();

        // Any change to Felix's configuration restarts its Jetty (STACK-NOTES trap 12); Berth's
        // listening sockets stay open meanwhile, and connections wait in their backlog.
        properties.put("org.apache.felix.http.session.timeout", "31");
        felix.update(properties);
        awaitLogCount("Started Jetty", restartsBefore + 1);
        awaitStatus("/hello", 200);
        running.set(false);
        client.join(30_000);

        assertEquals("connections refused while Jetty restarted: " + refused, 0, refused.size());
        assertTrue("requests answered: " + answered.get(), answered.get() > 0);
    }

    @Test
    public void aRequestPastRequestTimeoutIsLoggedWithItsTransactionIdAndAnswered503() throws Exception {
        String port = freePort();
        Configuration limited = listener("limited", Map.of("bind_ip", "127.0.0.1", "bind_port", port, "request_timeout", "1"));
        try {
            awaitStatus("127.0.0.1:" + port, "/hello", 200);

            String answer = exchange(Integer.parseInt(port), "GET /hello?delay_ms=5000 HTTP/1.1\r\nHost: x\r\n\r\n");

            assertTrue(answer, answer.startsWith("HTTP/1.1 503") && answer.endsWith("Request timed out"));
            java.util.regex.Matcher transId = java.util.regex.Pattern.compile("X-Trans-Id: (tx[0-9a-f]{21}-[0-9a-f]{10})").matcher(answer);
            assertTrue("the 503 carries the transaction id: " + answer, transId.find());
            awaitLog("Berth listener limited: request ran past request_timeout (1 s): transaction " + transId.group(1)
                    + ", GET /hello, client 127.0.0.1: answered 503");
        } finally {
            limited.delete();
        }
    }

    private static String exchange(int port, String request) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private Listener listenerService(String name) throws InvalidSyntaxException {
        Collection<ServiceReference<Listener>> references =
                context.getServiceReferences(Listener.class, "(" + Listener.NAME_PROPERTY + "=" + name + ")");
        return references.isEmpty() ? null : context.getService(references.iterator().next());
    }

    private void awaitState(String name, Listener.State state) throws InterruptedException {
        await("listener " + name + " is " + state, () -> {
            try {
                Listener listener = listenerService(name);
                return listener != null && listener.state() == state;
            } catch (InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private void awaitRefused(String hostPort) throws InterruptedException {
        await(hostPort + " refuses connections", () -> {
            try {
                get(URI.create("http://" + hostPort + "/hello"));
                return false;
            } catch (ConnectException e) {
                return true;
            } catch (IOException e) {
                return e.getCause() instanceof ConnectException;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }
}
