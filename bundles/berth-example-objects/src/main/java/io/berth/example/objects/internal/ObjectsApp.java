package io.berth.example.objects.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import jakarta.servlet.Servlet;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

import io.berth.api.AppFactory;
import io.berth.api.Stage;
import io.berth.api.StageSettings;

/**
 * The {@code objects} app: a single-node object store speaking OpenStack Swift's v1 API, so
 * that the {@code swift} client can drive it ({@code pipeline = catch_errors ... tempauth objects}).
 *
 * <p>Each pipeline generation gets its own servlet, with its own limits, over the one store of its
 * {@code root}, which this component owns and generations borrow. Generations overlap: the next is
 * created while the last still serves, and opening a store removes what interrupted writes left
 * behind, so a second store on the root would delete the files of the uploads in flight through
 * the first. A root's store is opened by the first generation on it and kept while this component
 * lives.
 */
// Immediate: a delayed component can be disposed when no pipeline holds the service for a moment,
// and the next instance would open every store again, crash cleanup included.
@Component(service = AppFactory.class, immediate = true)
@Stage(ObjectsApp.NAME)
public final class ObjectsApp implements AppFactory {

    static final String NAME = "objects";

    /** Swift's MAX_FILE_SIZE: 5 GiB and 2 bytes. */
    static final long DEFAULT_MAX_FILE_SIZE = 5L * 1024 * 1024 * 1024 + 2;

    /** By real path, so that two spellings of a root share its store; guarded by itself. */
    private final Map<Path, ObjectStore> stores = new HashMap<>();

    @ObjectClassDefinition(name = "Berth objects",
            description = "A Swift-compatible object store on local disk: /v1/ACCOUNT/CONTAINER/OBJECT and /info.")
    public @interface Config {

        @AttributeDefinition(name = "Storage directory",
                description = "Where accounts, containers and objects are kept. Default: ${karaf.data}/objects; "
                        + "without karaf.data (outside Karaf) it must be set.")
        String root() default "";

        @AttributeDefinition(name = "Largest object",
                description = "In bytes; a larger PUT gets 413. Default: 5368709122 (Swift's MAX_FILE_SIZE).")
        long max__file__size() default DEFAULT_MAX_FILE_SIZE;

        @AttributeDefinition(name = "Container listing limit",
                description = "Most objects in one container listing; a larger limit= gets 412. Default: 10000.")
        int container__listing__limit() default 10_000;

        @AttributeDefinition(name = "Account listing limit",
                description = "Most containers in one account listing; a larger limit= gets 412. Default: 10000.")
        int account__listing__limit() default 10_000;

        @AttributeDefinition(name = "Most objects in a container",
                description = "Each container's objects are indexed in memory; this bounds what a client can make "
                        + "the server hold. A PUT of a new object beyond it gets 413. Default: 1000000.")
        long max__container__objects() default 1_000_000;

        @AttributeDefinition(name = "Expirer interval",
                description = "Seconds between two runs of the expirer, which deletes the objects whose X-Delete-At "
                        + "has passed (at most 1000 a run); they answer 404 from that time on regardless. "
                        + "Default: 300 (Swift's object-expirer interval).")
        long expirer__interval() default 300;
    }

    @Override
    public Servlet create(Map<String, String> settings) {
        Config config = StageSettings.of(Config.class, NAME, settings);
        positive("max_file_size", config.max__file__size());
        positive("container_listing_limit", config.container__listing__limit());
        positive("account_listing_limit", config.account__listing__limit());
        positive("max_container_objects", config.max__container__objects());
        positive("expirer_interval", config.expirer__interval());
        Path root = root(config.root(), System.getProperty("karaf.data"));
        ObjectStore store;
        try {
            store = store(root);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("root: cannot open the object store at " + root + ": " + e, e);
        }
        store.warnOverfull(config.max__container__objects());
        return new ObjectsServlet(store, config);
    }

    /** The root's store: opened (crash cleanup, index) by the first generation on it, shared by the others. */
    private ObjectStore store(Path root) throws IOException {
        synchronized (stores) {
            Path key = Files.createDirectories(root).toRealPath();
            ObjectStore store = stores.get(key);
            if (store == null) {
                store = ObjectStore.open(key);
                stores.put(key, store);
            }
            return store;
        }
    }

    /** The storage directory: the setting, else ${karaf.data}/objects. */
    static Path root(String setting, String karafData) {
        if (!setting.isBlank()) {
            return Path.of(setting.trim()).toAbsolutePath();
        }
        if (karafData == null || karafData.isBlank()) {
            throw new IllegalArgumentException("root: required when karaf.data is not set (the default is ${karaf.data}/objects)");
        }
        return Path.of(karafData, "objects").toAbsolutePath();
    }

    private static void positive(String key, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + ": must be more than 0, not " + value);
        }
    }
}
