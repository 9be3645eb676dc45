package io.berth.socket.internal;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.felix.http.jetty.ConnectorFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.Listener;

/**
 * One listener, from one {@code etc/berth.listener-NAME.cfg}: binds its socket (retrying while
 * the port is in use, as Swift does) on a thread of its own, then hands Felix's Jetty a
 * connector through a {@link ConnectorFactory} service. An edit that fails validation is logged
 * as {@code berth.listener-NAME: KEY: reason} and changes nothing; a valid edit replaces the
 * connector. Other listeners are never touched.
 */
@Component(configurationPid = ListenerSettings.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = ListenerComponent.Config.class, factory = true)
public final class ListenerComponent implements Listener {

    private static final Logger LOG = LoggerFactory.getLogger(ListenerComponent.class);

    /** Metatype of a listener: the keys Swift's and oslo's operators know, with their defaults. */
    @ObjectClassDefinition(name = "Berth listener",
            description = "An address Berth serves HTTP or HTTPS on: one etc/berth.listener-NAME.cfg per listener.")
    public @interface Config {
        // Method names map to keys: "__" is "_" (bind__ip is bind_ip).

        @AttributeDefinition(description = "Address or host name to bind (IPv4 or IPv6: 0.0.0.0, ::, ::1, [::1])")
        String bind__ip() default "0.0.0.0";

        @AttributeDefinition(description = "Port, 1..65535 (required)")
        int bind__port();

        @AttributeDefinition(description = "Listen backlog: connections the kernel queues before Berth accepts them")
        int backlog() default 4096;

        @AttributeDefinition(description = "TCP_NODELAY on accepted connections")
        boolean tcp__nodelay() default true;

        @AttributeDefinition(description = "Seconds of idleness before TCP keep-alive probes (SO_KEEPALIVE + TCP_KEEPIDLE), 1..32766")
        int keep__idle() default 600;

        @AttributeDefinition(description = "SO_REUSEPORT, so several sockets can share the port")
        boolean reuse__port() default false;

        @AttributeDefinition(description = "Seconds to keep retrying (every 0.1 s) while the port is in use")
        double bind__timeout() default 30;

        @AttributeDefinition(description = "Seconds a connection may stay idle, or a request take to arrive, before it is closed")
        double client__timeout() default 60;

        @AttributeDefinition(description = "Keep connections open between requests; false closes each after its response")
        boolean keepalive() default true;

        @AttributeDefinition(description = "Longest request line in bytes; longer is answered 414")
        int max__request__line() default 8192;

        @AttributeDefinition(description = "Largest request headers in bytes; larger is answered 431")
        int max__header__size() default 8192;

        @AttributeDefinition(description = "PEM certificate (chain) for HTTPS; requires key_file", required = false)
        String cert__file();

        @AttributeDefinition(description = "PEM private key (PKCS#8 or PKCS#1 RSA, unencrypted)", required = false)
        String key__file();

        @AttributeDefinition(description = "PEM CA certificates: clients must present a certificate they signed", required = false)
        String ca__file();

        @AttributeDefinition(description = "Expect a PROXY protocol header (v1 or v2) first, so logs see the real client address")
        boolean require__proxy__protocol() default false;
    }

    private final BundleContext context;
    private final String name;
    private final ExecutorService binder;
    private final ServiceRegistration<Listener> status;

    /** Guarded by this. */
    private ListenerSettings settings;
    private Future<?> binding;
    private ServiceRegistration<ConnectorFactory> connectorFactory;
    private Factory factory;

    private volatile State state = State.STARTING;
    private volatile String reason;
    private volatile String url = "";

    @Activate
    public ListenerComponent(BundleContext context, Map<String, Object> properties) {
        this.context = context;
        this.name = ListenerSettings.nameOf(properties);
        this.binder = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "berth-listener-" + name);
            thread.setDaemon(true);
            return thread;
        });
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(NAME_PROPERTY, name);
        this.status = context.registerService(Listener.class, this, props);
        apply(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        apply(properties);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        synchronized (this) {
            stopServing();
            settings = null;
        }
        binder.shutdownNow();
        binder.awaitTermination(5, TimeUnit.SECONDS);
        status.unregister();
        state = State.STOPPED;
        LOG.info("Berth listener {} stopped", name);
    }

    private synchronized void apply(Map<String, Object> properties) {
        ListenerSettings next;
        try {
            next = ListenerSettings.parse(name, properties);
            if (next.tls()) {
                Tls.serverContext(next); // the files are read now, so a bad one is a configuration error
            }
        } catch (InvalidSettingException e) {
            String line = "berth.listener-" + name + ": " + e.getMessage();
            if (settings == null) {
                fail(line);
            } else {
                LOG.error("{} (the listener keeps its previous settings)", line);
            }
            return;
        }
        if (next.equals(settings)) {
            return;
        }
        stopServing();
        settings = next;
        url = next.url();
        state = State.STARTING;
        reason = null;
        binding = binder.submit(() -> bind(next));
    }

    /** On the listener's own thread: may wait up to bind_timeout for the port. */
    private void bind(ListenerSettings target) {
        ServerSocketChannel channel;
        try {
            channel = Binder.bind(target);
        } catch (Binder.BindTimeoutException e) {
            fail(e.getMessage());
            return;
        } catch (IOException e) {
            fail("berth.listener-" + name + ": " + ListenerSettings.BIND_IP + ": cannot bind " + target.hostPort()
                    + " (" + e.getMessage() + ")");
            return;
        } catch (InterruptedException e) {
            return; // reconfigured or stopped while waiting for the port
        }
        synchronized (this) {
            if (settings != target || binder.isShutdown()) {
                close(channel);
                return;
            }
            factory = new Factory(target, channel);
            Dictionary<String, Object> props = new Hashtable<>();
            props.put(NAME_PROPERTY, name);
            props.put(Constants.SERVICE_DESCRIPTION, "Berth listener " + name + " on " + target.url());
            connectorFactory = context.registerService(ConnectorFactory.class, factory, props);
        }
    }

    private void stopServing() {
        if (binding != null) {
            binding.cancel(true);
            binding = null;
        }
        if (connectorFactory != null) {
            // Felix's Jetty stops and removes the connector while this returns.
            connectorFactory.unregister();
            connectorFactory = null;
        }
        if (factory != null) {
            factory.closeUnused();
            factory = null;
        }
    }

    private void fail(String line) {
        LOG.error(line);
        state = State.FAILED;
        reason = line;
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
        return reason;
    }

    @Override
    public String url() {
        return url;
    }

    private static void close(ServerSocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("Closing an unused listener socket failed", e);
        }
    }

    /** Gives Felix's Jetty the listener's connector: first on the socket bound already, then (after a Jetty restart) on a new one. */
    private final class Factory implements ConnectorFactory {

        private final ListenerSettings settings;
        private final AtomicReference<ServerSocketChannel> bound;

        Factory(ListenerSettings settings, ServerSocketChannel channel) {
            this.settings = settings;
            this.bound = new AtomicReference<>(channel);
        }

        @Override
        public Connector createConnector(Server server) {
            ServerSocketChannel channel = bound.getAndSet(null);
            try {
                if (channel == null) {
                    channel = Binder.bindOnce(settings);
                }
                return Connectors.create(server, settings, channel, () -> {
                    state = State.SERVING;
                    reason = null;
                }, () -> {
                    if (state == State.SERVING) {
                        state = State.STOPPED;
                    }
                });
            } catch (IOException | InvalidSettingException e) {
                if (channel != null) {
                    close(channel);
                }
                String line = "berth.listener-" + name + ": cannot serve on " + settings.hostPort() + " (" + e.getMessage() + ")";
                fail(line);
                throw new IllegalStateException(line, e);
            }
        }

        void closeUnused() {
            ServerSocketChannel channel = bound.getAndSet(null);
            if (channel != null) {
                close(channel);
            }
        }
    }
}
