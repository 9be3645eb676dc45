package io.berth.supervisor.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.event.Event;

import io.berth.api.Lifecycle;
import io.berth.api.Listener;

@Timeout(30)
class SupervisorComponentTest {

    private final SupervisorComponent supervisor = new SupervisorComponent();
    private final FakeListener main = new FakeListener("main", Listener.State.SERVING);
    private final FakeListener admin = new FakeListener("admin", Listener.State.SERVING);
    private final FakeListener broken = new FakeListener("broken", Listener.State.FAILED);

    @AfterEach
    void uninstall() {
        supervisor.deactivate();
    }

    @Test
    void onSigtermEveryListenerLeavesServiceForTheLongestShutdownDelay() {
        supervisor.addListener(main);
        supervisor.addListener(admin);
        main.shutdownDelay = java.time.Duration.ofSeconds(5);
        admin.shutdownDelay = java.time.Duration.ofSeconds(2);

        assertThat(supervisor.leaveService()).isEqualTo(java.time.Duration.ofSeconds(5));
        assertThat(main.outOfService).isTrue();
        assertThat(admin.outOfService).isTrue();
    }

    @Test
    void withoutShutdownDelaySigtermTakesNothingOutOfService() {
        supervisor.addListener(main);
        supervisor.addListener(admin);

        assertThat(supervisor.leaveService()).isZero();
        assertThat(main.outOfService).isFalse();
        assertThat(admin.outOfService).isFalse();
    }

    @Test
    void reloadsEveryListenerThatServes() {
        supervisor.addListener(main);
        supervisor.addListener(admin);
        supervisor.addListener(broken);

        assertThat(supervisor.reloadAll()).containsExactly("main", "admin");
        assertThat(main.reloads.get()).isEqualTo(1);
        assertThat(admin.reloads.get()).isEqualTo(1);
        assertThat(broken.reloads.get()).isZero();
    }

    @Test
    void reloadsOneByNameOrSaysWhichExist() {
        supervisor.addListener(main);
        supervisor.addListener(admin);

        supervisor.reload("admin");

        assertThat(admin.reloads.get()).isEqualTo(1);
        assertThat(main.reloads.get()).isZero();
        assertThatThrownBy(() -> supervisor.reload("mian")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No listener named 'mian'; listeners: admin, main");
    }

    @Test
    void sighupReloadsEveryListener() throws Exception {
        // Under nohup the JVM inherits SIGHUP ignored and cannot take it over (Hangup then warns).
        Assumptions.assumeFalse(hangupIgnoredSinceStart(), "SIGHUP is ignored in this process (started under nohup)");
        supervisor.addListener(main);

        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();

        Awaitility.await("reload after SIGHUP").atMost(10, TimeUnit.SECONDS).until(() -> main.reloads.get() > 0);
        // The JVM is still here: SIGHUP no longer stops it.
        assertThat(main.reloads.get()).isEqualTo(1);
    }

    @Test
    void systemdHearsReadyReloadingAndStopping(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("notify.sock");
        Path script = dir.resolve("notify-socket.py");
        try (InputStream in = getClass().getResourceAsStream("/notify-socket.py")) {
            Files.copy(in, script);
        }
        Process receiver = new ProcessBuilder("python3", script.toString(), socket.toString()).start();
        try {
            BufferedReader datagrams = new BufferedReader(new InputStreamReader(receiver.getInputStream(), StandardCharsets.UTF_8));
            assertThat(datagrams.readLine()).isEqualTo("bound");
            SupervisorComponent notifying = new SupervisorComponent(
                    new SystemdNotify(Map.of("NOTIFY_SOCKET", socket.toString()), 4242, "systemd-notify"));
            notifying.bindShell(Map.of(SupervisorComponent.SHELL_STATE, "usable"));
            FakeListener starting = new FakeListener("main", Listener.State.STARTING);
            notifying.addListener(starting);

            notifying.checkReady(); // main is still starting: nothing yet
            notifying.addListener(broken);
            notifying.removeListener(starting);
            notifying.addListener(main);
            assertThat(nextDatagram(datagrams)).contains("READY=1", "MAINPID=4242", "STATUS=Serving: broken FAILED, main SERVING");

            notifying.handleEvent(new Event(Lifecycle.RELOADING, Map.of(Lifecycle.LISTENER, "main")));
            assertThat(nextDatagram(datagrams)).contains("RELOADING=1", "STATUS=Reloading main");
            notifying.handleEvent(new Event(Lifecycle.STARTED, Map.of(Lifecycle.LISTENER, "main")));
            assertThat(nextDatagram(datagrams)).contains("READY=1");

            notifying.deactivate();
            assertThat(nextDatagram(datagrams)).contains("STOPPING=1");
        } finally {
            receiver.destroyForcibly();
        }
    }

    @Test
    void readyWaitsForTheShellAndSaysWhenItIsNotUsable(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("notify.sock");
        Path script = dir.resolve("notify-socket.py");
        try (InputStream in = getClass().getResourceAsStream("/notify-socket.py")) {
            Files.copy(in, script);
        }
        Process receiver = new ProcessBuilder("python3", script.toString(), socket.toString()).start();
        try {
            BufferedReader datagrams = new BufferedReader(new InputStreamReader(receiver.getInputStream(), StandardCharsets.UTF_8));
            assertThat(datagrams.readLine()).isEqualTo("bound");
            SupervisorComponent notifying = new SupervisorComponent(
                    new SystemdNotify(Map.of("NOTIFY_SOCKET", socket.toString()), 4242, "systemd-notify"));

            notifying.addListener(main); // serves, but bin/client cannot log in yet: no READY=1
            notifying.handleEvent(new Event(Lifecycle.STARTED, Map.of(Lifecycle.LISTENER, "main")));
            notifying.bindShell(Map.of(SupervisorComponent.SHELL_STATE, "unusable",
                    SupervisorComponent.SHELL_REASON, "nothing answers on 127.0.0.1:8101"));

            // The first datagram is the one sent once berth-admin said the shell is ready.
            assertThat(nextDatagram(datagrams)).contains("READY=1",
                    "STATUS=Serving: main SERVING; the Karaf shell is not usable: nothing answers on 127.0.0.1:8101");
            notifying.deactivate();
        } finally {
            receiver.destroyForcibly();
        }
    }

    /** The next datagram, skipping the BARRIER=1 that systemd-notify sends to synchronise. */
    private static String nextDatagram(BufferedReader datagrams) throws IOException {
        String line = datagrams.readLine();
        while (line != null && line.equals("BARRIER=1")) {
            line = datagrams.readLine();
        }
        return line;
    }

    private static final class FakeListener implements Listener {
        final String name;
        final State state;
        final AtomicInteger reloads = new AtomicInteger();
        volatile java.time.Duration shutdownDelay = java.time.Duration.ZERO;
        volatile boolean outOfService;

        FakeListener(String name, State state) {
            this.name = name;
            this.state = state;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public State state() {
            return state;
        }

        @Override
        public String reason() {
            return null;
        }

        @Override
        public String url() {
            return "http://127.0.0.1:1/";
        }

        @Override
        public long requestsInFlight() {
            return 0;
        }

        @Override
        public void reload() {
            reloads.incrementAndGet();
        }

        @Override
        public java.util.List<Worker> workers() {
            return java.util.List.of();
        }

        @Override
        public long requests() {
            return 0;
        }

        @Override
        public long errors() {
            return 0;
        }

        @Override
        public void drain() {
            outOfService = true;
        }

        @Override
        public void resume() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean outOfService() {
            return outOfService;
        }

        @Override
        public java.time.Duration shutdownDelay() {
            return shutdownDelay;
        }
    }

    /** Linux: SigIgn in /proc/self/status has bit 0 (SIGHUP) set when the process was started with it ignored. */
    private static boolean hangupIgnoredSinceStart() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return false;
        }
        return Files.readAllLines(status).stream().filter(line -> line.startsWith("SigIgn:"))
                .anyMatch(line -> (Long.parseLong(line.substring("SigIgn:".length()).strip(), 16) & 1L) != 0);
    }
}
