package io.berth.pipeline.internal;

import java.util.Collections;
import java.util.Dictionary;
import java.util.Set;

import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationPlugin;
import org.osgi.service.component.annotations.Component;

import io.berth.api.EffectiveConfiguration;

/**
 * Karaf's {@code config:list} shows Berth's secrets (tempauth's {@code user_ACCOUNT_USER} keys, key
 * files, tokens) masked, as {@code berth:config} does.
 *
 * <p>{@code config:list} prints each configuration's <em>processed</em> properties, which
 * Configuration Admin makes by running its plugins with no service reference (checked against
 * Karaf 4.4.10's {@code ListCommand} and Felix Configuration Admin 1.9: {@code
 * getProcessedProperties(null)} → {@code ConfigurationManager.callPlugins}). So does Karaf's
 * {@code ConfigRepository} when {@code config:edit} loads a configuration that has no file, and it
 * writes what it read back: masking every read without a reference would store {@code ****} as a
 * user's key. Hence the values are masked only for a reader named in {@link #DISPLAYS}, found on
 * the calling thread's stack; Berth's components (read with their own reference) always get the
 * real values. An upgrade of Karaf that renames its command loses the masking, not a value:
 * {@code ShellTest} checks the command's output.
 */
@Component(service = ConfigurationPlugin.class, property = {
        ConfigurationPlugin.CM_TARGET + "=" + PipelineSettings.FACTORY_PID,
        ConfigurationPlugin.CM_TARGET + "=berth.listener",
        // After any plugin that fills values in (Felix's interpolation): 1000 is the last rank whose changes count.
        ConfigurationPlugin.CM_RANKING + ":Integer=1000"})
public final class SecretsMaskedForConfigList implements ConfigurationPlugin {

    /** Classes that only show what they read, to a person. */
    static final Set<String> DISPLAYS = Set.of("org.apache.karaf.config.command.ListCommand");

    @Override
    public void modifyConfiguration(ServiceReference<?> reference, Dictionary<String, Object> properties) {
        if (reference != null || !shownToAPerson()) {
            return;
        }
        for (String key : Collections.list(properties.keys())) {
            if (!PipelineSettings.frameworkKey(key) && EffectiveConfiguration.secret(key)) {
                properties.put(key, EffectiveConfiguration.MASK);
            }
        }
    }

    private static boolean shownToAPerson() {
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(f -> DISPLAYS.contains(f.getClassName())));
    }
}
