package io.berth.socket.internal;

import static io.berth.socket.internal.TestGenerations.boundAcceptor;
import static io.berth.socket.internal.TestGenerations.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker as Felix's ConnectorFactoryTracker uses it: asked for a connector by a started Jetty
 * server, which adds and starts it; asked again by a new server after a Jetty restart.
 */
@Timeout(60)
class WorkerTest {

    @TempDir
    Path dir;

    private final ListenerTotals totals = new ListenerTotals();
    private final List<ListenerRuntime.Worker> started = new CopyOnWriteArrayList<>();
    private final List<String> invalid = new CopyOnWriteArrayList<>();
    private final List<Server> servers = new CopyOnWriteArrayList<>();
    private final List<Acceptor> acceptors = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Server server : servers) {
            server.stop();
        }
        acceptors.forEach(Acceptor::stopQuietly);
    }

    @Test
    void itsConnectorServesWhatItsSocketAcceptsOnceJettyStartedIt() throws Exception {
        ListenerRuntime.Worker worker = worker(settings(8080));
        Server server = server("first");

        Connector connector = worker.createConnector(server);
        assertThat(worker.started).isFalse();
        add(server, connector);

        assertThat(started).containsExactly(worker);
        assertThat(worker.started).isTrue();
        assertThat(worker.connector).isSameAs(connector);
        assertThat(connector.getName()).isEqualTo("berth-main");
        assertThat(get(worker)).startsWith("HTTP/1.1 200").endsWith("first");
        assertThat(totals.accepted.sum()).as("counted in the listener's totals").isEqualTo(1);
    }

    @Test
    void afterAJettyRestartTheSameSocketFeedsTheNewServersConnector() throws Exception {
        ListenerRuntime.Worker worker = worker(settings(8080));
        Server first = server("first");
        add(first, worker.createConnector(first));
        assertThat(get(worker)).endsWith("first");

        first.stop();
        assertThat(worker.started).as("started after its connector stopped").isFalse();
        Server second = server("second");
        add(second, worker.createConnector(second));

        assertThat(worker.started).isTrue();
        assertThat(started).hasSize(2);
        assertThat(get(worker)).startsWith("HTTP/1.1 200").endsWith("second");
    }

    @Test
    void aRespawnedSocketFeedsTheConnectorServingNow() throws Exception {
        ListenerRuntime.Worker worker = worker(settings(8080));
        Server server = server("served");
        add(server, worker.createConnector(server));
        Acceptor dead = worker.acceptor;
        worker.kill();
        assertThat(dead.channel.isOpen()).isFalse();

        Acceptor fresh = boundAcceptor("main");
        acceptors.add(fresh);
        worker.adopt(fresh, () -> { });

        assertThat(worker.acceptor).isSameAs(fresh);
        assertThat(worker.ownsAcceptor).isTrue();
        assertThat(get(worker)).startsWith("HTTP/1.1 200").endsWith("served");
    }

    @Test
    void settingsThatMakeNoConnectorFailTheListenerAndJettysCall() throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "not a certificate");
        Path key = Files.writeString(dir.resolve("key.pem"), "not a key");
        ListenerRuntime.Worker worker = worker(settings(8080, "cert_file", cert.toString(), "key_file", key.toString()));
        Server server = server("never");

        assertThatThrownBy(() -> worker.createConnector(server)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("berth.listener-main: cert_file: ");
        assertThat(invalid).singleElement().asString().startsWith("berth.listener-main: cert_file: ")
                .endsWith("cert.pem is not a PEM file");
        assertThat(started).isEmpty();
    }

    private ListenerRuntime.Worker worker(ListenerSettings settings) {
        Acceptor acceptor = boundAcceptor("main");
        acceptors.add(acceptor);
        acceptor.start(() -> { });
        Generation generation = new Generation(settings, 1);
        ListenerRuntime.Worker worker = new ListenerRuntime.Worker(generation, 0, acceptor, totals, started::add, invalid::add);
        generation.workers.add(worker);
        return worker;
    }

    /** A started Jetty server answering every request with {@code body}. */
    private Server server(String body) throws Exception {
        Server server = new Server();
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                Content.Sink.write(response, true, body, callback);
                return true;
            }
        });
        server.start();
        servers.add(server);
        return server;
    }

    /** What Felix's ConnectorFactoryTracker does with a new connector. */
    private static void add(Server server, Connector connector) throws Exception {
        server.addConnector(connector);
        connector.start();
    }

    private static String get(ListenerRuntime.Worker worker) throws Exception {
        return TestServer.get("127.0.0.1", worker.acceptor.channel.socket().getLocalPort(), "/");
    }
}
