package io.berth.config.internal;

import java.lang.reflect.Proxy;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;

/** Configuration Admin holding factory configurations by PID, each with the properties last stored. */
final class FakeConfigurationAdmin {

    private final Map<String, Dictionary<String, Object>> stored = new ConcurrentHashMap<>();
    final ConfigurationAdmin service;

    FakeConfigurationAdmin() {
        ClassLoader loader = getClass().getClassLoader();
        service = (ConfigurationAdmin) Proxy.newProxyInstance(loader, new Class<?>[] {ConfigurationAdmin.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("listConfigurations")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    String filter = (String) args[0];
                    String prefix = "(service.pid=";
                    if (filter == null || !filter.startsWith(prefix)) {
                        throw new UnsupportedOperationException(filter);
                    }
                    String pid = filter.substring(prefix.length(), filter.length() - 1);
                    Dictionary<String, Object> properties = stored.get(pid);
                    if (properties == null) {
                        return null;
                    }
                    return new Configuration[] {(Configuration) Proxy.newProxyInstance(loader,
                            new Class<?>[] {Configuration.class}, (p, m, a) -> {
                                switch (m.getName()) {
                                    case "getProperties":
                                        return new Hashtable<>((Hashtable<String, Object>) properties);
                                    case "getPid":
                                        return pid;
                                    default:
                                        throw new UnsupportedOperationException(m.getName());
                                }
                            })};
                });
    }

    /** Stores a pipeline's properties as Configuration Admin does on update (service.pid added). */
    Map<String, Object> store(String name, Map<String, Object> properties) {
        String pid = PipelineSettings.FACTORY_PID + "~" + name;
        Hashtable<String, Object> withPid = new Hashtable<>(properties);
        withPid.put("service.pid", pid);
        withPid.put("service.factoryPid", PipelineSettings.FACTORY_PID);
        stored.put(pid, withPid);
        return Map.copyOf(withPid);
    }

    /** The event Configuration Admin sends after an update of the pipeline {@code name}. */
    static ConfigurationEvent updated(String name) {
        String pid = PipelineSettings.FACTORY_PID + "~" + name;
        org.osgi.framework.ServiceReference<ConfigurationAdmin> reference = (org.osgi.framework.ServiceReference<ConfigurationAdmin>)
                Proxy.newProxyInstance(FakeConfigurationAdmin.class.getClassLoader(),
                        new Class<?>[] {org.osgi.framework.ServiceReference.class}, (p, m, a) -> null);
        return new ConfigurationEvent(reference, ConfigurationEvent.CM_UPDATED, PipelineSettings.FACTORY_PID, pid);
    }
}
