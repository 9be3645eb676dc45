package io.berth.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.berth.pipeline.internal.PipelineSettings.Kind;

import io.berth.api.InvalidSettingException;
import io.berth.api.StageSettings;

class PipelineSettingsTest {

    private static final Map<String, Kind> INSTALLED = Map.of("catch_errors", Kind.MIDDLEWARE,
            "healthcheck", Kind.MIDDLEWARE, "hello", Kind.APP, "objects", Kind.APP);

    @Test
    void readsStagesPathListenersAndEachStagesSettings() throws Exception {
        PipelineSettings p = PipelineSettings.parse("main", Map.of(
                "pipeline", "  catch_errors healthcheck\thello ",
                "path", "/v1/",
                "listeners", "main, admin",
                "healthcheck.disable_path", " /var/run/berth/off ",
                "catch_errors.trans_id_suffix", "-east",
                "service.pid", "berth.pipeline~main",
                "felix.fileinstall.filename", "file:/x"));

        assertThat(p.stages).containsExactly("catch_errors", "healthcheck", "hello");
        assertThat(p.middleware()).containsExactly("catch_errors", "healthcheck");
        assertThat(p.app()).isEqualTo("hello");
        assertThat(p.path).isEqualTo("/v1");
        assertThat(p.listeners).containsExactly("main", "admin");
        assertThat(p.settings).containsOnlyKeys("catch_errors", "healthcheck", "hello");
        assertThat(p.settings.get("healthcheck")).containsExactly(Map.entry("disable_path", "/var/run/berth/off"));
        assertThat(p.settings.get("catch_errors")).containsExactly(Map.entry("trans_id_suffix", "-east"));
        assertThat(p.settings.get("hello")).isEmpty();
    }

    @Test
    void theDefaultsAppliedAreTheOnesMetatypeDescribes() throws Exception {
        PipelineSettings p = PipelineSettings.parse("main", Map.of("pipeline", "hello"));

        assertThat(StageSettings.defaults(PipelineComponent.Config.class)).isEqualTo(Map.of("path", p.path,
                "listeners", "", "update_wait", p.updateWaitMillis / 1000.0, "update_wait_requests", p.updateWaitRequests));
        assertThat(StageSettings.defaults(PipelineComponent.Config.class)).doesNotContainKey("pipeline");
    }

    @Test
    void frameworkKeysAreSkippedAndStageKeysThatLookLikeThemAreNot() throws Exception {
        PipelineSettings p = PipelineSettings.parse("main", Map.of("pipeline", "hello", "service.pid", "berth.pipeline~main",
                "felix.fileinstall.filename", "file:/etc/berth.pipeline-main.cfg", "shellReady.target", "(x=y)"));
        assertThat(p.settings.get("hello")).isEmpty();

        // Berth's keys are lower case: this one is the stage's, which its own settings type then judges.
        assertThat(PipelineSettings.parse("main", Map.of("pipeline", "hello", "hello.target", "x")).settings.get("hello"))
                .isEqualTo(Map.of("target", "x"));
    }

    @Test
    void defaultsToTheRootPathOnEveryListener() throws Exception {
        PipelineSettings p = PipelineSettings.parse("main", Map.of("pipeline", "hello"));

        assertThat(p.path).isEqualTo("/");
        assertThat(p.listeners).isEmpty();
        assertThat(p.updateWaitMillis).isEqualTo(2000);
        assertThat(p.updateWaitRequests).isEqualTo(100);
        assertThat(PipelineSettings.parse("main", Map.of("pipeline", "hello", "update_wait", "0.5")).updateWaitMillis)
                .isEqualTo(500);
        assertThat(p.missing(INSTALLED::get)).isEmpty();
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "pipeline | ' '                      | pipeline: is required: stage names separated by spaces, the app last",
        "pipeline | catch_errors Hello       | pipeline: 'Hello' is not a stage name (lower case letters, digits, _ and -)",
        "pipeline | hello hello              | pipeline: 'hello' appears twice",
        "path     | v1                       | path: 'v1' must start with /",
        "path     | /v1/*                    | path: '/v1/*' is not a plain path (no *, ?, #, ;, spaces, // or . segments)",
        "path     | /v1/../admin             | path: '/v1/../admin' is not a plain path (no *, ?, #, ;, spaces, // or . segments)",
        "listeners | main;admin              | listeners: 'main;admin' is not a listener name",
        "ratelimit.max_rate | 10             | ratelimit.max_rate: no stage 'ratelimit' in this pipeline (catch_errors hello)",
        "timeout  | 5                        | timeout: unknown key; a pipeline has pipeline, path, listeners, update_wait, update_wait_requests and STAGE.KEY settings for its stages",
        "update_wait | soon                  | update_wait: 'soon' is not a number of seconds",
        "update_wait | 31                    | update_wait: '31' is not between 0 and 30 seconds",
        "update_wait | -1                    | update_wait: '-1' is not between 0 and 30 seconds",
        "update_wait_requests | some         | update_wait_requests: 'some' is not a whole number of requests",
        "update_wait_requests | -1           | update_wait_requests: '-1' is not between 0 and 10000",
        "update_wait_requests | 10001        | update_wait_requests: '10001' is not between 0 and 10000",
    })
    void eachInvalidValueNamesItsKeyAndWhy(String key, String value, String message) {
        Map<String, Object> config = new HashMap<>(Map.of("pipeline", "catch_errors hello"));
        config.put(key, value);

        assertThatThrownBy(() -> PipelineSettings.parse("main", config))
                .isInstanceOf(InvalidSettingException.class).hasMessage(message);
    }

    @Test
    void aStageNoBundleProvidesYetMakesThePipelineWait() throws Exception {
        PipelineSettings p = PipelineSettings.parse("main", Map.of("pipeline", "catch_errors ratelimit healthcheck cors hello"));

        assertThat(p.missing(INSTALLED::get)).containsExactly("ratelimit", "cors");
    }

    @Test
    void anAppMustBeLastAndTheLastStageMustBeAnApp() throws Exception {
        PipelineSettings twoApps = PipelineSettings.parse("main", Map.of("pipeline", "catch_errors hello objects"));
        PipelineSettings noApp = PipelineSettings.parse("main", Map.of("pipeline", "hello catch_errors"));
        PipelineSettings onlyMiddleware = PipelineSettings.parse("main", Map.of("pipeline", "catch_errors healthcheck"));

        assertThatThrownBy(() -> twoApps.missing(INSTALLED::get))
                .hasMessage("pipeline: 'hello' is an app: only the last stage may be one");
        assertThatThrownBy(() -> noApp.missing(INSTALLED::get))
                .hasMessage("pipeline: 'hello' is an app: only the last stage may be one");
        assertThatThrownBy(() -> onlyMiddleware.missing(INSTALLED::get))
                .hasMessage("pipeline: the last stage 'healthcheck' is middleware: a pipeline ends with an app");
    }

    @Test
    void twoPipelinesMayNotServeOnePathOnOneListener() throws Exception {
        PipelineSettings main = PipelineSettings.parse("main", Map.of("pipeline", "hello", "path", "/"));
        PipelineSettings other = PipelineSettings.parse("other", Map.of("pipeline", "hello", "path", "/", "listeners", "admin"));
        PipelineSettings api = PipelineSettings.parse("api", Map.of("pipeline", "hello", "path", "/v1", "listeners", "main"));
        PipelineSettings admin = PipelineSettings.parse("admin", Map.of("pipeline", "hello", "path", "/v1", "listeners", "admin"));

        assertThat(other.clashWith(main)).isEqualTo("'/' is served by pipeline 'main' on the same listener already");
        assertThat(api.clashWith(main)).isNull();
        assertThat(admin.clashWith(api)).isEqualTo("'/v1' is served by pipeline 'api' (listeners main) already; all "
                + "listeners share one servlet whiteboard, so pipelines on different listeners need different paths");
        assertThat(api.servedOn("main")).isTrue();
        assertThat(api.servedOn("admin")).isFalse();
        assertThat(api.servedOn(null)).isFalse();
        assertThat(main.servedOn("main")).isTrue();
        // Not through a Berth listener (Felix's own connector): no pipeline is there.
        assertThat(main.servedOn(null)).isFalse();
    }

    @Test
    void theNameComesFromTheFileInstallPid() {
        assertThat(PipelineSettings.nameOf(Map.of("service.pid", "berth.pipeline~main"))).isEqualTo("main");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "UTF-16LE with BOM | FFFE     | UTF-16LE | not a text file in UTF-8 or ISO-8859-1: UTF-16 byte order mark at the start",
        "UTF-16BE with BOM | FEFF     | UTF-16BE | not a text file in UTF-8 or ISO-8859-1: UTF-16 byte order mark at the start",
        "UTF-32LE with BOM | FFFE0000 | UTF-32LE | not a text file in UTF-8 or ISO-8859-1: UTF-32 byte order mark at the start",
        "UTF-16LE          | ''       | UTF-16LE | not a text file in UTF-8 or ISO-8859-1: NUL characters (UTF-16 or UTF-32 without a byte order mark, or not text at all)",
        "UTF-8 with BOM    | EFBBBF   | UTF-8    | a UTF-8 byte order mark at the start, read as part of the first key: save the file without it",
    })
    void aCfgFileThatIsNotTextIsNamedNotItsGarbledKeys(String what, String bom, String charset, String problem)
            throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < bom.length(); i += 2) {
            bytes.write(Integer.parseInt(bom.substring(i, i + 2), 16));
        }
        bytes.write("pipeline = catch_errors hello\npath = /v1\n".getBytes(java.nio.charset.Charset.forName(charset)));
        // As FileInstall reads a .cfg file: a properties file in ISO-8859-1.
        java.util.Properties read = new java.util.Properties();
        read.load(new java.io.ByteArrayInputStream(bytes.toByteArray()));
        Map<String, Object> config = new HashMap<>();
        read.forEach((key, value) -> config.put((String) key, value));
        config.put("felix.fileinstall.filename", "file:/opt/berth/etc/berth.pipeline-api.cfg");

        assertThatThrownBy(() -> PipelineSettings.parse("api", config)).isInstanceOf(InvalidSettingException.class)
                .hasMessage("/opt/berth/etc/berth.pipeline-api.cfg: " + problem);
    }

    @Test
    void aByteOrderMarkReadAsUtf8IsNamedToo() {
        Map<String, Object> config = Map.of("\uFEFFpipeline", "hello");

        assertThatThrownBy(() -> PipelineSettings.parse("api", config)).isInstanceOf(InvalidSettingException.class)
                .hasMessage("etc/berth.pipeline-api.cfg: a UTF-8 byte order mark at the start, read as part of the first "
                        + "key: save the file without it");
    }
}
