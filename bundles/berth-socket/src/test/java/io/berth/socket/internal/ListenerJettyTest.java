package io.berth.socket.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static io.berth.socket.internal.TestServer.freePort;
import static io.berth.socket.internal.TestServer.get;
import static io.berth.socket.internal.TestServer.exchange;
import static io.berth.socket.internal.TestServer.readAll;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Security;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listeners as Jetty runs them, without OSGi: each test binds the way the listener component
 * does and talks to the socket over loopback, byte for byte where the limits matter.
 */
@Timeout(60)
class ListenerJettyTest {

    static {
        // Let this JVM's TLS client offer TLS 1.0, so that refusing it is the listener's doing.
        Security.setProperty("jdk.tls.disabledAlgorithms", "");
    }

    @TempDir
    Path dir;

    private TestServer jetty;

    @BeforeEach
    void startServer() throws Exception {
        jetty = new TestServer();
    }

    @AfterEach
    void stopServer() throws Exception {
        jetty.close();
    }

    @Test
    void twoListenersServeAtOnce() throws Exception {
        int first = freePort();
        int second = freePort();
        listen(Map.of("bind_ip", "127.0.0.1", "bind_port", first));
        listen(Map.of("bind_ip", "127.0.0.1", "bind_port", second));

        assertThat(get("127.0.0.1", first, "/")).startsWith("HTTP/1.1 200").contains("remote=127.0.0.1");
        assertThat(get("127.0.0.1", second, "/")).startsWith("HTTP/1.1 200");
    }

    @Test
    void requestsCarryTheirListenerAndWhetherItIsOutOfService() throws Exception {
        int port = freePort();
        ListenerRuntime listener = listen(Map.of("bind_ip", "127.0.0.1", "bind_port", port));
        String name = "test";

        assertThat(get("127.0.0.1", port, "/attributes")).endsWith("listener=" + name + " draining=null closeable=true");
        listener.outOfService(true);
        listener.outOfService(true); // already out: not a second drain
        assertThat(get("127.0.0.1", port, "/attributes")).endsWith("listener=" + name + " draining=true closeable=true");
        listener.outOfService(false);
        assertThat(get("127.0.0.1", port, "/attributes")).endsWith("listener=" + name + " draining=null closeable=true");
        assertThat(listener.totals().drains.get()).as("drains").isEqualTo(1);
    }

    @Test
    void onStopTheListenerServesOutOfServiceForShutdownDelayThenCloses() throws Exception {
        int port = freePort();
        ListenerRuntime listener = listen(Map.of("bind_ip", "127.0.0.1", "bind_port", port, "shutdown_delay", "1.5"));
        long start = System.nanoTime();

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
            try {
                listener.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // A load balancer's probe sees DRAINING; requests are still served on new connections
        org.awaitility.Awaitility.await().atMost(5, TimeUnit.SECONDS)
                .until(() -> get("127.0.0.1", port, "/attributes").contains("draining=true"));
        assertThat(get("127.0.0.1", port, "/")).startsWith("HTTP/1.1 200");
        assertThat(stopping).isNotDone();

        stopping.get(10, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1400));
        assertThatThrownBy(() -> get("127.0.0.1", port, "/")).isInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void aListenerOutOfServiceForLongerThanShutdownDelayStopsAtOnce() throws Exception {
        int port = freePort();
        ListenerRuntime listener = listen(Map.of("bind_ip", "127.0.0.1", "bind_port", port, "shutdown_delay", "0.5"));
        listener.outOfService(true); // as SIGTERM's handler or an operator's berth:drain does
        Thread.sleep(600);
        long start = System.nanoTime();

        listener.stop();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(400));
    }

    @Test
    void requestsAreCountedByTheClassOfTheStatusTheyWereAnswered() throws Exception {
        int port = freePort();
        ListenerRuntime listener = listen(Map.of("bind_ip", "127.0.0.1", "bind_port", port));
        ListenerTotals totals = listener.totals();

        for (int i = 0; i < 3; i++) {
            assertThat(get("127.0.0.1", port, "/status?code=200")).startsWith("HTTP/1.1 200");
        }
        assertThat(get("127.0.0.1", port, "/status?code=404")).startsWith("HTTP/1.1 404");
        assertThat(get("127.0.0.1", port, "/status?code=404")).startsWith("HTTP/1.1 404");
        assertThat(get("127.0.0.1", port, "/status?code=503")).startsWith("HTTP/1.1 503");
        assertThat(get("127.0.0.1", port, "/status?code=302")).startsWith("HTTP/1.1 302");
        // Counted when the request completes on the server, which may be just after the client has its answer
        org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(totals.answeredInClass(2)).as("2xx").isEqualTo(3);
            assertThat(totals.answeredInClass(4)).as("4xx").isEqualTo(2);
            assertThat(totals.answeredInClass(5)).as("5xx").isEqualTo(1);
            assertThat(totals.answeredInClass(3)).as("3xx").isEqualTo(1);
        });
        assertThat(totals.answeredInClass(1)).as("1xx").isZero();
        assertThat(totals.answeredInClass(0)).as("no class 0").isZero();
        assertThat(totals.answeredInClass(6)).as("no class 6").isZero();
        assertThat(listener.requests()).isEqualTo(7);
    }

    @Test
    void ambiguousPathsAreRefusedUnlessTheListenersUriComplianceLetsThemThrough() throws Exception {
        int strict = freePort();
        listen(Map.of("bind_ip", "127.0.0.1", "bind_port", strict));
        int legacy = freePort();
        listen(Map.of("bind_ip", "127.0.0.1", "bind_port", legacy, "uri_compliance", "legacy"));

        // An object store's name with a percent sign, or with an encoded slash
        for (String path : new String[] {"/v1/AUTH_a/c/50%25", "/v1/AUTH_a/c/a%2Fb"}) {
            assertThat(get("127.0.0.1", strict, path)).as(path).startsWith("HTTP/1.1 400");
            assertThat(get("127.0.0.1", legacy, path)).as(path).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void pathsWrongOnlyInTheirUtf8ReachTheAppWhateverTheMode() throws Exception {
        int strict = freePort();
        listen(Map.of("bind_ip", "127.0.0.1", "bind_port", strict));
        int legacy = freePort();
        listen(Map.of("bind_ip", "127.0.0.1", "bind_port", legacy, "uri_compliance", "legacy"));
        // The bytes of /echo/☃, as Swift's clients send a name: one char a byte, as exchange() writes them
        String snowman = new String("/echo/\u2603".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);

        for (int port : new int[] {strict, legacy}) {
            assertThat(get("127.0.0.1", port, snowman)).endsWith("\r\n\r\npath=" + snowman);
            // For the app to answer (Swift: 412), the escape as sent: never decoded into something else
            assertThat(get("127.0.0.1", port, "/echo/%C3")).endsWith("\r\n\r\npath=/echo/%C3");
            assertThat(get("127.0.0.1", port, "/echo/%E2%98x")).endsWith("\r\n\r\npath=/echo/%E2%98x");
            // Raw bytes that are not UTF-8 would reach the app as U+FFFD, a name the client never sent
            assertThat(get("127.0.0.1", port, "/echo/a\u00ffb")).startsWith("HTTP/1.1 400")
                    .endsWith("the path's raw bytes are not UTF-8\n");
            // Jetty 12.0 refuses these itself, in any mode
            assertThat(get("127.0.0.1", port, "/echo/a%00b")).as("%00").startsWith("HTTP/1.1 400");
            assertThat(get("127.0.0.1", port, "/echo/a%zzb")).as("%zz").startsWith("HTTP/1.1 400");
        }
        // What is ambiguous, or suspicious, stays refused where the mode refuses it
        for (String path : new String[] {"/echo/a%2Fb", "/echo/a\\b", "/echo/%2e%2e/x"}) {
            assertThat(get("127.0.0.1", strict, path)).as(path).startsWith("HTTP/1.1 400");
        }
    }

    @Test
    void servesOnIpv6Loopback() throws Exception {
        int port = freePort();
        listen(Map.of("bind_ip", "[::1]", "bind_port", port));

        assertThat(get("::1", port, "/")).startsWith("HTTP/1.1 200").contains("remote=[0:0:0:0:0:0:0:1]");
    }

    @Test
    void anIpv4AddressServesIpv4OnlyAndTheIpv6WildcardServesBoth() throws Exception {
        int v4 = freePort();
        listen(Map.of("bind_ip", "0.0.0.0", "bind_port", v4));
        int both = freePort();
        listen(Map.of("bind_ip", "::", "bind_port", both));

        assertThat(get("127.0.0.1", v4, "/")).startsWith("HTTP/1.1 200");
        // A host whose firewall rules know only IPv4 must not find the port open on IPv6
        assertThatThrownBy(() -> get("::1", v4, "/")).isInstanceOf(java.net.ConnectException.class);
        assertThat(get("127.0.0.1", both, "/")).startsWith("HTTP/1.1 200");
        assertThat(get("::1", both, "/")).startsWith("HTTP/1.1 200");
    }

    @Test
    void acceptedSocketsGetNodelayAndKeepAliveProbes() throws Exception {
        int port = freePort();
        listen(Map.of("bind_ip", "127.0.0.1", "bind_port", port, "keep_idle", "123"));
        int other = freePort();
        listen(Map.of("bind_ip", "127.0.0.1", "bind_port", other, "tcp_nodelay", "false"));

        assertThat(get("127.0.0.1", port, "/socket")).endsWith("keepalive=true nodelay=true keepidle=123");
        assertThat(get("127.0.0.1", other, "/socket")).endsWith("keepalive=true nodelay=false keepidle=600");
    }

    @Test
    void theBacklogIsTheListenQueue() throws Exception {
        int port = freePort();
        listen(Map.of("bind_ip", "127.0.0.1", "bind_port", port, "backlog", "77"));

        // ss shows a listening socket's accept queue limit as Send-Q.
        Process ss = new ProcessBuilder("ss", "-Hltn", "sport = :" + port).redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ss.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(out.trim().split("\\s+")).as(out).containsSubsequence("LISTEN", "0", "77");
    }

    @Test
    void aRequestLineOverMaxRequestLineIs414() throws Exception {
        int port = freePort();
        listen(Map.of("bind_ip", "127.0.0.1", "bind_port", port));

        assertThat(get("127.0.0.1", port, "/" + "a".repeat(9000))).startsWith("HTTP/1.1 414");
        assertThat(get("127.0.0.1", port, "/" + "a".repeat(8000))).startsWith("HTTP/1.1 200");
    }

    @Test
    void headersOverMaxHeaderSizeAre431() throws Exception {
        int port = freePort();
        listen(Map.of("bind_ip", "127.0.0.1", "bind_port", port));

        assertThat(get("127.0.0.1", port, "/", "X-Big: " + "b".repeat(20 * 1024))).startsWith("HTTP/1.1 431");
        assertThat(get("127.0.0.1", port, "/", "X-Fine: " + "b".repeat(7000))).startsWith("HTTP/1.1 200");
    }

    @Test
    void eachLimitHoldsOnItsOwn() throws Exception {
        int port = freePort();
        listen(Map.of("bind_ip", "127.0.0.1", "bind_port", port, "max_request_line", "1024", "max_header_size", "16384"));

        assertThat(get("127.0.0.1", port, "/" + "a".repeat(2000))).startsWith("HTTP/1.1 414");
        assertThat(get("127.0.0.1", port, "/", "X-Big: " + "b".repeat(12000))).startsWith("HTTP/1.1 200");
        assertThat(get("127.0.0.1", port, "/", "X-Big: " + "b".repeat(17000))).startsWith("HTTP/1.1 431");
    }

    @Test
    void aSilentClientIsCutAfterClientTimeout() throws Exception {
        int port = freePort();
        listen(Map.of("bind_ip", "127.0.0.1", "bind_port", port, "client_timeout", "0.5"));

        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            long start = System.nanoTime();
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(400), Duration.ofSeconds(5));
        }
    }

    @Test
    void aHeadTricklingInIsCutAtHeaderTimeoutWith408() throws Exception {
        int port = freePort();
        listen(Map.of("bind_ip", "127.0.0.1", "bind_port", port, "client_timeout", "5", "header_timeout", "1"));

        try (Socket socket = new Socket("127.0.0.1", port)) {
            assertCutAtOneSecond(socket);
        }
    }

    @Test
    void aHeadTricklingInOverTlsIsCutToo() throws Exception {
        Certificates certificates = new Certificates(dir);
        int port = freePort();
        listen(Map.of("bind_ip", "127.0.0.1", "bind_port", port, "client_timeout", "5", "header_timeout", "1",
                "cert_file", certificates.certFile.toString(), "key_file", certificates.keyFile.toString()));

        try (SSLSocket socket = (SSLSocket) certificates.clientContext("TLS").getSocketFactory()
                .createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            assertCutAtOneSecond(socket);
        }
    }

    /** One byte every 100 ms, never a pause near client_timeout: only header_timeout (1 s) can end it. */
    private static void assertCutAtOneSecond(Socket socket) throws Exception {
        socket.setSoTimeout(10_000);
        long start = System.nanoTime();
        CompletableFuture<Void> slowloris = CompletableFuture.runAsync(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                for (byte b : "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: abcdefghijklmnopqrstuvwxyz0123456789\r\n\r\n".getBytes(StandardCharsets.US_ASCII)) {
                    out.write(b);
                    out.flush();
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException e) {
                // cut by the server, as it should be
            }
        });
        String response;
        try {
            response = readAll(socket.getInputStream());
        } catch (SSLException closedWithoutCloseNotify) {
            response = closedWithoutCloseNotify.toString();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(response).startsWith("HTTP/1.1 408 Request Timeout").contains("X-Trans-Id: tx")
                .contains("Connection: close").contains("Content-Type: text/plain")
                .endsWith("Request Timeout: the request's head did not arrive within header_timeout (1 s)\n");
        assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofSeconds(3));
        slowloris.cancel(true);
    }

    @Test
    void headerTimeoutCountsNeitherIdleTimeBetweenRequestsNorAHeadInTwoQuickParts() throws Exception {
        int port = freePort();
        listen(Map.of("bind_ip", "127.0.0.1", "bind_port", port, "client_timeout", "5", "header_timeout", "0.5"));

        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(200);
            out.write("st: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(TestServer.readResponse(socket)).startsWith("HTTP/1.1 200");
            // Idle between requests for longer than header_timeout: a keep-alive connection, not a slow head
            Thread.sleep(1200);
            out.write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(readAll(socket.getInputStream())).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void errorsJettyAnswersItselfComeInBerthsForm() throws Exception {
        int port = freePort();
        listen(Map.of("bind_ip", "127.0.0.1", "bind_port", port, "max_request_line", "1024", "max_header_size", "2048"));
        String[] requests = {
            "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n", // bad percent-encoding
            "GET /a%00b HTTP/1.1\r\nHost: x\r\n\r\n", // NUL in the path
            "GET /\u00ff\u00fe HTTP/1.1\r\nHost: x\r\n\r\n", // raw bytes that are not UTF-8
            "GET /" + "a".repeat(2000) + " HTTP/1.1\r\nHost: x\r\n\r\n", // 414
            "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(3000) + "\r\n\r\n", // 431
            "GET / HTTP/7.0\r\nHost: x\r\n\r\n", // 505
            "TRACE / HTTP/1.1\r\nHost: x\r\n\r\n", // 405
        };
        for (String request : requests) {
            String response = exchange("127.0.0.1", port, request);
            String what = request.substring(0, Math.min(40, request.length()));
            assertThat(response).as(what).matches("(?s)HTTP/1\\.1 (400|405|414|431|505) .*")
                    .containsPattern("(?i)X-Trans-Id: tx[0-9a-f]{21}-[0-9a-f]{10}\r\n")
                    .containsIgnoringCase("Content-Type: text/plain")
                    .doesNotContainIgnoringCase("<html").doesNotContainIgnoringCase("jetty").doesNotContain("Server:");
            String status = response.substring(9, 12);
            String body = response.substring(response.indexOf("\r\n\r\n") + 4);
            assertThat(body).as(what).startsWith(org.eclipse.jetty.http.HttpStatus.getMessage(Integer.parseInt(status))).endsWith("\n");
        }
    }

    @Test
    void traceIsRefusedUnlessTheListenerAllowsIt() throws Exception {
        int port = freePort();
        listen(Map.of("bind_ip", "127.0.0.1", "bind_port", port));
        int allowing = freePort();
        listen(Map.of("bind_ip", "127.0.0.1", "bind_port", allowing, "allow_trace", "true"));
        String trace = "TRACE /hello HTTP/1.1\r\nHost: x\r\nX-Auth-Token: AUTH_tksecret\r\nConnection: close\r\n\r\n";

        assertThat(exchange("127.0.0.1", port, trace)).startsWith("HTTP/1.1 405").doesNotContain("AUTH_tksecret");
        assertThat(exchange("127.0.0.1", allowing, trace)).startsWith("HTTP/1.1 200");
    }

    @Test
    void keepaliveFalseClosesEveryConnectionAfterItsResponse() throws Exception {
        int port = freePort();
        listen(Map.of("bind_ip", "127.0.0.1", "bind_port", port, "keepalive", "false"));
        int kept = freePort();
        listen(Map.of("bind_ip", "127.0.0.1", "bind_port", kept));

        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String response = readAll(socket.getInputStream()); // ends only if the server closes
            assertThat(response).startsWith("HTTP/1.1 200").containsIgnoringCase("Connection: close");
        }
        try (Socket socket = new Socket("127.0.0.1", kept)) {
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String responses = readAll(socket.getInputStream());
            assertThat(responses.split("HTTP/1.1 200", -1)).hasSize(3);
        }
    }

    @Test
    void tlsServesTls13AndRefusesTls10() throws Exception {
        Certificates certificates = new Certificates(dir);
        int port = freePort();
        listen(Map.of("bind_ip", "127.0.0.1", "bind_port", port, "cert_file", certificates.certFile.toString(),
                "key_file", certificates.keyFile.toString()));

        try (SSLSocket socket = (SSLSocket) certificates.clientContext("TLS").getSocketFactory()
                .createSocket("127.0.0.1", port)) {
            socket.setEnabledProtocols(new String[] {"TLSv1.3"});
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(readAll(socket.getInputStream())).startsWith("HTTP/1.1 200").endsWith("secure=true");
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
        try (SSLSocket socket = (SSLSocket) certificates.clientContext("TLS").getSocketFactory()
                .createSocket("127.0.0.1", port)) {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.startHandshake();
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
        }
        try (SSLSocket socket = (SSLSocket) certificates.clientContext("TLSv1").getSocketFactory()
                .createSocket("127.0.0.1", port)) {
            socket.setEnabledProtocols(new String[] {"TLSv1"});
            assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLException.class)
                    .hasMessageContaining("protocol_version");
        }
    }

    @Test
    void aRenewedCertificateIsServedWithoutARestartAndAKeyThatIsNotItsIsRefused() throws Exception {
        Certificates first = new Certificates(dir);
        Certificates second = new Certificates(java.nio.file.Files.createDirectory(dir.resolve("renewed")));
        int port = freePort();
        ListenerRuntime listener = listen(Map.of("bind_ip", "127.0.0.1", "bind_port", port, "cert_file", first.certFile.toString(),
                "key_file", first.keyFile.toString(), "cert_check_interval", "0.2"));
        assertThat(served(port)).isEqualTo(first.certificate);

        // As certbot renews: new files renamed over the old ones, the key first (a moment with a pair that does not match)
        java.nio.file.Files.move(second.keyFile, first.keyFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        java.nio.file.Files.move(second.certFile, first.certFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        org.awaitility.Awaitility.await("the renewed certificate served").atMost(20, TimeUnit.SECONDS)
                .until(() -> served(port).equals(second.certificate));

        // A key that is not the certificate's: refused, the certificate served until now goes on
        Path stray = dir.resolve("stray");
        java.nio.file.Files.createDirectory(stray);
        Certificates other = new Certificates(stray);
        java.nio.file.Files.move(other.keyFile, first.keyFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        org.awaitility.Awaitility.await().pollDelay(1, TimeUnit.SECONDS).atMost(5, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(served(port)).isEqualTo(second.certificate));
        assertThat(listener.state()).isEqualTo(io.berth.api.Listener.State.SERVING);
    }

    /** The certificate a new TLS connection is served, trusting whatever it is. */
    private static java.security.cert.X509Certificate served(int port) throws Exception {
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return (java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    @Test
    void caFileRequiresAClientCertificateItSigned() throws Exception {
        Certificates certificates = new Certificates(dir);
        int port = freePort();
        listen(Map.of("bind_ip", "127.0.0.1", "bind_port", port, "cert_file", certificates.certFile.toString(),
                "key_file", certificates.keyFile.toString(), "ca_file", certificates.certFile.toString()));

        try (SSLSocket socket = (SSLSocket) certificates.clientContextWithCertificate().getSocketFactory()
                .createSocket("127.0.0.1", port)) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(readAll(socket.getInputStream())).startsWith("HTTP/1.1 200");
        }
        try (SSLSocket socket = (SSLSocket) certificates.clientContext("TLS").getSocketFactory()
                .createSocket("127.0.0.1", port)) {
            // TLS 1.3 finishes the client's side of the handshake before the server checks its
            // certificate: the refusal (a certificate_required alert, or the connection closed under
            // the client's write) comes after it.
            assertThatThrownBy(() -> {
                socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                readAll(socket.getInputStream());
            }).isInstanceOf(IOException.class);
        }
    }

    @Test
    void aPkcs1RsaKeyWorksToo() throws Exception {
        Certificates certificates = new Certificates(dir);
        int port = freePort();
        listen(Map.of("bind_ip", "127.0.0.1", "bind_port", port, "cert_file", certificates.certFile.toString(),
                "key_file", certificates.rsaKeyFile.toString()));

        try (SSLSocket socket = (SSLSocket) certificates.clientContext("TLS").getSocketFactory()
                .createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            assertThat(socket.getSession().getPeerCertificates()[0]).isEqualTo(certificates.certificate);
        }
    }

    @Test
    void proxyProtocolV1GivesTheRealClientAddress() throws Exception {
        int port = freePort();
        listen(Map.of("bind_ip", "127.0.0.1", "bind_port", port, "require_proxy_protocol", "true"));

        String response = exchange("127.0.0.1", port, "PROXY TCP4 203.0.113.7 127.0.0.1 51234 " + port + "\r\n"
                + "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(response).startsWith("HTTP/1.1 200").endsWith("remote=203.0.113.7 secure=false");
    }

    @Test
    void aPortFreedInsideTheWindowIsBound() throws Exception {
        int port = freePort();
        ServerSocket holder = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
        ListenerSettings settings = ListenerSettings.parse("late", Map.of("bind_ip", "127.0.0.1", "bind_port", port,
                "bind_timeout", "10"));
        long start = System.nanoTime();
        CompletableFuture<ServerSocketChannel> bound = CompletableFuture.supplyAsync(() -> {
            try {
                return Binder.bind(settings);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        CompletableFuture.delayedExecutor(400, TimeUnit.MILLISECONDS).execute(() -> close(holder));

        try (ServerSocketChannel channel = bound.get(15, TimeUnit.SECONDS)) {
            assertThat(((InetSocketAddress) channel.getLocalAddress()).getPort()).isEqualTo(port);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        }
    }

    @Test
    void aPortHeldPastTheWindowFailsWithSwiftsLine() throws Exception {
        int port = freePort();
        try (ServerSocket holder = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            ListenerSettings settings = ListenerSettings.parse("busy", Map.of("bind_ip", "127.0.0.1", "bind_port", port,
                    "bind_timeout", "0.5"));

            assertThatThrownBy(() -> Binder.bind(settings)).isInstanceOf(Binder.BindTimeoutException.class)
                    .hasMessage("Could not bind to 127.0.0.1:" + port + " after trying for 0.5 seconds");
        }
    }

    @Test
    void reusePortLetsTwoSocketsShareAPort() throws Exception {
        int port = freePort();
        Map<String, Object> config = Map.of("bind_ip", "127.0.0.1", "bind_port", port, "reuse_port", "true",
                "bind_timeout", "0");
        try (ServerSocketChannel first = Binder.bind(ListenerSettings.parse("a", config));
                ServerSocketChannel second = Binder.bind(ListenerSettings.parse("b", config))) {
            assertThat(first.isOpen()).isTrue();
            assertThat(second.isOpen()).isTrue();
        }
        Map<String, Object> exclusive = new HashMap<>(config);
        exclusive.put("reuse_port", "false");
        try (ServerSocketChannel first = Binder.bind(ListenerSettings.parse("a", exclusive))) {
            assertThatThrownBy(() -> Binder.bind(ListenerSettings.parse("b", exclusive)))
                    .isInstanceOf(Binder.BindTimeoutException.class);
        }
    }

    private ListenerRuntime listen(Map<String, Object> config) throws Exception {
        return jetty.listen("test", config);
    }

    private static void close(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
