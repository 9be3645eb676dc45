package io.berth.shell.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;

import io.berth.api.Supervisor;
import io.berth.shell.command.Fakes.FakeListener;

/** berth:drain, berth:resume and berth:reload. */
class ListenerCommandsTest {

    private final FakeListener main = new FakeListener("main", "http://0.0.0.0:8080/");
    private final FakeListener admin = new FakeListener("admin", "http://127.0.0.1:8081/");
    private final List<String> reloaded = new ArrayList<>();

    private final Supervisor supervisor = new Supervisor() {
        @Override
        public List<String> reloadAll() {
            reloaded.add("all");
            return List.of("admin", "main");
        }

        @Override
        public void reload(String listener) {
            if (!listener.equals("main") && !listener.equals("admin")) {
                throw new IllegalArgumentException("No listener named " + listener + "; listeners: admin, main");
            }
            reloaded.add(listener);
        }
    };

    @Test
    void drainTakesTheListenerOutOfServiceAndSaysWhatThatMeans() throws Exception {
        assertThat(DrainCommand.drain(List.of(admin, main), "main")).isEqualTo("Listener main is out of service: "
                + "healthcheck answers 503 DRAINING, requests are still served; berth:resume main puts it back");
        assertThat(main.calls).containsExactly("drain");
        assertThat(admin.calls).isEmpty();

        assertThat(DrainCommand.drain(List.of(admin, main), "main")).isEqualTo("Listener main is out of service already");
        assertThat(main.calls).containsExactly("drain");
    }

    @Test
    void resumePutsItBack() throws Exception {
        main.outOfService = true;

        assertThat(ResumeCommand.resume(List.of(admin, main), "main"))
                .isEqualTo("Listener main is back in service: healthcheck answers OK");
        assertThat(main.calls).containsExactly("resume");
        assertThat(ResumeCommand.resume(List.of(admin, main), "main")).isEqualTo("Listener main is in service already");
    }

    @Test
    void anUnknownListenerIsOneLineListingThoseThatExist() {
        assertThatThrownBy(() -> DrainCommand.drain(List.of(admin, main), "mian")).isInstanceOf(CommandException.class)
                .hasMessage("No listener named mian; listeners: admin, main");
        assertThatThrownBy(() -> ResumeCommand.resume(List.of(), "main")).isInstanceOf(CommandException.class)
                .hasMessage("No listener named main; there are none");
    }

    @Test
    void reloadWithoutANameReloadsEveryListenerAndSaysSoForEach() throws Exception {
        ReloadCommand command = new ReloadCommand();
        command.supervisor = supervisor;

        assertThat(Fakes.stdout(command::execute)).isEqualTo(""
                + "Reloaded listener admin: a new connector serves, the old one drains (graceful_shutdown_timeout)\n"
                + "Reloaded listener main: a new connector serves, the old one drains (graceful_shutdown_timeout)\n");
        assertThat(reloaded).containsExactly("all");
    }

    @Test
    void reloadOneListener() throws Exception {
        ReloadCommand command = new ReloadCommand();
        command.supervisor = supervisor;
        command.listener = "main";

        assertThat(Fakes.stdout(command::execute)).isEqualTo(
                "Reloaded listener main: a new connector serves, the old one drains (graceful_shutdown_timeout)\n");
        assertThat(reloaded).containsExactly("main");
    }

    @Test
    void reloadOfAnUnknownListenerIsTheSupervisorsOneLine() {
        ReloadCommand command = new ReloadCommand();
        command.supervisor = supervisor;
        command.listener = "mian";

        assertThatThrownBy(command::execute).isInstanceOf(CommandException.class)
                .hasMessage("No listener named mian; listeners: admin, main");
    }

    @Test
    void reloadWithNoListenerOrNoSupervisorSaysSo() throws Exception {
        ReloadCommand command = new ReloadCommand();
        command.supervisor = new Supervisor() {
            @Override
            public List<String> reloadAll() {
                return List.of();
            }

            @Override
            public void reload(String listener) {
                throw new AssertionError();
            }
        };
        assertThat(Fakes.stdout(command::execute)).isEqualTo("No listener to reload\n");

        command.supervisor = null;
        assertThatThrownBy(command::execute).isInstanceOf(CommandException.class)
                .hasMessage("No supervisor service: is bundle io.berth.supervisor running? Nothing was reloaded");
    }
}
