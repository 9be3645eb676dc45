package io.berth.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import io.berth.api.Berth;
import io.berth.api.StageFactory;

/** Pipelines (etc/berth.pipeline-NAME.cfg) in the running distribution, through the whiteboard. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PipelinesTest extends BerthTestSupport {

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Test
    public void stagesRunInPipelineOrderBeforeTheApp() throws Exception {
        List<ServiceRegistration<StageFactory>> stages = List.of(tagStage("tag-a"), tagStage("tag-b"), tagStage("tag-c"));
        Configuration pipeline = pipeline("ordered", Map.of("pipeline", "tag-c tag-a tag-b hello", "path", "/ordered"));
        try {
            HttpResponse<String> response = awaitStatus("127.0.0.1:" + mainPort(), "/ordered/anything", 200);

            assertEquals("Hello from Berth", response.body());
            assertEquals(List.of("tag-c", "tag-a", "tag-b"), response.headers().allValues("X-Stages"));
        } finally {
            pipeline.delete();
            stages.forEach(ServiceRegistration::unregister);
        }
    }

    @Test
    public void aMissingStageFailsClosedUntilItsBundleArrives() throws Exception {
        Configuration pipeline = pipeline("guarded", Map.of("pipeline", "tag-late hello", "path", "/guarded"));
        ServiceRegistration<StageFactory> late = null;
        try {
            HttpResponse<String> waiting = awaitStatus("127.0.0.1:" + mainPort(), "/guarded/x", 503);
            assertEquals("Pipeline guarded is waiting for stages: tag-late\n", waiting.body());
            awaitLog("Berth pipeline guarded is WAITING (missing: tag-late)");

            late = tagStage("tag-late");

            HttpResponse<String> live = awaitStatus("127.0.0.1:" + mainPort(), "/guarded/x", 200);
            assertEquals(List.of("tag-late"), live.headers().allValues("X-Stages"));
        } finally {
            pipeline.delete();
            if (late != null) {
                late.unregister();
            }
        }
    }

    @Test
    public void oneStageTypeTwoPipelinesTwoSettings() throws Exception {
        Configuration east = pipeline("east", Map.of("pipeline", "catch_errors hello", "path", "/east",
                "catch_errors.trans_id_suffix", "-east"));
        Configuration west = pipeline("west", Map.of("pipeline", "catch_errors hello", "path", "/west",
                "catch_errors.trans_id_suffix", "-west"));
        try {
            String eastId = awaitStatus("127.0.0.1:" + mainPort(), "/east/", 200).headers().firstValue("X-Trans-Id").orElse("");
            String westId = awaitStatus("127.0.0.1:" + mainPort(), "/west/", 200).headers().firstValue("X-Trans-Id").orElse("");

            assertTrue(eastId, eastId.matches("tx[0-9a-f]{21}-[0-9a-f]{10}-east"));
            assertTrue(westId, westId.matches("tx[0-9a-f]{21}-[0-9a-f]{10}-west"));
        } finally {
            east.delete();
            west.delete();
        }
    }

    @Test
    public void aBadStageSettingIsNamedAndTheAppIsNotServedWithoutIt() throws Exception {
        Configuration pipeline = pipeline("typo", Map.of("pipeline", "catch_errors hello", "path", "/typo",
                "catch_errors.trans_id_sufix", "-x"));
        try {
            HttpResponse<String> response = awaitStatus("127.0.0.1:" + mainPort(), "/typo/", 503);

            assertEquals("Pipeline typo cannot build its stage catch_errors\n", response.body());
            assertTrue(karafLog(), !karafLog().contains("Berth pipeline typo is WAITING"));
            awaitLog("berth.pipeline-typo: catch_errors.trans_id_sufix: unknown setting; catch_errors takes trans_id_suffix");
        } finally {
            pipeline.delete();
        }
    }

    @Test
    public void removingAPipelineUnmountsIt() throws Exception {
        Configuration pipeline = pipeline("brief", Map.of("pipeline", "hello", "path", "/brief"));
        awaitStatus("127.0.0.1:" + mainPort(), "/brief/", 200);

        pipeline.delete();

        awaitStatus("127.0.0.1:" + mainPort(), "/brief/", 404);
    }

    private Configuration pipeline(String name, Map<String, Object> properties) throws IOException {
        Configuration configuration = configurationAdmin.getFactoryConfiguration("berth.pipeline", name, "?");
        configuration.update(new Hashtable<>(properties));
        return configuration;
    }

    /** A stage that adds its name to the response's X-Stages header, so order can be seen. */
    private ServiceRegistration<StageFactory> tagStage(String name) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Berth.STAGE_PROPERTY, name);
        StageFactory factory = settings -> (Filter) (request, response, chain) -> {
            ((HttpServletResponse) response).addHeader("X-Stages", name);
            chain.doFilter(request, response);
        };
        return context.registerService(StageFactory.class, factory, props);
    }
}
