package io.berth.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;

import io.berth.api.StageFactory;

/** Paste ini files in etc/ and in the config directory, imported into pipelines and served. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PasteImportTest extends BerthTestSupport {

    private static final String URLMAP = String.join("\n",
            "[DEFAULT]",
            "suffix = -paste",
            "",
            "[composite:main]",
            "use = egg:Paste#urlmap",
            "/paste = api",
            "/paste/plain = hello",
            "",
            "[pipeline:api]",
            "pipeline = errors tagged hello",
            "",
            "[filter:errors]",
            "use = egg:swift#catch_errors",
            "set trans_id_suffix = %(suffix)s",
            "",
            "[filter:tagged]",
            "use = berth#tag-paste",
            "",
            "[app:hello]",
            "use = berth#hello",
            "");

    @Test
    public void aPasteIniWithACompositeUrlmapIsImportedServedEditedAndRemoved() throws Exception {
        ServiceRegistration<StageFactory> tag = tagStage("tag-paste");
        Path ini = Paths.get(System.getProperty("karaf.etc"), "itest-paste.ini");
        try {
            Files.writeString(ini, URLMAP, StandardCharsets.UTF_8);

            String transId = awaitStages("/paste/x", List.of("tag-paste")).headers().firstValue("X-Trans-Id").orElse("");
            assertTrue(transId, transId.endsWith("-paste"));
            assertEquals("Hello from Berth", awaitStatus("/paste/plain/y", 200).body());
            awaitLog("Berth imported pipeline paste-api from " + ini + ": catch_errors tag-paste hello at /paste");
            awaitLog("Berth imported pipeline paste-hello from " + ini + ": hello at /paste/plain");

            // A broken edit changes nothing: the error names file, section and line.
            Files.writeString(ini, URLMAP.replace("use = berth#tag-paste", "use = egg:swift#tag-paste"), StandardCharsets.UTF_8);
            awaitLog("Berth paste import: " + ini + ", [filter:tagged] line 17: unknown use 'egg:swift#tag-paste': Berth has "
                    + "no stage named tag-paste");
            awaitStages("/paste/x", List.of("tag-paste"));

            Files.delete(ini);

            awaitLog("Berth removed imported pipeline paste-api: its paste ini no longer makes it");
            // The paths fall to the pipeline at /.
            awaitStages("/paste/x", List.of());
            assertEquals(200, get(URI.create("http://127.0.0.1:" + mainPort() + "/paste/plain/y")).statusCode());
        } finally {
            Files.deleteIfExists(ini);
            tag.unregister();
        }
    }

    @Test
    public void theConfigDirectoryIsReadAfterEtcAndItsValuesWin() throws Exception {
        ServiceRegistration<StageFactory> tag = tagStage("tag-confd");
        Path base = Paths.get(System.getProperty("karaf.etc"), "itest-confd.ini");
        Path dir = Paths.get(System.getProperty("berth.config.dirs"));
        Path override = dir.resolve("50-override.ini");
        try {
            Files.createDirectories(dir);
            Files.writeString(base, String.join("\n",
                    "[composite:main]", "use = berth#urlmap", "/confd = api", "",
                    "[pipeline:api]", "pipeline = errors tagged hello", "",
                    "[filter:errors]", "use = berth#catch_errors", "trans_id_suffix = -etc", "",
                    "[filter:tagged]", "use = berth#tag-confd", "",
                    "[app:hello]", "use = berth#hello", ""), StandardCharsets.UTF_8);
            Files.writeString(override, "[filter:errors]\ntrans_id_suffix = -confd\n", StandardCharsets.UTF_8);

            String transId = awaitStages("/confd/", List.of("tag-confd")).headers().firstValue("X-Trans-Id").orElse("");
            assertTrue(transId, transId.endsWith("-confd"));
        } finally {
            Files.deleteIfExists(override);
            Files.deleteIfExists(base);
            tag.unregister();
        }
    }
}
