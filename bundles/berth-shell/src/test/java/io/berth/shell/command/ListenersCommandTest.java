package io.berth.shell.command;

import static io.berth.shell.command.Fakes.print;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.berth.api.Listener;
import io.berth.api.Listener.Worker;
import io.berth.shell.command.Fakes.FakeListener;

class ListenersCommandTest {

    @Test
    void showsAddressTlsStateAndCountsSummedOverWorkers() {
        FakeListener main = new FakeListener("main", "http://0.0.0.0:8080/");
        main.workers = List.of(new Worker(0, 3, 1, 10, 0), new Worker(1, 4, 2, 20, 1));
        main.inFlight = 5; // a connector draining after a reload still has two
        main.requests = 1234;
        main.errors = 7;
        FakeListener tls = new FakeListener("tls", "https://[::1]:8443/");

        assertThat(print(ListenersCommand.table(List.of(main, tls)))).isEqualTo(""
                + "Name | Address      | TLS | State   | Workers | Connections | In flight | Requests | Errors\n"
                + "-----+--------------+-----+---------+---------+-------------+-----------+----------+-------\n"
                + "main | 0.0.0.0:8080 | no  | SERVING |       2 |           7 |         5 |     1234 |      7\n"
                + "tls  | [::1]:8443   | yes | SERVING |       1 |           0 |         0 |        0 |      0\n");
    }

    @Test
    void aListenerTakenOutOfServiceIsDrainingAndAFailedOneSaysWhy() {
        FakeListener drained = new FakeListener("main", "http://0.0.0.0:8080/");
        drained.outOfService = true;
        FakeListener failed = new FakeListener("bad", null);
        failed.state = Listener.State.FAILED;
        failed.reason = "berth.listener-bad: bind_port: 70000 is out of range (1..65535)"; // as ListenerComponent words it
        failed.workers = List.of();
        FakeListener starting = new FakeListener("new", "http://127.0.0.1:9000/");
        starting.state = Listener.State.STARTING;

        assertThat(print(ListenersCommand.table(List.of(failed, drained, starting)))).isEqualTo(""
                + "Name | Address        | TLS | State                                                                   | Workers | Connections | In flight | Requests | Errors\n"
                + "-----+----------------+-----+-------------------------------------------------------------------------+---------+-------------+-----------+----------+-------\n"
                + "bad  | -              | no  | FAILED: berth.listener-bad: bind_port: 70000 is out of range (1..65535) |       0 |           0 |         0 |        0 |      0\n"
                + "main | 0.0.0.0:8080   | no  | DRAINING                                                                |       1 |           0 |         0 |        0 |      0\n"
                + "new  | 127.0.0.1:9000 | no  | STARTING                                                                |       1 |           0 |         0 |        0 |      0\n");
    }

    @Test
    void noListenerSaysHowToAddOne() {
        assertThat(print(ListenersCommand.table(List.of()))).endsWith("No listener: add etc/berth.listener-NAME.cfg\n");
    }
}
