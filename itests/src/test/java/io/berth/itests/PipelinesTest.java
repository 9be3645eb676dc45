package io.berth.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;


import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;

import io.berth.api.Berth;
import io.berth.api.Listener;
import io.berth.api.Pipeline;
import io.berth.api.StageFactory;

/** Pipelines (etc/berth.pipeline-NAME.cfg) in the running distribution, through the whiteboard. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PipelinesTest extends BerthTestSupport {

    @Test
    public void stagesRunInPipelineOrderBeforeTheApp() throws Exception {
        List<ServiceRegistration<StageFactory>> stages = List.of(tagStage("tag-a"), tagStage("tag-b"), tagStage("tag-c"));
        Configuration pipeline = pipeline("ordered", Map.of("pipeline", "tag-c tag-a tag-b hello", "path", "/ordered"));
        try {
            HttpResponse<String> response = awaitStages("/ordered/anything", List.of("tag-c", "tag-a", "tag-b"));

            assertEquals("Hello from Berth", response.body());
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
        ServiceRegistration<StageFactory> tag = tagStage("tag-ew");
        Configuration east = pipeline("east", Map.of("pipeline", "catch_errors tag-ew hello", "path", "/east",
                "catch_errors.trans_id_suffix", "-east"));
        Configuration west = pipeline("west", Map.of("pipeline", "catch_errors tag-ew hello", "path", "/west",
                "catch_errors.trans_id_suffix", "-west"));
        try {
            String eastId = awaitStages("/east/", List.of("tag-ew")).headers().firstValue("X-Trans-Id").orElse("");
            String westId = awaitStages("/west/", List.of("tag-ew")).headers().firstValue("X-Trans-Id").orElse("");

            assertTrue(eastId, eastId.matches("tx[0-9a-f]{21}-[0-9a-f]{10}-east"));
            assertTrue(westId, westId.matches("tx[0-9a-f]{21}-[0-9a-f]{10}-west"));
        } finally {
            east.delete();
            west.delete();
            tag.unregister();
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
        ServiceRegistration<StageFactory> tag = tagStage("tag-brief");
        Configuration pipeline = pipeline("brief", Map.of("pipeline", "tag-brief hello", "path", "/brief"));
        try {
            awaitStages("/brief/", List.of("tag-brief"));

            pipeline.delete();

            // The path falls to the pipeline at /.
            awaitStages("/brief/", List.of());
        } finally {
            tag.unregister();
        }
    }

    @Test
    public void editsUnderLoadFailNoRequestAndRequestsInFlightFinishOnTheOldArrangement() throws Exception {
        List<ServiceRegistration<StageFactory>> stages = List.of(tagStage("tag-x"), tagStage("tag-y"));
        Configuration pipeline = pipeline("edited", Map.of("pipeline", "tag-x tag-y hello", "path", "/edited"));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger served = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> load = new ArrayList<>();
        try {
            awaitStages("/edited/x", List.of("tag-x", "tag-y"));
            URI uri = URI.create("http://127.0.0.1:" + mainPort() + "/edited/x");
            CompletableFuture<HttpResponse<String>> slow = http.sendAsync(
                    HttpRequest.newBuilder(URI.create(uri + "?delay_ms=3000")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Listener main = context.getService(context.getServiceReferences(Listener.class, "(berth.listener.name=main)")
                    .iterator().next());
            await("the slow request is in flight", () -> main.requestsInFlight() > 0);
            for (int i = 0; i < 4; i++) {
                Thread thread = new Thread(() -> {
                    while (!stop.get()) {
                        try {
                            HttpResponse<String> response = get(uri);
                            if (response.statusCode() != 200 || !response.body().equals("Hello from Berth")) {
                                failures.add(response.statusCode() + " " + response.body());
                            }
                            served.incrementAndGet();
                        } catch (IOException | InterruptedException e) {
                            failures.add(e.toString());
                        }
                    }
                }, "itest-edit-load-" + i);
                thread.start();
                load.add(thread);
            }

            for (int edit = 1; edit <= 10; edit++) {
                List<String> order = edit % 2 == 1 ? List.of("tag-y", "tag-x") : List.of("tag-x", "tag-y");
                pipeline.update(new Hashtable<>(Map.of("pipeline", String.join(" ", order) + " hello", "path", "/edited",
                        "hello.unused", "")));
                // hello takes no settings: the edit above is refused, the one below is applied
                pipeline.update(new Hashtable<>(Map.of("pipeline", String.join(" ", order) + " hello", "path", "/edited")));
                await("edit " + edit + " serves " + order, () -> {
                    try {
                        return get(uri).headers().allValues("X-Stages").equals(order);
                    } catch (IOException | InterruptedException e) {
                        return false;
                    }
                });
            }
            HttpResponse<String> slowResponse = slow.get(30, TimeUnit.SECONDS);
            stop.set(true);
            for (Thread thread : load) {
                thread.join(PATIENCE.toMillis());
            }

            assertEquals(200, slowResponse.statusCode());
            assertEquals("the slow request finished on the arrangement it started on",
                    List.of("tag-x", "tag-y"), slowResponse.headers().allValues("X-Stages"));
            assertTrue("requests served under load: " + served.get(), served.get() > 50);
            assertEquals("failed requests", List.of(), new ArrayList<>(failures));
        } finally {
            stop.set(true);
            pipeline.delete();
            stages.forEach(ServiceRegistration::unregister);
        }
    }

    @Test
    public void aStageUpdatedUnderLoadFailsNoRequestAndTheWaitIsInTheAccessLog() throws Exception {
        ServiceRegistration<StageFactory> stage = tagStage("tag-upd");
        Configuration pipeline = pipeline("upd", Map.of("pipeline", "catch_errors proxy_logging tag-upd hello",
                "path", "/upd"));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger served = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> load = new ArrayList<>();
        try {
            awaitStages("/upd/x", List.of("tag-upd"));
            URI uri = URI.create("http://127.0.0.1:" + mainPort() + "/upd/x");
            for (int i = 0; i < 4; i++) {
                Thread thread = new Thread(() -> {
                    while (!stop.get()) {
                        try {
                            HttpResponse<String> response = get(uri);
                            if (response.statusCode() != 200 || !response.headers().allValues("X-Stages").equals(List.of("tag-upd"))) {
                                failures.add(response.statusCode() + " " + response.headers().allValues("X-Stages") + " "
                                        + response.body());
                            }
                            served.incrementAndGet();
                        } catch (IOException | InterruptedException e) {
                            failures.add(e.toString());
                        }
                    }
                }, "itest-update-load-" + i);
                thread.start();
                load.add(thread);
            }
            // 20 updates, as a bundle:update does it: the stage's service goes, a new one comes.
            for (int update = 0; update < 20; update++) {
                int before = served.get();
                await("requests served before update " + update, () -> served.get() > before + 20);
                stage.unregister();
                // The stage comes back once the pipeline holds its requests, as a restarted bundle's would.
                awaitLogCount("Berth pipeline upd: tag-upd went away", update + 1);
                stage = tagStage("tag-upd");
            }
            await("requests served after the last update", () -> served.get() > 200);
            stop.set(true);
            for (Thread thread : load) {
                thread.join(PATIENCE.toMillis());
            }

            assertEquals("failed requests of " + served.get(), List.of(), new ArrayList<>(failures));
            Path access = Paths.get(System.getProperty("karaf.log"), "berth-access.log");
            await("the access log shows requests that waited for the stage", () -> {
                try {
                    return Files.readString(access).matches("(?s).* GET /upd/x .* waited%20[0-9]+%20ms%20for%20tag-upd .*");
                } catch (IOException e) {
                    return false;
                }
            });

            // Removed for good: after update_wait, fail closed.
            stage.unregister();
            stage = null;
            HttpResponse<String> closed = awaitStatus("/upd/x", 503);
            assertEquals("Pipeline upd is waiting for stages: tag-upd\n", closed.body());
        } finally {
            stop.set(true);
            pipeline.delete();
            if (stage != null) {
                stage.unregister();
            }
        }
    }

    @Test
    public void eachPipelineIsAServiceWithItsStateCountsAndStageTimes() throws Exception {
        List<ServiceRegistration<StageFactory>> stages = List.of(tagStage("tag-s1"), tagStage("tag-s2"));
        Configuration pipeline = pipeline("observed", Map.of("pipeline", "tag-s1 tag-s2 hello", "path", "/observed",
                "listeners", "main"));
        Configuration waiting = pipeline("lacking", Map.of("pipeline", "tag-none hello", "path", "/lacking"));
        try {
            awaitStages("/observed/", List.of("tag-s1", "tag-s2"));
            for (int i = 0; i < 20; i++) {
                get(URI.create("http://127.0.0.1:" + mainPort() + "/observed/" + i));
            }
            Pipeline observed = pipelineService("observed");

            assertEquals(Pipeline.State.LIVE, observed.state());
            assertEquals("/observed", observed.path());
            assertEquals(List.of("main"), observed.listeners());
            assertEquals(List.of("tag-s1", "tag-s2", "hello"), observed.stages());
            assertTrue("requests: " + observed.requests(), observed.requests() >= 20);
            assertEquals(0, observed.errors());
            assertTrue(observed.latencyMillis(0.5) > 0 && observed.latencyMillis(0.99) >= observed.latencyMillis(0.5));
            List<Pipeline.StageTime> times = observed.stageTimes();
            assertEquals(List.of("tag-s1", "tag-s2", "hello"), times.stream().map(Pipeline.StageTime::stage).toList());
            assertTrue(times.toString(), times.stream().allMatch(t -> t.requests() >= 20 && t.nanos() > 0));

            awaitStatus("/lacking/", 503);
            Pipeline lacking = pipelineService("lacking");
            assertEquals(Pipeline.State.WAITING, lacking.state());
            assertEquals("missing: tag-none", lacking.reason());
        } finally {
            pipeline.delete();
            waiting.delete();
            stages.forEach(ServiceRegistration::unregister);
        }
    }

    private Pipeline pipelineService(String name) throws Exception {
        return context.getService(context.getServiceReferences(Pipeline.class, "(berth.pipeline.name=" + name + ")")
                .iterator().next());
    }

    @Test
    public void anInvalidEditIsNamedAndWhatServedKeepsServing() throws Exception {
        ServiceRegistration<StageFactory> tag = tagStage("tag-steady");
        Configuration pipeline = pipeline("steady", Map.of("pipeline", "catch_errors tag-steady hello", "path", "/steady"));
        try {
            awaitStages("/steady/", List.of("tag-steady"));

            pipeline.update(new Hashtable<>(Map.of("pipeline", "catch_errors hello", "path", "steady")));
            awaitLog("berth.pipeline-steady: path: 'steady' must start with / (the pipeline keeps its previous settings)");
            pipeline.update(new Hashtable<>(Map.of("pipeline", "hello catch_errors", "path", "/steady")));
            awaitLog("berth.pipeline-steady: pipeline: 'hello' is an app: only the last stage may be one "
                    + "(the pipeline keeps its previous settings until it can)");
            pipeline.update(new Hashtable<>(Map.of("pipeline", "catch_errors", "path", "/steady")));
            awaitLog("berth.pipeline-steady: pipeline: the last stage 'catch_errors' is middleware: a pipeline ends with an app "
                    + "(the pipeline keeps its previous settings until it can)");
            pipeline.update(new Hashtable<>(Map.of("pipeline", "catch_errors ratelimit-not-here hello", "path", "/steady")));
            awaitLog("Berth pipeline steady is WAITING (missing: ratelimit-not-here): berth.pipeline-steady: pipeline: "
                    + "no bundle provides ratelimit-not-here yet (the pipeline keeps its previous settings until it can)");
            pipeline.update(new Hashtable<>(Map.of("pipeline", "catch_errors hello", "path", "/steady",
                    "catch_errors.trans_id_sufix", "-x")));
            awaitLog("berth.pipeline-steady: catch_errors.trans_id_sufix: unknown setting; catch_errors takes trans_id_suffix "
                    + "(the pipeline keeps its previous settings until it can)");

            HttpResponse<String> response = awaitStages("/steady/", List.of("tag-steady"));
            assertEquals("Hello from Berth", response.body());
            assertTrue(response.headers().firstValue("X-Trans-Id").orElse("").matches("tx[0-9a-f]{21}-[0-9a-f]{10}"));
        } finally {
            pipeline.delete();
            tag.unregister();
        }
    }

    @Test
    public void aPathBelongsToOnePipelineAndTheSecondTakesItOverWhenItIsFree() throws Exception {
        List<ServiceRegistration<StageFactory>> tags = List.of(tagStage("tag-first"), tagStage("tag-second"));
        Configuration first = pipeline("first", Map.of("pipeline", "tag-first hello", "path", "/shared"));
        Configuration second = null;
        try {
            awaitStages("/shared/", List.of("tag-first"));
            second = pipeline("second", Map.of("pipeline", "tag-second hello", "path", "/shared"));
            awaitLog("berth.pipeline-second: path: '/shared' is served by pipeline 'first' on the same listener already");
            assertEquals(List.of("tag-first"), awaitStatus("/shared/", 200).headers().allValues("X-Stages"));

            first.delete();
            first = null;

            awaitStages("/shared/", List.of("tag-second"));
        } finally {
            if (first != null) {
                first.delete();
            }
            if (second != null) {
                second.delete();
            }
            tags.forEach(ServiceRegistration::unregister);
        }
    }

    @Test
    public void aPipelineServesOnlyOnItsListeners() throws Exception {
        String port = freePort();
        Configuration side = listener("side", Map.of("bind_ip", "127.0.0.1", "bind_port", port));
        ServiceRegistration<StageFactory> tag = tagStage("tag-side");
        Configuration pipeline = pipeline("side-only", Map.of("pipeline", "tag-side hello", "path", "/side-only",
                "listeners", "side"));
        try {
            awaitStages("127.0.0.1:" + port, "/side-only/x", List.of("tag-side"));

            assertEquals(404, get(URI.create("http://127.0.0.1:" + mainPort() + "/side-only/x")).statusCode());
        } finally {
            pipeline.delete();
            side.delete();
            tag.unregister();
        }
    }

    @Test
    public void felixsOwnConnectorReachesNoPipeline() throws Exception {
        // The distribution's pipeline main is served by its listener main.
        assertEquals("Hello from Berth", awaitStatus("/hello", 200).body());

        HttpResponse<String> direct = get(URI.create("http://127.0.0.1:" + felixPort() + "/hello"));

        assertEquals("Felix's connector, past every listener's limits: " + direct.body(), 404, direct.statusCode());
        assertTrue(direct.body(), !direct.body().contains("Hello from Berth"));
    }
}
