package io.berth.pipeline.internal;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;

/** Configuration Admin holding factory configurations by PID, each with the properties last stored. */
@SuppressWarnings("unchecked")
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
                    String byPid = "(service.pid=";
                    String byFactory = "(service.factoryPid=" + PipelineSettings.FACTORY_PID + ")";
                    List<Configuration> found = new ArrayList<>();
                    if (filter != null && filter.startsWith(byPid)) {
                        String pid = filter.substring(byPid.length(), filter.length() - 1);
                        if (stored.containsKey(pid)) {
                            found.add(configuration(pid));
                        }
                    } else if (byFactory.equals(filter)) {
                        stored.keySet().forEach(pid -> found.add(configuration(pid)));
                    } else {
                        throw new UnsupportedOperationException(filter);
                    }
                    return found.isEmpty() ? null : found.toArray(new Configuration[0]);
                });
    }

    private Configuration configuration(String pid) {
        return (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Configuration.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getProperties":
                            return new Hashtable<>((Hashtable<String, Object>) stored.get(pid));
                        case "getPid":
                            return pid;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
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
