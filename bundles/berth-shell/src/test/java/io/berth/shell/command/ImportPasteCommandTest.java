package io.berth.shell.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.berth.api.EffectiveConfiguration;
import io.berth.api.PasteImport;

class ImportPasteCommandTest {

    @TempDir
    Path dir;

    private final List<String> calls = new ArrayList<>();
    private final ImportPasteCommand command = new ImportPasteCommand();

    ImportPasteCommandTest() {
        Map<String, Map<String, String>> plan = new LinkedHashMap<>();
        plan.put("paste-main", new TreeMap<>(Map.of("pipeline", "catch_errors healthcheck tempauth hello", "path", "/",
                "healthcheck.path", "/hc", "tempauth.user_admin_admin", "s3cr3t .admin")));
        plan.put("paste-v2", new TreeMap<>(Map.of("pipeline", "hello", "path", "/v2", "listeners", "internal")));
        command.pasteImport = new PasteImport() {
            @Override
            public Map<String, Map<String, String>> plan(Path file, String app) {
                calls.add("plan " + file.getFileName() + (app == null ? "" : " app " + app));
                return check(file, plan);
            }

            @Override
            public Map<String, Map<String, String>> importFile(Path file, String app) {
                calls.add("import " + file.getFileName() + (app == null ? "" : " app " + app));
                return check(file, plan);
            }

            @Override
            public List<Path> searchPath() {
                return List.of(dir.resolve("conf.d"), dir.resolve("etc"), dir.resolve("home/.berth"));
            }
        };
    }

    private static Map<String, Map<String, String>> check(Path file, Map<String, Map<String, String>> plan) {
        if (file.getFileName().toString().equals("bad.ini")) {
            throw new IllegalArgumentException(file + ": [pipeline:main] line 3: pipeline is empty");
        }
        return plan;
    }

    private Path ini(String name) throws IOException {
        return Files.writeString(dir.resolve(name), "[pipeline:main]\n");
    }

    @Test
    void dryRunPrintsEachPipelineAndItsSettingsAndCreatesNothing() throws Exception {
        Path file = ini("proxy-server.ini");
        command.file = file.toString();
        command.dryRun = true;

        assertThat(Fakes.stdout(command::execute)).isEqualTo(""
                + "Dry run, nothing changed: importing " + file + " would create or update 2 pipelines\n"
                + "Pipeline   | Path | Listeners | Stages\n"
                + "-----------+------+-----------+----------------------------------------\n"
                + "paste-main | /    | all       | catch_errors healthcheck tempauth hello\n"
                + "paste-v2   | /v2  | internal  | hello\n"
                + "\n"
                + "Pipeline   | Setting                   | Value\n"
                + "-----------+---------------------------+------\n"
                + "paste-main | healthcheck.path          | /hc\n"
                + "paste-main | tempauth.user_admin_admin | ****\n");
        assertThat(calls).containsExactly("plan proxy-server.ini");
    }

    @Test
    void importSaysWhatItCreated() throws Exception {
        command.file = ini("proxy-server.ini").toString();

        assertThat(Fakes.stdout(command::execute)).startsWith("Imported " + command.file + ": created or updated 2 pipelines\n"
                + "Pipeline   | Path | Listeners | Stages\n");
        assertThat(calls).containsExactly("import proxy-server.ini");
    }

    @Test
    void whatCannotBeImportedIsOneLine() throws Exception {
        Path file = ini("bad.ini");
        command.file = file.toString();

        assertThatThrownBy(command::execute).isInstanceOf(CommandException.class)
                .hasMessage(file + ": [pipeline:main] line 3: pipeline is empty");
    }

    @Test
    void aMissingFileIsOneLineWithItsAbsolutePath() {
        command.file = dir.resolve("nope.ini").toString();

        assertThatThrownBy(command::execute).isInstanceOf(CommandException.class)
                .hasMessage("No such file: " + dir.resolve("nope.ini"));
        assertThat(calls).isEmpty();
    }

    @Test
    void aBareNameIsLookedForInOslosOrderFirstFoundWins() throws Exception {
        Files.createDirectories(dir.resolve("etc"));
        Files.createDirectories(dir.resolve("home/.berth"));
        Files.writeString(dir.resolve("home/.berth/api-paste.ini"), "[composite:neutron]\n");
        command.file = "api-paste.ini";
        command.app = "neutron";
        command.dryRun = true;

        assertThat(Fakes.stdout(command::execute)).startsWith("Dry run, nothing changed: importing "
                + dir.resolve("home/.berth/api-paste.ini") + " would create");
        assertThat(calls).containsExactly("plan api-paste.ini app neutron");

        Files.writeString(dir.resolve("etc/api-paste.ini"), "[composite:neutron]\n");
        assertThat(Fakes.stdout(command::execute)).as("etc/ comes before ~/.berth/")
                .startsWith("Dry run, nothing changed: importing " + dir.resolve("etc/api-paste.ini") + " would create");
        command.file = "nowhere.ini";
        assertThatThrownBy(command::execute).isInstanceOf(CommandException.class).hasMessage("Unable to find nowhere.ini in "
                + Path.of("").toAbsolutePath() + ", " + dir.resolve("conf.d") + ", " + dir.resolve("etc") + ", "
                + dir.resolve("home/.berth") + ": nothing was imported");
    }

    @Test
    void withoutTheServiceItSaysWhichBundleIsMissing() throws Exception {
        command.file = ini("proxy-server.ini").toString();
        command.pasteImport = null;

        assertThatThrownBy(command::execute).isInstanceOf(CommandException.class)
                .hasMessage("No paste import service: is bundle io.berth.pipeline running? Nothing was imported");
    }

    @Test
    void secretsAreMaskedAsBerthConfigMasksThem() {
        assertThat(EffectiveConfiguration.secret("tempauth.user_test_tester")).isTrue();
        assertThat(EffectiveConfiguration.secret("authtoken.admin_password")).isTrue();
        assertThat(EffectiveConfiguration.secret("s3.secret_key")).isTrue();
        assertThat(EffectiveConfiguration.secret("healthcheck.path")).isFalse();
    }
}
