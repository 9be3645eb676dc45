package io.berth.itests;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Bounded load from the test's JVM: threads doing GETs over loopback, half of them on one
 * keep-alive connection each (a new one only when the server closes it), half on a new connection
 * per request; plain HTTP or TLS. Every request is recorded with its start time, its latency and
 * whether it failed (an exception, or a status other than 200), so {@link #stats} can tell a
 * phase (a restart) from another (steady state) afterwards. Nothing is retried: a failed request
 * is a failure, as it is for a client behind a balancer that does not retry.
 */
final class Load {

    /**
     * Where the load goes: loopback port, path, TLS (trusting any certificate, SNI localhost) or
     * not, and request headers ({@code "X-Auth-Token: AUTH_tk..."}) sent with every request.
     */
    record Target(int port, String path, boolean tls, List<String> headers) {
        static Target http(int port, String path) {
            return new Target(port, path, false, List.of());
        }

        static Target https(int port, String path) {
            return new Target(port, path, true, List.of());
        }

        Target withHeaders(String... more) {
            List<String> all = new ArrayList<>(headers);
            all.addAll(List.of(more));
            return new Target(port, path, tls, List.copyOf(all));
        }
    }

    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 30_000;
    /** Failures kept with their reason, for the assertion message. */
    private static final int FAILURES_KEPT = 20;

    private final Target target;
    private final long intervalNanos;
    private final List<Worker> workers = new ArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final Map<String, LongAdder> certificates = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
    private final SSLContext tls;
    private volatile boolean stopping;
    private final long started = System.nanoTime();

    private Load(Target target, int threads, double requestsPerSecondPerThread) {
        this.target = target;
        this.intervalNanos = requestsPerSecondPerThread > 0 ? (long) (1e9 / requestsPerSecondPerThread) : 0;
        this.tls = target.tls() ? trustingEveryCertificate() : null;
        for (int i = 0; i < threads; i++) {
            workers.add(new Worker(i % 2 == 0, "load-" + target.port() + "-" + i));
        }
    }

    /**
     * Starts the load at once.
     *
     * @param requestsPerSecondPerThread a pace for each thread (0: as fast as answers come). On a
     *        small machine a pace leaves the cores to the servers: a restarting node boots in its
     *        usual time, and latency measures the servers, not a queue in front of the client.
     */
    static Load start(Target target, int threads, double requestsPerSecondPerThread) {
        Load load = new Load(target, threads, requestsPerSecondPerThread);
        load.workers.forEach(Thread::start);
        return load;
    }

    /** Stops every thread after its request in flight; returns the whole run's numbers. */
    Stats stop() throws InterruptedException {
        stopping = true;
        for (Worker worker : workers) {
            worker.join(READ_TIMEOUT_MS + CONNECT_TIMEOUT_MS + 5_000);
        }
        return stats(started, System.nanoTime());
    }

    /** Numbers of the requests that started between the two {@link System#nanoTime()} readings; after {@link #stop}. */
    Stats stats(long fromNanos, long toNanos) {
        if (!stopping || workers.stream().anyMatch(Thread::isAlive)) {
            throw new IllegalStateException("stop the load first");
        }
        long ok = 0;
        long failed = 0;
        long[] latencies = new long[workers.stream().mapToInt(w -> w.count).sum()];
        int n = 0;
        for (Worker worker : workers) {
            for (int i = 0; i < worker.count; i++) {
                if (worker.starts[i] < fromNanos || worker.starts[i] >= toNanos) {
                    continue;
                }
                long latency = worker.latencies[i];
                if (latency < 0) {
                    failed++;
                    latency = -latency;
                } else {
                    ok++;
                }
                latencies[n++] = latency;
            }
        }
        Arrays.sort(latencies, 0, n);
        return new Stats(ok, failed, (toNanos - fromNanos) / 1e9, percentile(latencies, n, 0.50),
                percentile(latencies, n, 0.99), n == 0 ? 0 : latencies[n - 1]);
    }

    /** The first failures, each with its time since the start and its reason. */
    List<String> failures() {
        return List.copyOf(failures);
    }

    /** TLS: SHA-256 fingerprint (as openssl prints it) of each certificate the server presented, and on how many connections. */
    Map<String, Long> certificates() {
        Map<String, Long> seen = new TreeMap<>();
        certificates.forEach((fingerprint, count) -> seen.put(fingerprint, count.sum()));
        return seen;
    }

    /**
     * How many responses had each status, the whole run (a request that got no response has none).
     * For a test where statuses other than 200 are expected (429 past a rate limit).
     */
    Map<Integer, Long> statuses() {
        Map<Integer, Long> counted = new TreeMap<>();
        statuses.forEach((status, count) -> counted.put(status, count.sum()));
        return counted;
    }

    private static long percentile(long[] sorted, int n, double quantile) {
        return n == 0 ? 0 : sorted[Math.min(n - 1, (int) Math.ceil(quantile * n) - 1)];
    }

    /** Requests answered 200 and failed, over a span of seconds, with latency percentiles in nanoseconds. */
    record Stats(long ok, long failed, double seconds, long p50Nanos, long p99Nanos, long maxNanos) {
        long requests() {
            return ok + failed;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d requests in %.1f s (%.0f/s), %d failed, p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                    requests(), seconds, requests() / Math.max(seconds, 1e-9), failed, p50Nanos / 1e6, p99Nanos / 1e6,
                    maxNanos / 1e6);
        }
    }

    private final class Worker extends Thread {
        private final boolean keepAlive;
        private final String head;
        /** Written by this thread only, read after it ended. */
        private long[] starts = new long[4096];
        /** Negative: the request failed (after that long). */
        private long[] latencies = new long[4096];
        private int count;
        private Socket socket;
        private InputStream in;

        Worker(boolean keepAlive, String name) {
            super(name);
            this.keepAlive = keepAlive;
            StringBuilder request = new StringBuilder("GET ").append(target.path()).append(" HTTP/1.1\r\nHost: localhost\r\n");
            target.headers().forEach(header -> request.append(header).append("\r\n"));
            this.head = request.append(keepAlive ? "" : "Connection: close\r\n").append("\r\n").toString();
            setDaemon(true);
        }

        @Override
        public void run() {
            long next = System.nanoTime();
            while (!stopping) {
                if (intervalNanos > 0) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                        continue;
                    }
                    // Behind (a slow answer): the pace resumes from now, no burst to catch up.
                    next = Math.max(next + intervalNanos, System.nanoTime());
                }
                long start = System.nanoTime();
                String failure = request();
                record(start, System.nanoTime() - start, failure);
            }
            close();
        }

        /** One GET: null when answered 200, else why not. */
        private String request() {
            try {
                if (socket == null) {
                    open();
                }
                OutputStream out = socket.getOutputStream();
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Response response = Response.read(in);
                statuses.computeIfAbsent(response.status(), s -> new LongAdder()).increment();
                if (!keepAlive || response.closes()) {
                    close();
                }
                return response.status() == 200 ? null : response.statusLine();
            } catch (IOException | RuntimeException e) {
                close();
                return e.toString();
            }
        }

        private void open() throws IOException {
            Socket plain = new Socket();
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target.port()), CONNECT_TIMEOUT_MS);
            plain.setSoTimeout(READ_TIMEOUT_MS);
            socket = plain;
            if (tls != null) {
                SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(plain, "localhost", target.port(), true);
                SSLParameters parameters = secure.getSSLParameters();
                parameters.setServerNames(List.of(new SNIHostName("localhost")));
                secure.setSSLParameters(parameters);
                socket = secure;
                secure.startHandshake();
                Certificate[] chain = secure.getSession().getPeerCertificates();
                certificates.computeIfAbsent(fingerprint((X509Certificate) chain[0]), f -> new LongAdder()).increment();
            }
            in = new BufferedInputStream(socket.getInputStream());
        }

        private void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a connection that failed
                }
                socket = null;
            }
        }

        private void record(long start, long latency, String failure) {
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            starts[count] = start;
            latencies[count] = failure == null ? latency : -Math.max(latency, 1);
            count++;
            if (failure != null && failures.size() < FAILURES_KEPT) {
                failures.add(String.format(Locale.ROOT, "%.3f s %s %s: %s", (start - started) / 1e9, getName(),
                        keepAlive ? "keep-alive" : "new connection", failure));
            }
        }
    }

    /** An HTTP/1.1 response read whole: Content-Length, chunked, or up to the end of the connection. */
    private record Response(String statusLine, int status, boolean closes) {
        static Response read(InputStream in) throws IOException {
            String statusLine = line(in);
            if (statusLine == null) {
                throw new IOException("connection closed before a response");
            }
            String[] parts = statusLine.split(" ", 3);
            int status = Integer.parseInt(parts[1]);
            long length = -1;
            boolean chunked = false;
            boolean closes = statusLine.startsWith("HTTP/1.0");
            for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
                int colon = header.indexOf(':');
                String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = header.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.contains("chunked");
                    case "connection" -> closes = value.contains("close");
                    default -> { }
                }
            }
            if (chunked) {
                for (long size = Long.parseLong(line(in).split(";")[0].trim(), 16); size > 0;
                        size = Long.parseLong(line(in).split(";")[0].trim(), 16)) {
                    skip(in, size);
                    line(in);
                }
                for (String trailer = line(in); trailer != null && !trailer.isEmpty(); trailer = line(in)) {
                    // trailers: none expected
                }
            } else if (length >= 0) {
                skip(in, length);
            } else {
                in.readAllBytes();
                closes = true;
            }
            return new Response(statusLine, status, closes);
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
                }
                if (b != '\r') {
                    line.write(b);
                }
            }
            return line.toString(StandardCharsets.ISO_8859_1);
        }

        private static void skip(InputStream in, long bytes) throws IOException {
            in.skipNBytes(bytes);
        }
    }

    /** SHA-256 of a certificate as {@code openssl x509 -fingerprint -sha256} prints it: AB:CD:... */
    static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Loopback tests against self-signed certificates: the certificate is checked by its fingerprint instead. */
    private static SSLContext trustingEveryCertificate() {
        TrustManager trustAll = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustAll}, new SecureRandom());
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
