package io.berth.socket.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;

/**
 * A listener serves what Configuration Admin holds, even where Declarative Services delivered
 * older properties (the race of two quick updates): built directly, with Configuration Admin and
 * the bundle context as stand-ins. The listener never reaches Jetty here; its settings show in
 * its URL.
 */
@Timeout(60)
class ListenerComponentTest {

    private static final String PID = "berth.listener~main";

    private final int[] ports = {freePort(), freePort(), freePort()};

    /** What Configuration Admin holds for the PID. */
    private volatile Map<String, Object> stored;
    private final ListenerConfigurations configurations = new ListenerConfigurations(configurationAdmin());
    private ListenerComponent listener;

    @AfterEach
    void stop() throws Exception {
        if (listener != null) {
            listener.deactivate();
        }
        configurations.deactivate();
    }

    @Test
    void twoUpdatesBackToBackEndWithTheSecondThoughDeclarativeServicesDeliveredOnlyTheFirst() {
        listener = new ListenerComponent(bundleContext(), store(ports[0]), configurations);
        awaitUrl(url(0));

        // Two updates back to back; DS delivers the first one's properties, and skips the second event.
        Map<String, Object> first = store(ports[1]);
        store(ports[2]);
        configurations.configurationEvent(updated());
        listener.modified(first);
        configurations.configurationEvent(updated());

        awaitUrl(url(2));
    }

    @Test
    void aStaleDeliveryAfterEveryEventIsCorrectedWithNoEventToFollow() {
        listener = new ListenerComponent(bundleContext(), store(ports[0]), configurations);
        Map<String, Object> first = store(ports[1]);
        store(ports[2]);
        configurations.configurationEvent(updated());
        awaitUrl(url(2));

        listener.modified(first);

        awaitUrl(url(2));
        assertThat(listener.url()).isEqualTo(url(2));
    }

    private String url(int index) {
        return "http://127.0.0.1:" + ports[index] + "/";
    }

    private static int freePort() {
        try {
            return TestServer.freePort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, Object> store(int port) {
        Map<String, Object> properties = new HashMap<>(Map.of("service.pid", PID, "bind_ip", "127.0.0.1",
                "bind_port", port, "bind_timeout", "0"));
        stored = properties;
        return properties;
    }

    private void awaitUrl(String url) {
        // The listener's thread binds; its URL changes at once with its settings.
        Awaitility.await("listener settings for " + url).atMost(10, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(listener.url()).isEqualTo(url));
        // And stays so once the reads have run.
        Awaitility.await().pollDelay(200, TimeUnit.MILLISECONDS).atMost(10, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(listener.url()).isEqualTo(url));
    }

    private static ConfigurationEvent updated() {
        @SuppressWarnings("unchecked")
        org.osgi.framework.ServiceReference<ConfigurationAdmin> reference = proxy(org.osgi.framework.ServiceReference.class,
                (method, args) -> null);
        return new ConfigurationEvent(reference, ConfigurationEvent.CM_UPDATED, ListenerSettings.FACTORY_PID, PID);
    }

    private ConfigurationAdmin configurationAdmin() {
        return proxy(ConfigurationAdmin.class, (method, args) -> {
            if (!method.equals("listConfigurations")) {
                throw new UnsupportedOperationException(method);
            }
            Configuration configuration = proxy(Configuration.class, (m, a) -> {
                if (!m.equals("getProperties")) {
                    throw new UnsupportedOperationException(m);
                }
                return new Hashtable<>(stored);
            });
            return new Configuration[] {configuration};
        });
    }

    private static BundleContext bundleContext() {
        return proxy(BundleContext.class, (method, args) -> {
            if (method.equals("registerService")) {
                return proxy(ServiceRegistration.class, (m, a) -> null);
            }
            return null;
        });
    }

    interface Answer {
        Object answer(String method, Object[] args) throws Exception;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<?> type, Answer answer) {
        return (T) Proxy.newProxyInstance(ListenerComponentTest.class.getClassLoader(), new Class<?>[] {type},
                (self, method, args) -> switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(self);
                    case "equals" -> self == args[0];
                    case "toString" -> type.getSimpleName();
                    default -> answer.answer(method.getName(), args);
                });
    }

}
