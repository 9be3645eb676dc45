package io.berth.socket.internal;

import static io.berth.socket.internal.TestGenerations.boundAcceptor;
import static io.berth.socket.internal.TestGenerations.generation;
import static io.berth.socket.internal.TestGenerations.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SocketPlanTest {

    private final List<Acceptor> made = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        made.forEach(Acceptor::stopQuietly);
    }

    @Test
    void theFirstGenerationBinds() {
        assertThat(SocketPlan.of(null, settings(8080))).isEqualTo(SocketPlan.BIND_BESIDE);
    }

    @Test
    void settingsThatKeepTheSocketsTakeThemOver() {
        assertThat(SocketPlan.of(settings(8080), settings(8080, "client_timeout", "5", "max_clients", 10)))
                .isEqualTo(SocketPlan.TAKE_OVER);
        assertThat(SocketPlan.of(settings(8080, "workers", 3), settings(8080, "workers", 3, "keepalive", "false")))
                .isEqualTo(SocketPlan.TAKE_OVER);
    }

    @Test
    void anotherPortBindsBeside() {
        assertThat(SocketPlan.of(settings(8080), settings(8081))).isEqualTo(SocketPlan.BIND_BESIDE);
    }

    @Test
    void theSamePortSharedByBothBindsBeside() {
        assertThat(SocketPlan.of(settings(8080, "workers", 2), settings(8080, "workers", 4))).isEqualTo(SocketPlan.BIND_BESIDE);
        assertThat(SocketPlan.of(settings(8080, "reuse_port", "true"), settings(8080, "reuse_port", "true", "backlog", 10)))
                .isEqualTo(SocketPlan.BIND_BESIDE);
    }

    @Test
    void theSamePortNotSharedByBothClosesFirst() {
        assertThat(SocketPlan.of(settings(8080), settings(8080, "backlog", 10))).isEqualTo(SocketPlan.CLOSE_FIRST);
        assertThat(SocketPlan.of(settings(8080), settings(8080, "workers", 2))).isEqualTo(SocketPlan.CLOSE_FIRST);
        assertThat(SocketPlan.of(settings(8080, "workers", 2), settings(8080))).isEqualTo(SocketPlan.CLOSE_FIRST);
    }

    @Test
    void takingOverHandsTheOldAcceptorsOnAndBindsNothing() throws Exception {
        Generation before = track(generation(settings(8080, "workers", 2), 1));

        List<Acceptor> acceptors = SocketPlan.TAKE_OVER.acceptors("main", before, settings(8080, "workers", 2), this::refuse);

        assertThat(acceptors).containsExactlyElementsOf(before.acceptors());
        SocketPlan.TAKE_OVER.release(acceptors);
        assertThat(acceptors).allMatch(acceptor -> acceptor.channel.isOpen(), "left open by release");
    }

    @Test
    void closingFirstClosesTheOldSocketsBeforeTheNewBind() throws Exception {
        Generation before = track(generation(settings(8080), 1));
        List<Boolean> oldOpenAtBind = new ArrayList<>();

        SocketPlan.CLOSE_FIRST.acceptors("main", before, settings(8080, "backlog", 10), (name, settings) -> {
            oldOpenAtBind.add(before.workers.get(0).acceptor.channel.isOpen());
            return open(name, settings);
        });

        assertThat(oldOpenAtBind).containsExactly(false);
    }

    @Test
    void bindingBesideLeavesTheOldSocketsOpenAndNamesTheNewByWorker() throws Exception {
        Generation before = track(generation(settings(8080, "workers", 2), 1));

        List<Acceptor> acceptors = SocketPlan.BIND_BESIDE.acceptors("main", before, settings(8080, "workers", 3), this::open);

        assertThat(acceptors).extracting(acceptor -> acceptor.name).containsExactly("main-0", "main-1", "main-2");
        assertThat(before.acceptors()).allMatch(acceptor -> acceptor.channel.isOpen(), "old socket open");
    }

    @Test
    void withoutWorkersTheAcceptorIsNamedAfterTheListener() throws Exception {
        List<Acceptor> acceptors = SocketPlan.BIND_BESIDE.acceptors("main", null, settings(8080), this::open);

        assertThat(acceptors).extracting(acceptor -> acceptor.name).containsExactly("main");
    }

    @Test
    void aFailedBindClosesTheSocketsBoundBeforeIt() {
        assertThatThrownBy(() -> SocketPlan.BIND_BESIDE.acceptors("main", null, settings(8080, "workers", 3),
                (name, settings) -> {
                    if (made.size() == 2) {
                        throw new IOException("Address already in use");
                    }
                    return open(name, settings);
                })).isInstanceOf(IOException.class).hasMessage("Address already in use");

        assertThat(made).hasSize(2).noneMatch(acceptor -> acceptor.channel.isOpen());
    }

    @Test
    void releasingClosesWhatThePlanBound() throws Exception {
        List<Acceptor> acceptors = SocketPlan.BIND_BESIDE.acceptors("main", null, settings(8080, "workers", 2), this::open);

        SocketPlan.BIND_BESIDE.release(acceptors);

        assertThat(acceptors).noneMatch(acceptor -> acceptor.channel.isOpen());
    }

    private Acceptor open(String name, ListenerSettings settings) {
        Acceptor acceptor = boundAcceptor(name);
        made.add(acceptor);
        return acceptor;
    }

    private Acceptor refuse(String name, ListenerSettings settings) {
        throw new AssertionError("nothing is bound when the sockets are taken over");
    }

    private Generation track(Generation generation) {
        made.addAll(generation.acceptors());
        return generation;
    }
}
