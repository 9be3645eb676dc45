package io.berth.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class EffectiveConfigTest {

    @Test
    void oneLinePerSettingSortedWithSecretsMaskedAndFrameworkKeysLeftOut() {
        Dictionary<String, Object> listener = new Hashtable<>(Map.of("bind_port", "8080", "bind_ip", "0.0.0.0",
                "key_file", "/etc/berth/tls/key.pem", "service.pid", "berth.listener~main",
                "felix.fileinstall.filename", "file:/opt/berth/etc/berth.listener-main.cfg"));
        Dictionary<String, Object> pipeline = new Hashtable<>(Map.of("pipeline", "tempauth hello",
                "tempauth.user_admin_admin", "admin .admin", "tempauth.Auth_Token_Secret", "s3cr3t",
                "authtoken.password", "hunter2"));

        List<String> lines = EffectiveConfig.lines(
                Map.of(EffectiveConfig.displayName("berth.pipeline~main"), pipeline,
                        EffectiveConfig.displayName("berth.listener~main"), listener),
                List.of("file:/opt/berth/etc/berth.listener-main.cfg", "berth.pipeline~main (ConfigurationAdmin)"));

        assertThat(lines).containsExactly(
                EffectiveConfig.RULE,
                "Berth configuration, effective now (secrets masked)",
                "Configuration gathered from:",
                "  file:/opt/berth/etc/berth.listener-main.cfg",
                "  berth.pipeline~main (ConfigurationAdmin)",
                "berth.listener-main.bind_ip = 0.0.0.0",
                "berth.listener-main.bind_port = 8080",
                "berth.listener-main.key_file = ****",
                "berth.pipeline-main.authtoken.password = ****",
                "berth.pipeline-main.pipeline = tempauth hello",
                "berth.pipeline-main.tempauth.Auth_Token_Secret = ****",
                "berth.pipeline-main.tempauth.user_admin_admin = ****",
                EffectiveConfig.RULE);
        assertThat(String.join("\n", lines)).doesNotContain("hunter2", "s3cr3t", "key.pem", ".admin");
    }
}
