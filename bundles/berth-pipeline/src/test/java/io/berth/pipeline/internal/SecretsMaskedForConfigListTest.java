package io.berth.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.Hashtable;
import java.util.Map;

import org.apache.karaf.config.command.ListCommand;
import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceReference;

class SecretsMaskedForConfigListTest {

    private final SecretsMaskedForConfigList plugin = new SecretsMaskedForConfigList();

    private static Hashtable<String, Object> pipeline() {
        return new Hashtable<>(Map.of("pipeline", "tempauth hello", "path", "/api",
                "tempauth.user_test_tester", "testing .admin", "hello.api_token", "hunter2",
                "felix.fileinstall.filename", "file:/opt/berth/etc/berth.pipeline-api.cfg"));
    }

    @Test
    void configListSeesSecretsMaskedAndEverythingElseAsItIs() {
        Hashtable<String, Object> properties = pipeline();

        ListCommand.read(properties, read -> plugin.modifyConfiguration(null, read));

        assertThat(properties).containsEntry("tempauth.user_test_tester", "****").containsEntry("hello.api_token", "****")
                .containsEntry("pipeline", "tempauth hello").containsEntry("path", "/api")
                .containsEntry("felix.fileinstall.filename", "file:/opt/berth/etc/berth.pipeline-api.cfg");
    }

    @Test
    void aReaderThatMayWriteBackGetsTheRealValues() {
        Hashtable<String, Object> properties = pipeline();

        plugin.modifyConfiguration(null, properties);

        assertThat(properties).isEqualTo(pipeline());
    }

    @Test
    void aComponentGetsTheRealValuesEvenWhenConfigListIsOnTheStack() {
        Hashtable<String, Object> properties = pipeline();
        ServiceReference<?> component = (ServiceReference<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (proxy, method, args) -> null);

        ListCommand.read(properties, read -> plugin.modifyConfiguration(component, read));

        assertThat(properties).isEqualTo(pipeline());
    }
}
