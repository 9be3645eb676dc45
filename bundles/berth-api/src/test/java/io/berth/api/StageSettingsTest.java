package io.berth.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class StageSettingsTest {

    @interface Config {
        double max__rate() default 10;

        int burst() default 5;

        long max__body__size() default 1L << 30;

        boolean read__only() default false;

        String key() default "client_ip";

        String[] allow__origin() default {};
    }

    @interface Required {
        String disable__path();
    }

    @Test
    void defaultsWhenNothingIsSet() {
        Config config = StageSettings.of(Config.class, "demo", Map.of());

        assertThat(config.max__rate()).isEqualTo(10.0);
        assertThat(config.burst()).isEqualTo(5);
        assertThat(config.max__body__size()).isEqualTo(1L << 30);
        assertThat(config.read__only()).isFalse();
        assertThat(config.key()).isEqualTo("client_ip");
        assertThat(config.allow__origin()).isEmpty();
    }

    @Test
    void valuesConvertedToTheMethodsTypes() {
        Config config = StageSettings.of(Config.class, "demo", Map.of("max_rate", "2.5", "burst", " 7 ",
                "max_body_size", "5368709122", "read_only", "yes", "key", "X-Auth-Token",
                "allow_origin", "https://a.example, https://b.example  https://c.example"));

        assertThat(config.max__rate()).isEqualTo(2.5);
        assertThat(config.burst()).isEqualTo(7);
        assertThat(config.max__body__size()).isEqualTo(5368709122L);
        assertThat(config.read__only()).isTrue();
        assertThat(config.key()).isEqualTo("X-Auth-Token");
        assertThat(config.allow__origin()).containsExactly("https://a.example", "https://b.example", "https://c.example");
    }

    @Test
    void unknownKeyNamedWithTheKeysTheStageTakes() {
        assertThatThrownBy(() -> StageSettings.of(Config.class, "demo", Map.of("max_rte", "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max_rte: unknown setting; demo takes allow_origin, burst, key, max_body_size, max_rate, read_only");
    }

    @Test
    void badValuesNamedByKey() {
        assertThatThrownBy(() -> StageSettings.of(Config.class, "demo", Map.of("burst", "many")))
                .hasMessage("burst: 'many' is not a whole number");
        assertThatThrownBy(() -> StageSettings.of(Config.class, "demo", Map.of("max_rate", "NaN")))
                .hasMessage("max_rate: 'NaN' is not a number");
        assertThatThrownBy(() -> StageSettings.of(Config.class, "demo", Map.of("read_only", "perhaps")))
                .hasMessage("read_only: 'perhaps' is not true or false");
    }

    @Test
    void requiredSettingWithoutDefault() {
        assertThatThrownBy(() -> StageSettings.of(Required.class, "healthcheck", Map.of()))
                .hasMessage("disable_path: required; healthcheck has no default for it");
        assertThat(StageSettings.of(Required.class, "healthcheck", Map.of("disable_path", "/x")).disable__path())
                .isEqualTo("/x");
    }

    @Test
    void keysFollowDeclarativeServicesNaming() {
        assertThat(StageSettings.key("max__rate")).isEqualTo("max_rate");
        assertThat(StageSettings.key("log_name")).isEqualTo("log.name");
        assertThat(StageSettings.key("a$$b")).isEqualTo("a$b");
        assertThat(StageSettings.key("a$b")).isEqualTo("ab");
    }
}
