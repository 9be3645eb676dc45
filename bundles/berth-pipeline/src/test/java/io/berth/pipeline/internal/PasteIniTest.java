package io.berth.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.berth.pipeline.internal.PasteIni.PasteException;
import io.berth.testing.StderrCapture;

/** Reading paste ini files from disk: what is not UTF-8 text is named, with the file, in one line. */
class PasteIniTest {

    private static final String INI = "[pipeline:main]\npipeline = catch_errors hello\n\n"
            + "[filter:catch_errors]\nuse = egg:swift#catch_errors\n\n[app:hello]\nuse = berth#hello\n";

    @TempDir
    Path etc;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "UTF-16LE with BOM | FFFE | UTF-16LE | UTF-16 byte order mark at the start",
        "UTF-16BE with BOM | FEFF | UTF-16BE | UTF-16 byte order mark at the start",
        "UTF-32LE with BOM | FFFE0000 | UTF-32LE | UTF-32 byte order mark at the start",
        "UTF-32BE with BOM | 0000FEFF | UTF-32BE | UTF-32 byte order mark at the start",
        "UTF-16LE without BOM | '' | UTF-16LE | a NUL byte at line 1 (UTF-16 or UTF-32 without a byte order mark, or not text at all)",
    })
    void aFileInAnotherEncodingIsNamedWithWhatIsWrong(String what, String bom, String charset, String problem)
            throws Exception {
        Path file = write("api-paste.ini", bytes(bom), INI.getBytes(Charset.forName(charset)));

        assertThatThrownBy(() -> PasteIni.read(List.of(file))).isInstanceOf(PasteException.class)
                .hasMessage(file + ": not a text file in UTF-8: " + problem);
    }

    @Test
    void bytesThatAreNotUtf8AreNamedWithTheirLine() throws Exception {
        Path file = write("latin1.ini", INI.replace("egg:swift#catch_errors", "egg:swift#caf\u00e9")
                .getBytes(StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> PasteIni.read(List.of(file))).isInstanceOf(PasteException.class)
                .hasMessage(file + ": not a text file in UTF-8: byte 0xE9 at line 5 is not UTF-8 "
                        + "(saved as ISO-8859-1 or Windows-1252?)");
    }

    @Test
    void aBinaryFileIsNamed() throws Exception {
        Path file = write("berth.ini", new byte[] {0x1f, (byte) 0x8b, 0x08, 0x00, 0x12, 0x34});

        assertThatThrownBy(() -> PasteIni.read(List.of(file))).isInstanceOf(PasteException.class)
                .hasMessage(file + ": not a text file in UTF-8: control character 0x1F at line 1 (not text?)");
    }

    @Test
    void aUtf8ByteOrderMarkIsRead() throws Exception {
        Path file = write("bom.ini", bytes("EFBBBF"), INI.getBytes(StandardCharsets.UTF_8));

        PasteIni ini = PasteIni.read(List.of(file));

        assertThat(ini.sections).containsOnlyKeys("pipeline:main", "filter:catch_errors", "app:hello");
        assertThat(PastePlan.of(ini)).hasSize(1);
    }

    @Test
    void theImporterLogsOneLineAndChangesNothing() throws Exception {
        Path good = write("a.ini", INI.getBytes(StandardCharsets.UTF_8));
        Path bad = write("b.ini", bytes("FFFE"), INI.getBytes(StandardCharsets.UTF_16LE));
        PasteImporter importer = new PasteImporter(new FakeConfigurationAdmin().service);
        try (StderrCapture log = new StderrCapture()) {
            assertThat(importer.plan(List.of(good, bad))).isNull();

            assertThat(log.lines("PasteImporter")).containsExactly("[main] ERROR io.berth.pipeline.internal.PasteImporter - "
                    + "Berth paste import: " + bad + ": not a text file in UTF-8: UTF-16 byte order mark at the start "
                    + "(nothing was changed)");
            assertThat(log.lines("\tat ")).isEmpty();
        } finally {
            importer.deactivate();
        }
    }

    private Path write(String name, byte[]... parts) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            bytes.write(part);
        }
        return Files.write(etc.resolve(name), bytes.toByteArray());
    }

    private static byte[] bytes(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }
}
