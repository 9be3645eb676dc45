package io.berth.shell.command;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;

import org.apache.karaf.shell.support.CommandException;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

import io.berth.api.AppFactory;
import io.berth.api.Berth;
import io.berth.api.Listener;
import io.berth.api.Pipeline;
import io.berth.api.StageFactory;

/**
 * Berth's listeners, pipelines and stage types as they are when a command runs, looked up in the
 * service registry then and released by {@link #close()}. Commands do not take them as Karaf
 * {@code @Reference} lists: Karaf re-registers every command of a bundle whenever a service in
 * such a list comes or goes, so a command could be missing for a moment while pipelines change.
 */
final class BerthServices implements AutoCloseable {

    private final BundleContext context;
    private final List<ServiceReference<?>> used = new ArrayList<>();

    BerthServices(BundleContext context) {
        this.context = context;
    }

    /** @return every listener, by name */
    List<Listener> listeners() {
        return get(Listener.class, Listener::name);
    }

    /** @return every pipeline, by name */
    List<Pipeline> pipelines() {
        return get(Pipeline.class, Pipeline::name);
    }

    /** @return every stage type registered now, by name, middleware before apps of the same name */
    List<StageType> stageTypes() {
        List<StageType> types = new ArrayList<>();
        for (ServiceReference<StageFactory> reference : references(context, StageFactory.class)) {
            types.add(StageType.of(StageType.MIDDLEWARE, reference.getProperty(Berth.STAGE_PROPERTY), reference.getBundle()));
        }
        for (ServiceReference<AppFactory> reference : references(context, AppFactory.class)) {
            types.add(StageType.of(StageType.APP, reference.getProperty(Berth.STAGE_PROPERTY), reference.getBundle()));
        }
        types.sort(Comparator.comparing(StageType::name).thenComparing(StageType::kind, Comparator.reverseOrder())
                .thenComparing(StageType::bundle));
        return types;
    }

    /** @return the values of a property of a type's services, sorted, without looking the services up */
    static SortedSet<String> names(BundleContext context, Class<?> type, String property) {
        SortedSet<String> names = new TreeSet<>();
        for (ServiceReference<?> reference : references(context, type)) {
            Object name = reference.getProperty(property);
            if (name != null) {
                names.add(name.toString());
            }
        }
        return names;
    }

    private <T> List<T> get(Class<T> type, Function<T, String> name) {
        List<T> services = new ArrayList<>();
        for (ServiceReference<T> reference : references(context, type)) {
            T service = context.getService(reference);
            if (service != null) { // unregistered since it was listed
                used.add(reference);
                services.add(service);
            }
        }
        services.sort(Comparator.comparing(name));
        return services;
    }

    private static <T> Collection<ServiceReference<T>> references(BundleContext context, Class<T> type) {
        try {
            return context.getServiceReferences(type, null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e); // no filter given
        }
    }

    @Override
    public void close() {
        used.forEach(context::ungetService);
        used.clear();
    }

    /**
     * @return the listener of that name
     * @throws CommandException naming the listeners that exist, when none has it
     */
    static Listener listener(List<Listener> listeners, String name) throws CommandException {
        return named(listeners, Listener::name, "listener", name);
    }

    /**
     * @return the pipeline of that name
     * @throws CommandException naming the pipelines that exist, when none has it
     */
    static Pipeline pipeline(List<Pipeline> pipelines, String name) throws CommandException {
        return named(pipelines, Pipeline::name, "pipeline", name);
    }

    private static <T> T named(List<T> all, Function<T, String> nameOf, String what, String name) throws CommandException {
        for (T candidate : all) {
            if (nameOf.apply(candidate).equals(name)) {
                return candidate;
            }
        }
        throw new CommandException("No " + what + " named " + name + "; " + (all.isEmpty() ? "there are none"
                : what + "s: " + String.join(", ", all.stream().map(nameOf).toList())));
    }

    /** A stage type pipelines can name, and the bundle that provides it. */
    record StageType(String name, String kind, String bundle) {

        static final String MIDDLEWARE = "middleware";
        static final String APP = "app";

        static StageType of(String kind, Object name, Bundle bundle) {
            return new StageType(name == null ? "-" : name.toString(), kind,
                    bundle == null ? "-" : bundle.getSymbolicName() + " [" + bundle.getBundleId() + "]");
        }
    }
}
