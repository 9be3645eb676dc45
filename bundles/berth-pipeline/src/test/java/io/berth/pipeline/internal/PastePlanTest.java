package io.berth.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.berth.pipeline.internal.PasteIni.PasteException;
import io.berth.pipeline.internal.PastePlan.Pipeline;

class PastePlanTest {

    private static final Path PROXY = Path.of("/etc/berth/proxy.ini");

    private static List<Pipeline> plan(String text) throws PasteException {
        PasteIni ini = new PasteIni();
        ini.parse(PROXY, text);
        return PastePlan.of(ini);
    }

    private static PasteException error(String text) {
        return (PasteException) org.assertj.core.api.Assertions.catchThrowable(() -> plan(text));
    }

    @Test
    void swiftsProxyPipelineBecomesOneBerthPipeline() throws Exception {
        List<Pipeline> pipelines = plan("""
                [DEFAULT]
                bind_port = 8080
                log_name = proxy

                [pipeline:main]
                pipeline = catch_errors gatekeeper healthcheck proxy-logging hello

                [filter:catch_errors]
                use = egg:swift#catch_errors

                [filter:gatekeeper]
                use = egg:swift#gatekeeper

                [filter:healthcheck]
                use = egg:swift#healthcheck
                # a comment
                disable_path = %(here)s/disabled

                [filter:proxy-logging]
                use = egg:swift#proxy_logging
                set log_name = %(log_name)s-access
                reveal_sensitive_prefix = 8

                [app:hello]
                use = berth#hello
                """);

        assertThat(pipelines).containsExactly(new Pipeline("paste-main", Map.of(
                "pipeline", "catch_errors gatekeeper healthcheck proxy_logging hello",
                "path", "/",
                "healthcheck.disable_path", "/etc/berth/disabled",
                "proxy_logging.log_name", "proxy-access",
                "proxy_logging.reveal_sensitive_prefix", "8")));
    }

    @Test
    void aCompositeUrlmapMountsPipelinesAndAppsAtItsPaths() throws Exception {
        List<Pipeline> pipelines = plan("""
                [composite:main]
                use = egg:Paste#urlmap
                / = versions
                /v1 = api_v1

                [app:versions]
                use = berth#hello

                [composite:api_v1]
                use = berth#urlmap
                / = apiv1
                /admin = admin

                [pipeline:apiv1]
                pipeline = errors hello

                [pipeline:admin]
                pipeline = errors
                  hello

                [filter:errors]
                use = berth#catch_errors
                trans_id_suffix = -v1

                [app:hello]
                use = berth#hello
                """);

        assertThat(pipelines).extracting(Pipeline::name, Pipeline::path, Pipeline::stages).containsExactly(
                org.assertj.core.groups.Tuple.tuple("paste-versions", "/", "hello"),
                org.assertj.core.groups.Tuple.tuple("paste-apiv1", "/v1", "catch_errors hello"),
                org.assertj.core.groups.Tuple.tuple("paste-admin", "/v1/admin", "catch_errors hello"));
        assertThat(pipelines.get(1).properties()).containsEntry("catch_errors.trans_id_suffix", "-v1");
    }

    @Test
    void laterFilesWinKeyByKey() throws Exception {
        PasteIni ini = new PasteIni();
        ini.parse(PROXY, """
                [pipeline:main]
                pipeline = errors hello
                [filter:errors]
                use = berth#catch_errors
                trans_id_suffix = -etc
                [app:hello]
                use = berth#hello
                """);
        ini.parse(Path.of("/etc/berth/conf.d/10-east.ini"), """
                [filter:errors]
                trans_id_suffix = -east
                """);

        assertThat(PastePlan.of(ini).get(0).properties()).containsEntry("catch_errors.trans_id_suffix", "-east");
    }

    /** Neutron's api-paste.ini (2023.1), its app loaded as load_paste_app('neutron') loads it. */
    private static final String NEUTRON = """
            [composite:neutron]
            use = egg:Paste#urlmap
            /: neutronversions_composite
            /healthcheck: healthcheck
            /v2.0: neutronapi_v2_0

            [composite:neutronapi_v2_0]
            use = egg:Paste#urlmap
            /: hello

            [composite:neutronversions_composite]
            use = egg:Paste#urlmap
            /: versions

            [app:versions]
            use = berth#hello

            [app:healthcheck]
            use = berth#hello

            [app:hello]
            use = berth#hello
            """;

    @Test
    void theAppToLoadIsNamedByTheCallerOrTheFileElseMain() throws Exception {
        assertThat(error(NEUTRON)).hasMessage("/etc/berth/proxy.ini: no [composite:main], [pipeline:main] or [app:main]: "
                + "nothing to serve; its composites are neutron, neutronapi_v2_0, neutronversions_composite: name the app "
                + "to load with berth:import-paste --app NAME or a section [berth] with app = NAME");

        PasteIni ini = new PasteIni();
        ini.parse(PROXY, NEUTRON);
        assertThat(PastePlan.of(ini, "neutron")).extracting(Pipeline::name, Pipeline::path).containsExactly(
                tuple("paste-versions", "/"), tuple("paste-healthcheck", "/healthcheck"), tuple("paste-hello", "/v2.0"));

        List<Pipeline> named = plan(NEUTRON + "\n[berth]\napp = neutron\n");
        assertThat(named).extracting(Pipeline::name).containsExactly("paste-versions", "paste-healthcheck", "paste-hello");

        PasteIni other = new PasteIni();
        other.parse(PROXY, NEUTRON);
        assertThatThrownBy(() -> PastePlan.of(other, "nova")).hasMessage("/etc/berth/proxy.ini: no [composite:nova], "
                + "[pipeline:nova] or [app:nova]: nothing to serve (the app to load is 'nova', from berth:import-paste --app)");
        assertThat(error(NEUTRON + "\n[berth]\napp = neu tron\n")).hasMessage("/etc/berth/proxy.ini, [berth] line 25: app: "
                + "'neu tron' is not an app name (letters, digits, '_', '.', '-')");
    }

    @Test
    void swiftsMemcacheIsTheCacheStage() throws Exception {
        List<Pipeline> pipelines = plan("""
                [pipeline:main]
                pipeline = cache tempauth hello

                [filter:cache]
                use = egg:swift#memcache
                memcache_servers = 127.0.0.1:11211

                [filter:tempauth]
                use = egg:swift#tempauth

                [app:hello]
                use = berth#hello
                """);
        assertThat(pipelines.get(0).properties()).containsEntry("pipeline", "cache tempauth hello")
                .containsEntry("cache.memcache_servers", "127.0.0.1:11211");
    }

    @Test
    void errorsNameFileSectionAndLine() {
        assertThat(error("""
                [pipeline:main]
                pipeline = slo hello

                [filter:slo]
                use = egg:swift#slo

                [app:hello]
                use = berth#hello
                """)).hasMessage("/etc/berth/proxy.ini, [filter:slo] line 5: unknown use 'egg:swift#slo': Berth has no "
                        + "stage named slo (of Swift's, it has catch_errors, gatekeeper, healthcheck, memcache, proxy_logging, "
                        + "ratelimit, read_only, tempauth)");
        assertThat(error("""
                [pipeline:main]
                pipeline = x hello
                [filter:x]
                paste.filter_factory = swift.common.middleware.x:filter_factory
                [app:hello]
                use = berth#hello
                """)).hasMessage("/etc/berth/proxy.ini, [filter:x] line 3: 'use = berth#TYPE' is required "
                        + "(Berth cannot load Python factories)");
        assertThat(error("""
                [pipeline:main]
                pipeline = errors
                [filter:errors]
                use = berth#catch_errors
                """)).hasMessage("/etc/berth/proxy.ini, [pipeline:main] line 2: the pipeline has no app: its last entry "
                        + "'errors' must name an [app:errors]");
        assertThat(error("""
                [pipeline:main]
                pipeline = hello errors
                [filter:errors]
                use = berth#catch_errors
                [app:hello]
                use = berth#hello
                """)).hasMessage("/etc/berth/proxy.ini, [pipeline:main] line 2: no [filter:hello] ('hello' is an app: "
                        + "only the last entry may be one)");
        assertThat(error("""
                [composite:main]
                use = egg:Paste#urlmap
                /v1 = other

                [composite:other]
                use = egg:Paste#urlmap
                /again = main
                """)).hasMessage("/etc/berth/proxy.ini, [composite:main] line 1: cycle: composite:main -> composite:other "
                        + "-> composite:main");
        assertThat(error("""
                [composite:main]
                use = call:neutron.auth:pipeline_factory
                """)).hasMessage("/etc/berth/proxy.ini, [composite:main] line 2: unknown use "
                        + "'call:neutron.auth:pipeline_factory': Berth's composites are egg:Paste#urlmap and berth#urlmap");
        assertThat(error("""
                [composite:main]
                use = egg:Paste#urlmap
                /v1 = nowhere
                """)).hasMessage("/etc/berth/proxy.ini, [composite:main] line 3: no [pipeline:nowhere], [app:nowhere] "
                        + "or [composite:nowhere]");
        assertThat(error("""
                [app:other]
                use = berth#hello
                """)).hasMessage("/etc/berth/proxy.ini: no [composite:main], [pipeline:main] or [app:main]: nothing to serve");
    }

    @Test
    void pasteQuirksAreErrorsNotSurprises() {
        assertThat(error("""
                [DEFAULT]
                log_name = proxy
                [pipeline:main]
                pipeline = logging hello
                [filter:logging]
                use = berth#proxy_logging
                log_name = access
                [app:hello]
                use = berth#hello
                """)).hasMessage("/etc/berth/proxy.ini, [filter:logging] line 7: log_name is also set in [DEFAULT], which "
                        + "paste.deploy lets win; write 'set log_name = access' to override it here");
        assertThat(error("""
                [pipeline:main]
                pipeline = a b hello
                [filter:a]
                use = berth#proxy_logging
                [filter:b]
                use = egg:swift#proxy_logging
                [app:hello]
                use = berth#hello
                """)).hasMessage("/etc/berth/proxy.ini, [pipeline:main] line 1: [filter:a] and [filter:b] are both of type "
                        + "proxy_logging; a Berth pipeline runs each stage type once");
        assertThat(error("""
                [app:main]
                use = berth#hello
                path = %(missing)s
                """)).hasMessage("/etc/berth/proxy.ini, [app:main] line 3: path: %(missing)s is not set in [DEFAULT]");
    }

    @Test
    void syntaxErrorsNameTheLine() {
        assertThatThrownBy(() -> plan("key = value\n"))
                .hasMessage("/etc/berth/proxy.ini, line 1: 'key = value' comes before any [section]");
        assertThatThrownBy(() -> plan("[app:main]\nuse = berth#hello\n\n[app:main]\n"))
                .hasMessage("/etc/berth/proxy.ini, line 4: section [app:main] appears twice in this file");
        assertThatThrownBy(() -> plan("[app:main\n"))
                .hasMessage("/etc/berth/proxy.ini, line 1: '[app:main' is not a section header");
        assertThatThrownBy(() -> plan("[app:main]\njust words\n"))
                .hasMessage("/etc/berth/proxy.ini, [app:main] line 2: 'just words' is not 'key = value'");
    }

    @Test
    void anAppAloneIsAPipelineOfOne() throws Exception {
        assertThat(plan("[app:main]\nuse = berth#hello\n")).containsExactly(
                new Pipeline("paste-main", Map.of("pipeline", "hello", "path", "/")));
    }
}
