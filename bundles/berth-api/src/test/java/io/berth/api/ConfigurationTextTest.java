package io.berth.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class ConfigurationTextTest {

    @Test
    void textReadsAsText() {
        assertThat(ConfigurationText.whyNotText(Map.of("path", "/v1", "pipeline", "hello é"), key -> false)).isNull();
    }

    @Test
    void nulsAndControlCharactersAreNotText() {
        assertThat(ConfigurationText.whyNotText(Map.of("p\0a\0t\0h", "x"), key -> false))
                .endsWith("NUL characters (UTF-16 or UTF-32 without a byte order mark, or not text at all)");
        assertThat(ConfigurationText.whyNotText(Map.of("path", "\u0001\u0002"), key -> false))
                .endsWith("control characters (not text at all?)");
    }

    @Test
    void keysTheFrameworkAddedAreNotTheFilesText() {
        assertThat(ConfigurationText.whyNotText(Map.of("service.odd", "\u0001"), key -> key.startsWith("service."))).isNull();
    }

    @Test
    void theFileIsFileInstallsOrTheOneGiven() {
        assertThat(ConfigurationText.fileOf(Map.of("felix.fileinstall.filename", "file:/opt/berth/etc/a.cfg"), "etc/b.cfg"))
                .isEqualTo("/opt/berth/etc/a.cfg");
        assertThat(ConfigurationText.fileOf(Map.of(), "etc/b.cfg")).isEqualTo("etc/b.cfg");
    }
}
