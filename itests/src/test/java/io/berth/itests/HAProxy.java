package io.berth.itests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HAProxy in the foreground ({@code -db}, so that this process owns it and can stop it), with
 * its configuration and an admin stats socket in a directory of the test's: what it thinks of
 * each server is read from {@code show stat}, as an operator would.
 */
final class HAProxy {

    private final Path dir;
    private final Path socket;
    private Process haproxy;

    HAProxy(Path dir) {
        this.dir = dir;
        this.socket = dir.resolve("haproxy.sock");
    }

    /** The line to put in the configuration's global section for {@link #command} to work. */
    String statsSocketLine() {
        return "stats socket " + socket + " mode 600 level admin";
    }

    /** Checks the configuration ({@code haproxy -c}) and starts HAProxy with it; output goes to haproxy.log. */
    void start(String configuration) throws IOException, InterruptedException {
        Path config = Files.writeString(dir.resolve("haproxy.cfg"), configuration);
        Processes.run(List.of(binary(), "-c", "-f", config.toString()), null).orFail("haproxy -c -f " + config);
        Files.deleteIfExists(socket);
        haproxy = new ProcessBuilder(binary(), "-db", "-f", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("haproxy.log").toFile()))
                .start();
    }

    boolean isRunning() {
        return haproxy != null && haproxy.isAlive();
    }

    void stop() throws InterruptedException {
        Processes.stop(haproxy, 10_000);
    }

    /** A command on the stats socket (e.g. {@code show stat}, {@code disable server b/n1}) and its answer. */
    String command(String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(16384);
            while (channel.read(buffer) >= 0) {
                answer.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    /**
     * Each server of a backend and its status as HAProxy sees it: {@code UP}, {@code DOWN},
     * {@code UP 1/2} (going down), {@code DOWN 1/2} (coming up), {@code MAINT}, ...; empty
     * while the stats socket does not answer.
     */
    Map<String, String> servers(String backend) {
        Map<String, String> status = new LinkedHashMap<>();
        stat(backend).forEach((server, columns) -> status.put(server, columns.get("status")));
        return status;
    }

    /**
     * {@code show stat} for the servers of a backend: server name to its columns by name
     * ({@code status}, {@code stot} sessions in total, {@code hrsp_5xx}, ...); empty while the
     * stats socket does not answer.
     */
    Map<String, Map<String, String>> stat(String backend) {
        Map<String, Map<String, String>> servers = new LinkedHashMap<>();
        String stat;
        try {
            stat = command("show stat");
        } catch (IOException notYet) {
            return servers;
        }
        List<String> lines = stat.lines().toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
            return servers;
        }
        String[] header = lines.get(0).substring(2).split(",", -1);
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",", -1);
            if (fields.length < 2 || !fields[0].equals(backend) || fields[1].equals("BACKEND") || fields[1].equals("FRONTEND")) {
                continue;
            }
            Map<String, String> columns = new LinkedHashMap<>();
            for (int i = 0; i < Math.min(header.length, fields.length); i++) {
                columns.put(header[i], fields[i]);
            }
            servers.put(fields[1], columns);
        }
        return servers;
    }

    private static String binary() {
        return Files.isExecutable(Path.of("/usr/sbin/haproxy")) ? "/usr/sbin/haproxy" : "haproxy";
    }
}
