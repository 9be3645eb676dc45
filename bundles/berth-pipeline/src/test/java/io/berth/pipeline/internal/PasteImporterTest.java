package io.berth.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class PasteImporterTest {

    @Test
    void configDirectoriesAreReadAfterEtcInTheOrderGiven() {
        assertThat(PasteImporter.directories("/opt/berth/etc", "/etc/berth/conf.d: /srv/more", "/ignored"))
                .containsExactly(Path.of("/opt/berth/etc"), Path.of("/etc/berth/conf.d"), Path.of("/srv/more"));
        assertThat(PasteImporter.directories("/opt/berth/etc", null, "/from/env"))
                .containsExactly(Path.of("/opt/berth/etc"), Path.of("/from/env"));
    }

    @Test
    void aBareFileNameIsLookedForInOslosOrder() {
        assertThat(PasteImporter.searchPath(List.of(Path.of("/etc/berth/conf.d")), "/opt/berth/etc", "/home/op"))
                .containsExactly(Path.of("/etc/berth/conf.d"), Path.of("/opt/berth/etc"), Path.of("/home/op/.berth"),
                        Path.of("/home/op"), Path.of("/etc/berth"), Path.of("/etc"));
        assertThat(PasteImporter.searchPath(List.of(), null, null)).containsExactly(Path.of("/etc/berth"), Path.of("/etc"));
    }
}
