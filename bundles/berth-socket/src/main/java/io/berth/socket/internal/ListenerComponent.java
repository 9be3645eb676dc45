package io.berth.socket.internal;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.felix.http.jetty.ConnectorFactory;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.InvalidSettingException;
import io.berth.api.Listener;

/**
 * One listener, from one {@code etc/berth.listener-NAME.cfg}, serving through Felix's Jetty
 * ({@link ConnectorFactory} services). An edit that fails validation is logged as
 * {@code berth.listener-NAME: KEY: reason} and changes nothing; a valid edit is a seamless reload
 * (see {@link ListenerRuntime}); removing the file drains the listener and stops it. Other
 * listeners are never touched.
 * <p>
 * Relies on Felix HTTP beyond the whiteboard specification, checked against
 * {@code org.apache.felix.http.jetty12} 1.1.8 (Jetty 12.0.32):
 * <ul>
 * <li>{@link ConnectorFactory} is Felix's own seam, not a standard: its
 *     {@code ConnectorFactoryTracker} (a {@code ServiceTracker}, so on the registering thread)
 *     creates, adds and starts the connector before {@code registerService} returns, and stops
 *     and removes it on unregistration. Every Felix Jetty instance tracks every ConnectorFactory:
 *     with several instances, each would get the listener's workers.</li>
 * <li>Felix registers its {@code HttpServiceRuntime} when Jetty has started, then adds the
 *     whiteboard's servlets, updating the runtime's {@code service.changecount} as it does: the
 *     listener hands connections over once that count has been quiet for
 *     {@link #WHITEBOARD_SETTLE_NANOS}. A timing, not a promise.</li>
 * </ul>
 * The itests {@code ListenersTest} and {@code DistributionProcessTest} check both on Felix.
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

        @AttributeDefinition(description = "Seconds a connection may stay idle (no byte received or sent) before it is closed")
        double client__timeout() default 60;

        @AttributeDefinition(description = "Seconds a request's head (request line and headers) may take to arrive once its first byte has; past it 408 and the connection closes, however steadily bytes trickle in (0: only client_timeout)")
        double header__timeout() default 20;

        @AttributeDefinition(description = "Let TRACE through to the pipelines; by default it is answered 405, since a TRACE response echoes the request's credentials (cross-site tracing)")
        boolean allow__trace() default false;

        @AttributeDefinition(description = "Seconds the listener keeps accepting and serving once Berth is told to stop (SIGTERM) or the listener is removed, with healthcheck answering 503 DRAINING, before its socket closes and the drain begins: time for a load balancer to take the node out (0: close at once)")
        double shutdown__delay() default 0;

        @AttributeDefinition(description = "Seconds between looks at cert_file and key_file: a renewed certificate (new files renamed over the old, as certbot or cert-manager do) is served from the next connection by a seamless reload; a key that is not the certificate's is refused with a log line and the previous certificate keeps serving (0: never look)")
        double cert__check__interval() default 5;

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

        @AttributeDefinition(description = "Seconds requests in flight may take to finish when the listener stops or reloads (0: no limit)")
        double graceful__shutdown__timeout() default 60;

        @AttributeDefinition(description = "0: one socket; N (up to 64): N sockets sharing the port (SO_REUSEPORT), each with its own acceptor and connector")
        int workers() default 0;

        @AttributeDefinition(description = "Places per worker, taken by requests in flight and by new connections until their first request (1 s at most): beyond it new connections wait in the backlog, and one more request on an idle keep-alive connection gets 503")
        int max__clients() default 1024;

        @AttributeDefinition(description = "Seconds a request may run (uWSGI's harakiri, 0: off): past it the request is logged with its transaction id and answered 503 if its response has not begun")
        double request__timeout() default 0;

        @AttributeDefinition(description = "Jetty's URI compliance mode: DEFAULT answers ambiguous paths (%2F, %25, //, encoded dot segments) 400 itself; LEGACY, RFC3986, UNAMBIGUOUS or UNSAFE let some through, for apps such as an object store whose names hold them (set org.eclipse.jetty.UriComplianceMode in etc/org.apache.felix.http.cfg to the same mode so servlets can read them). Every mode lets through names sent as raw UTF-8 and escapes that spell no UTF-8, for the app to answer; raw bytes that are not UTF-8, %00 and bad escapes such as %zz are refused 400 in every mode")
        String uri__compliance() default "DEFAULT";
    }

    /** Optional: without EventAdmin, lifecycle events are not posted. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    /**
     * berth-admin's marker service, there once bin/client can log in (its key written, Karaf's SSH
     * server accepting it): until then new connections wait in the backlog, so the first 200 means
     * the shell is usable too.
     */
    @Reference(service = Object.class, target = "(berth.ready=shell)", cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile Object shellReady;

    /** Quiet time of the whiteboard's change count after which its servlets count as registered. */
    static final long WHITEBOARD_SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * Felix registers its HttpServiceRuntime, then adds the whiteboard's servlets: connections
     * are handed to Jetty once the runtime is there and its change count has settled, so a
     * Jetty (re)start answers no request with 404 for want of its servlets.
     */
    private volatile boolean whiteboard;
    private volatile long whiteboardChanged = System.nanoTime();

    private final String name;
    private final String pid;
    private final ListenerRuntime runtime;
    private final ServiceRegistration<Listener> status;
    private final ListenerConfigurations configurations;
    private final java.util.function.Consumer<Map<String, Object>> resync = this::resync;

    /** Guarded by this. */
    private ListenerSettings settings;
    /** Guarded by this: the operator's keys of the properties last applied, valid or not. */
    private Map<String, String> given;

    @Activate
    public ListenerComponent(BundleContext context, Map<String, Object> properties,
            @Reference ListenerConfigurations configurations) {
        this.name = ListenerSettings.nameOf(properties);
        this.pid = String.valueOf(properties.get(Constants.SERVICE_PID));
        this.configurations = configurations;
        this.runtime = new ListenerRuntime(name, (factory, description) -> {
            Dictionary<String, Object> props = new Hashtable<>();
            props.put(NAME_PROPERTY, name);
            props.put(Constants.SERVICE_DESCRIPTION, description);
            // Felix's Jetty creates and starts the connector before registerService returns.
            ServiceRegistration<ConnectorFactory> registration = context.registerService(ConnectorFactory.class, factory, props);
            return registration::unregister;
        }, (topic, eventProperties) -> {
            EventAdmin events = eventAdmin;
            if (events != null) {
                events.postEvent(new Event(topic, eventProperties));
            }
        }, () -> shellReady != null && whiteboard && System.nanoTime() - whiteboardChanged > WHITEBOARD_SETTLE_NANOS);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(NAME_PROPERTY, name);
        this.status = context.registerService(Listener.class, this, props);
        apply(properties);
        configurations.added(pid, resync);
        // DS may have handed over older properties than Configuration Admin holds (see ListenerConfigurations).
        configurations.resync(pid);
    }

    @Reference(service = HttpServiceRuntime.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void bindWhiteboard(ServiceReference<HttpServiceRuntime> reference) {
        whiteboardChanged = System.nanoTime();
        whiteboard = true;
    }

    void updatedWhiteboard(ServiceReference<HttpServiceRuntime> reference) {
        whiteboardChanged = System.nanoTime();
    }

    void unbindWhiteboard(ServiceReference<HttpServiceRuntime> reference) {
        whiteboard = false;
        whiteboardChanged = System.nanoTime();
    }

    @Modified
    void modified(Map<String, Object> properties) {
        apply(properties);
        configurations.resync(pid);
    }

    /** What Configuration Admin holds now, read after an event or a delivery. */
    void resync(Map<String, Object> properties) {
        apply(properties);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        configurations.removed(pid, resync);
        status.unregister();
        runtime.stop();
        LOG.info("Berth listener {} stopped", name);
    }

    private synchronized void apply(Map<String, Object> properties) {
        Map<String, String> operatorKeys = ListenerSettings.operatorKeys(properties);
        if (operatorKeys.equals(given)) {
            return; // applied already, from DS's delivery or from Configuration Admin: an invalid edit is logged once
        }
        given = operatorKeys;
        ListenerSettings next;
        try {
            next = ListenerSettings.parse(name, properties);
            if (next.tls()) {
                Tls.serverContext(next); // the files are read now, so a bad one is a configuration error
            }
        } catch (InvalidSettingException e) {
            String line = "berth.listener-" + name + ": " + e.getMessage();
            if (settings == null) {
                runtime.fail(line);
            } else {
                LOG.error("{} (the listener keeps its previous settings)", line);
            }
            return;
        }
        if (!next.equals(settings)) {
            settings = next;
            runtime.apply(next);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public State state() {
        return runtime.state();
    }

    @Override
    public String reason() {
        return runtime.reason();
    }

    @Override
    public String url() {
        return runtime.url();
    }

    @Override
    public void reload() {
        LOG.info("Berth listener {}: reload requested", name);
        runtime.reload();
    }

    @Override
    public long requestsInFlight() {
        return runtime.inFlight();
    }

    @Override
    public List<Worker> workers() {
        return runtime.workerStatus();
    }

    @Override
    public long requests() {
        return runtime.requests();
    }

    @Override
    public long errors() {
        return runtime.errors();
    }

    @Override
    public long connectionsAccepted() {
        return runtime.totals().accepted.sum();
    }

    @Override
    public long refusedAtMaxClients() {
        return runtime.totals().refused.sum();
    }

    @Override
    public long reloads() {
        return runtime.totals().reloads.get();
    }

    @Override
    public long drains() {
        return runtime.totals().drains.get();
    }

    @Override
    public long workerRespawns() {
        return runtime.totals().respawns.get();
    }

    @Override
    public long answered(int statusClass) {
        return runtime.totals().answeredInClass(statusClass);
    }

    @Override
    public void drain() {
        LOG.info("Berth listener {}: taken out of service (healthcheck answers DRAINING)", name);
        runtime.outOfService(true);
    }

    @Override
    public void resume() {
        LOG.info("Berth listener {}: back in service", name);
        runtime.outOfService(false);
    }

    @Override
    public java.time.Duration shutdownDelay() {
        return runtime.shutdownDelay();
    }

    @Override
    public boolean outOfService() {
        return runtime.outOfService();
    }
}
