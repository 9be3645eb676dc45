package io.berth.example.objects.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app's settings, and the "KEY: reason" errors a pipeline shows for bad ones. */
class ObjectsAppTest {

    @TempDir
    Path dir;

    @Test
    void rootDefaultsToKarafDataObjectsAndIsRequiredWithoutIt() {
        assertThat(ObjectsApp.root("", "/opt/karaf/data")).isEqualTo(Path.of("/opt/karaf/data/objects"));
        assertThat(ObjectsApp.root(" /srv/objects ", "/opt/karaf/data")).isEqualTo(Path.of("/srv/objects"));
        assertThatThrownBy(() -> ObjectsApp.root("", null)).hasMessageStartingWith("root: required when karaf.data is not set");
    }

    @Test
    void badSettingsAreRefusedNamingTheKey() throws Exception {
        Map<String, String> root = Map.of("root", dir.toString());
        assertThatThrownBy(() -> new ObjectsApp().create(Map.of("root", dir.toString(), "max_file_size", "-1")))
                .hasMessage("max_file_size: must be more than 0, not -1");
        assertThatThrownBy(() -> new ObjectsApp().create(Map.of("root", dir.toString(), "container_listing_limit", "many")))
                .hasMessageStartingWith("container_listing_limit: 'many' is not a whole number");
        assertThatThrownBy(() -> new ObjectsApp().create(Map.of("root", dir.toString(), "colour", "red")))
                .hasMessageStartingWith("colour: unknown setting; objects takes account_listing_limit, container_listing_limit, "
                        + "expirer_interval, max_container_objects, max_file_size, root");
        assertThatThrownBy(() -> new ObjectsApp().create(Map.of("root", dir.toString(), "expirer_interval", "0")))
                .hasMessage("expirer_interval: must be more than 0, not 0");
        assertThatThrownBy(() -> new ObjectsApp().create(Map.of("root", dir.toString(), "expirer_interval", "soon")))
                .hasMessageStartingWith("expirer_interval: 'soon' is not a whole number");
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        assertThatThrownBy(() -> new ObjectsApp().create(Map.of("root", file.toString())))
                .hasMessageStartingWith("root: cannot open the object store at " + file);
        assertThat(new ObjectsApp().create(root)).isInstanceOf(ObjectsServlet.class);
        assertThat(dir.resolve("tmp")).isDirectory();
    }

    @Test
    void theExpirerRunsFromInitToDestroy() throws Exception {
        ObjectsServlet servlet = (ObjectsServlet) new ObjectsApp().create(Map.of("root", dir.toString(), "expirer_interval", "60"));
        assertThat(servlet.expirer().running()).as("before init").isFalse();

        servlet.init();
        assertThat(servlet.expirer().running()).as("after init").isTrue();
        assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().startsWith("berth-objects-expirer "));

        servlet.destroy();
        assertThat(servlet.expirer().running()).as("after destroy").isFalse();

        servlet.init();
        assertThat(servlet.expirer().running()).as("initialised again, as the whiteboard may").isTrue();
        servlet.destroy();
        String name = "berth-objects-expirer " + dir.toRealPath();
        assertThat(Thread.getAllStackTraces().keySet()).as("every timer thread ended within destroy()")
                .noneMatch(t -> t.getName().equals(name) && t.isAlive());
    }
}
