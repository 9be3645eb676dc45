package io.berth.supervisor.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * sd_notify(3) for a JVM: when systemd started Berth with {@code Type=notify} it sets
 * {@code NOTIFY_SOCKET}, a Unix datagram socket Java cannot write to, so the datagram is sent by
 * systemd's own {@code systemd-notify}, on behalf of this process ({@code MAINPID}); the unit
 * needs {@code NotifyAccess=all}. Without {@code NOTIFY_SOCKET} nothing is sent.
 */
final class SystemdNotify {

    private static final Logger LOG = LoggerFactory.getLogger(SystemdNotify.class);

    private final String socket;
    private final long pid;
    private final String command;

    SystemdNotify(Map<String, String> environment, long pid, String command) {
        String value = environment.get("NOTIFY_SOCKET");
        this.socket = value == null || value.isEmpty() ? null : value;
        this.pid = pid;
        this.command = command;
    }

    static SystemdNotify fromEnvironment() {
        return new SystemdNotify(System.getenv(), ProcessHandle.current().pid(), "systemd-notify");
    }

    boolean enabled() {
        return socket != null;
    }

    /** Sends {@code KEY=value} assignments (READY=1, RELOADING=1, STOPPING=1, STATUS=...) in one datagram. */
    synchronized void send(String... assignments) {
        if (socket == null) {
            return;
        }
        List<String> line = new ArrayList<>();
        line.add(command);
        line.add("--pid=" + pid);
        line.addAll(List.of(assignments));
        ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true);
        builder.environment().put("NOTIFY_SOCKET", socket);
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes()).trim();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                LOG.warn("systemd-notify {} did not finish in 10 s", String.join(" ", assignments));
            } else if (process.exitValue() != 0) {
                LOG.warn("systemd-notify {} failed ({}): {}", String.join(" ", assignments), process.exitValue(), output);
            }
        } catch (IOException e) {
            LOG.warn("NOTIFY_SOCKET is set but systemd-notify cannot be run: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
