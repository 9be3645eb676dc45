package io.berth.jmx.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.StandardMBean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MBeans of services, one per object name. Two services may carry the same name for a moment
 * (a listener's configuration replaced: the new one can register before the old one leaves), so
 * every service is remembered and the name shows the one that came last; when it leaves, the one
 * before it is shown again. Called by SCR only, never on a request's path: a lock is cheap here.
 */
final class Registrations {

    static final String DOMAIN = "io.berth";

    private static final Logger LOG = LoggerFactory.getLogger(Registrations.class);

    /** A service and the MBean that shows it. */
    private record Shown(Object service, StandardMBean mbean) {
    }

    private final MBeanServer server;

    /** Per name, the services carrying it in the order they came; the last one is registered. */
    private final Map<ObjectName, List<Shown>> byName = new LinkedHashMap<>();

    Registrations(MBeanServer server) {
        this.server = server;
    }

    /**
     * @param type {@code Listener} or {@code Pipeline}
     * @param name the listener's or pipeline's name
     * @return {@code io.berth:type=TYPE,name=NAME}, the name quoted when it holds a character
     *     object names reserve
     */
    static ObjectName objectName(String type, String name) {
        String value = name.matches("[A-Za-z0-9_.\\-]+") ? name : ObjectName.quote(name);
        try {
            return new ObjectName(DOMAIN + ":type=" + type + ",name=" + value);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("no object name for " + type + " " + name, e);
        }
    }

    synchronized void add(ObjectName name, Object service, StandardMBean mbean) {
        List<Shown> shown = byName.computeIfAbsent(name, n -> new ArrayList<>());
        if (!shown.isEmpty()) {
            unregister(name);
        }
        shown.add(new Shown(service, mbean));
        register(name, mbean);
    }

    synchronized void remove(Object service) {
        for (var entry : byName.entrySet()) {
            List<Shown> shown = entry.getValue();
            for (int i = 0; i < shown.size(); i++) {
                if (shown.get(i).service() == service) {
                    boolean registered = i == shown.size() - 1;
                    shown.remove(i);
                    if (registered) {
                        unregister(entry.getKey());
                        if (!shown.isEmpty()) {
                            register(entry.getKey(), shown.get(shown.size() - 1).mbean());
                        }
                    }
                    if (shown.isEmpty()) {
                        byName.remove(entry.getKey());
                    }
                    return;
                }
            }
        }
    }

    synchronized void clear() {
        byName.keySet().forEach(this::unregister);
        byName.clear();
    }

    private void register(ObjectName name, StandardMBean mbean) {
        try {
            server.registerMBean(mbean, name);
            LOG.debug("Registered MBean {}", name);
        } catch (JMException | RuntimeException e) {
            LOG.warn("MBean {} not registered: {}", name, e.toString());
        }
    }

    private void unregister(ObjectName name) {
        try {
            server.unregisterMBean(name);
        } catch (JMException | RuntimeException e) {
            LOG.warn("MBean {} not unregistered: {}", name, e.toString());
        }
    }
}
