package io.berth.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.berth.api.AppFactory;
import io.berth.api.Listener;
import io.berth.api.Pipeline;
import io.berth.api.StageFactory;
import io.berth.api.StageMeasures;
import io.berth.testing.StderrCapture;

/**
 * A pipeline built by hand, without a framework: its registrations land in a fake whiteboard, its
 * timers run when the test moves the clock, and requests are dispatched over what it registered.
 */
class PipelineComponentTest {

    final FakeWhiteboard whiteboard = new FakeWhiteboard();
    final ManualScheduler scheduler = new ManualScheduler();
    final FakeConfigurationAdmin configurationAdmin = new FakeConfigurationAdmin();
    final PipelineRegistry registry = new PipelineRegistry(configurationAdmin.service, scheduler);
    /** How many filters each stage factory built. */
    final Map<String, AtomicInteger> built = new ConcurrentHashMap<>();

    private final List<PipelineComponent> active = new ArrayList<>();

    @AfterEach
    void deactivate() {
        active.forEach(PipelineComponent::deactivate);
    }

    @Test
    void aPipelineServesItsStagesInOrderThenTheApp() throws Exception {
        pipeline("main", Map.of("pipeline", "tag-a tag-b hello", "path", "/v1"), "tag-b", "tag-a");

        Exchange exchange = whiteboard.get("/v1/x", "main");

        assertThat(exchange.status()).isEqualTo(200);
        assertThat(exchange.headers).containsEntry("X-Stages", "tag-a, tag-b");
        assertThat(exchange.body()).isEqualTo("hello\n");
        assertThat(whiteboard.get("/other", "main").status()).isEqualTo(404);
    }

    @Test
    void anEditThatChangesNothingKeepsTheArrangementAndItsStages() throws Exception {
        Map<String, Object> settings = Map.of("pipeline", "tag-a tag-b hello", "path", "/v1/", "listeners", "main, admin",
                "update_wait", "2", "tag-a.limit", "10");
        PipelineComponent pipeline = pipeline("main", settings, "tag-a", "tag-b");

        // FileInstall rewrites the file: its own keys change, the operator's do not.
        pipeline.modified(with(configurationAdmin.store("main", settings), "felix.fileinstall.filename",
                "file:/opt/berth/etc/berth.pipeline-main.cfg", "service.bundleLocation", "?"));
        // The paste importer re-tags its pipelines when the set of watched files changes.
        pipeline.modified(with(configurationAdmin.store("main", settings), PasteImporter.SOURCE,
                "config dirs: /etc/berth/conf.d/a.ini /etc/berth/conf.d/b.ini"));
        // The same values, written differently.
        pipeline.modified(configurationAdmin.store("main", Map.of("pipeline", " tag-a  tag-b\thello ", "path", "/v1",
                "listeners", "admin main", "update_wait", "2.0", "tag-a.limit", " 10 ")));
        scheduler.advance(Retirement.LIMIT_MS);

        assertThat(whiteboard.contextsRegistered()).as("servlet contexts registered").isEqualTo(1);
        assertThat(built.get("tag-a")).as("tag-a filters built").hasValue(1);
        assertThat(whiteboard.get("/v1/x", "main").status()).isEqualTo(200);
        assertThat(status("main").generationSwaps()).as("generation swaps").isEqualTo(1);
        assertThat(status("main").requestCounts()).as("requests by method and status class")
                .containsExactly(new Pipeline.RequestCount("GET", "2xx", 1));
        assertThat(status("main").latency().count()).as("requests in the latency histogram").isEqualTo(1);

        pipeline.modified(configurationAdmin.store("main", with(settings, "tag-a.limit", "11")));

        assertThat(whiteboard.contextsRegistered()).as("servlet contexts registered after a real change").isEqualTo(2);
        assertThat(built.get("tag-a")).hasValue(2);
        assertThat(status("main").generationSwaps()).as("generation swaps after a real change").isEqualTo(2);
    }

    @Test
    void aRequestThatCameThroughNoBerthListenerFindsNoPipeline() throws Exception {
        pipeline("everywhere", Map.of("pipeline", "tag-a hello"), "tag-a");

        assertThat(whiteboard.get("/x", "main").status()).isEqualTo(200);
        // Felix's own connector (127.0.0.1, a port the kernel picked) sets no listener attribute.
        Exchange felix = whiteboard.get("/x", null);
        assertThat(felix.status()).isEqualTo(404);
        assertThat(felix.headers).doesNotContainKey("X-Stages");
        assertThat(felix.body()).isEmpty();
    }

    @Test
    void twoUpdatesBackToBackTheLastIsAppliedAtOnceThoughDeclarativeServicesDeliveredOnlyTheFirst() throws Exception {
        PipelineComponent pipeline = pipeline("main", Map.of("pipeline", "tag-a hello"), "tag-a", "tag-b", "tag-c");
        scheduler.runDue();

        // Two updates back to back. DS can record the second one's change count with the first
        // one's properties, then skip the second event: it delivers only the first.
        Map<String, Object> first = configurationAdmin.store("main", Map.of("pipeline", "tag-b hello"));
        configurationAdmin.store("main", Map.of("pipeline", "tag-c hello"));
        registry.configurationEvent(FakeConfigurationAdmin.updated("main"));
        pipeline.modified(first);
        registry.configurationEvent(FakeConfigurationAdmin.updated("main"));
        scheduler.runDue(); // no time passes

        assertThat(whiteboard.get("/x", "main").headers).containsEntry("X-Stages", "tag-c");
    }

    @Test
    void aStaleDeliveryAfterTheReReadIsCorrectedToo() throws Exception {
        PipelineComponent pipeline = pipeline("main", Map.of("pipeline", "tag-a hello"), "tag-a", "tag-b", "tag-c");
        Map<String, Object> first = configurationAdmin.store("main", Map.of("pipeline", "tag-b hello"));
        configurationAdmin.store("main", Map.of("pipeline", "tag-c hello"));
        registry.configurationEvent(FakeConfigurationAdmin.updated("main"));
        registry.configurationEvent(FakeConfigurationAdmin.updated("main"));
        scheduler.advance(1_000);
        assertThat(whiteboard.get("/x", "main").headers).containsEntry("X-Stages", "tag-c");

        // DS's stale delivery arrives after the events were handled: no event follows it.
        pipeline.modified(first);
        scheduler.advance(10 * 60_000);

        assertThat(whiteboard.get("/x", "main").headers).containsEntry("X-Stages", "tag-c");
    }

    @Test
    void anInvalidUpdateIsLoggedOnceThoughItIsReadAndDelivered() throws Exception {
        PipelineComponent pipeline = pipeline("main", Map.of("pipeline", "tag-a hello"), "tag-a");
        try (StderrCapture log = new StderrCapture()) {
            Map<String, Object> invalid = configurationAdmin.store("main", Map.of("pipeline", "tag-a hello", "path", "v1"));
            registry.configurationEvent(FakeConfigurationAdmin.updated("main"));
            scheduler.runDue();
            pipeline.modified(invalid);
            scheduler.runDue();

            assertThat(log.lines("berth.pipeline-main: path: 'v1' must start with /")).hasSize(1);
        }
        assertThat(whiteboard.get("/x", "main").status()).isEqualTo(200);
    }

    @Test
    void aListenerThatDoesNotExistIsNamedOnceInTheLogAndInTheStatus() throws Exception {
        try (StderrCapture log = new StderrCapture()) {
            pipeline("api", Map.of("pipeline", "tag-a hello", "listeners", "nosuchlistener"), "tag-a");
            scheduler.advance(60_000);
            scheduler.advance(60_000);

            assertThat(log.lines("WARN")).containsExactly("[main] WARN io.berth.pipeline.internal.PipelineComponent - "
                    + "Berth pipeline api names listener nosuchlistener, but there is no such listener "
                    + "(etc/berth.listener-nosuchlistener.cfg): it is served nowhere");
        }
        Pipeline status = status("api");
        assertThat(status.state()).isEqualTo(Pipeline.State.WAITING);
        assertThat(status.reason()).isEqualTo("no listener nosuchlistener");
    }

    @Test
    void aListenerThatComesAfterThePipelineIsNoCauseForAWarning() throws Exception {
        try (StderrCapture log = new StderrCapture()) {
            PipelineComponent pipeline = pipeline("api", Map.of("pipeline", "tag-a hello", "listeners", "late"), "tag-a");
            assertThat(status("api").state()).isEqualTo(Pipeline.State.WAITING);
            scheduler.advance(1_000);
            pipeline.addListener(null, Map.of(Listener.NAME_PROPERTY, "late"));
            scheduler.advance(60_000);

            assertThat(log.lines("WARN")).isEmpty();
        }
        assertThat(status("api").state()).isEqualTo(Pipeline.State.LIVE);
        assertThat(status("api").reason()).isNull();
    }

    @Test
    void aListenerThatComesAfterTheWarningIsAnnouncedAndOneThatGoesIsWarnedAbout() throws Exception {
        try (StderrCapture log = new StderrCapture()) {
            PipelineComponent pipeline = pipeline("api", Map.of("pipeline", "tag-a hello", "listeners", "main slow"),
                    "tag-a");
            scheduler.advance(60_000);
            assertThat(log.lines("WARN")).containsExactly("[main] WARN io.berth.pipeline.internal.PipelineComponent - "
                    + "Berth pipeline api names listener slow, but there is no such listener "
                    + "(etc/berth.listener-slow.cfg): it is not served there");
            assertThat(status("api").state()).isEqualTo(Pipeline.State.LIVE);

            pipeline.addListener(null, Map.of(Listener.NAME_PROPERTY, "slow"));
            assertThat(log.lines("INFO io.berth.pipeline.internal.PipelineComponent - Berth pipeline api: listener slow"))
                    .containsExactly("[main] INFO io.berth.pipeline.internal.PipelineComponent - Berth pipeline api: "
                            + "listener slow is there now, and serves it");

            pipeline.removeListener(null, Map.of(Listener.NAME_PROPERTY, "slow"));
            pipeline.removeListener(null, Map.of(Listener.NAME_PROPERTY, "main"));
            scheduler.advance(60_000);
            assertThat(log.lines("WARN")).hasSize(2).last().asString()
                    .endsWith("names listeners main, slow, but there are no such listeners "
                            + "(etc/berth.listener-main.cfg, etc/berth.listener-slow.cfg): it is served nowhere");
        }
        assertThat(status("api").reason()).isEqualTo("no listener main, slow");
    }

    @Test
    void theStatusCountsWhatAStageAnsweredItselfByStatus() throws Exception {
        PipelineComponent pipeline = pipeline("main", Map.of("pipeline", "tag-a deny hello"), "tag-a");
        pipeline.addStageFactory(settings -> (Filter) (request, response, chain) -> {
            if (((HttpServletRequest) request).getRequestURI().startsWith("/deny")) {
                ((HttpServletResponse) response).sendError(429);
            } else {
                chain.doFilter(request, response);
            }
        }, FakeWhiteboard.stage("deny"));

        whiteboard.get("/deny/1", "main");
        whiteboard.get("/deny/2", "main");
        whiteboard.get("/pass", "main");

        assertThat(status("main").stageAnswers()).containsExactly(new Pipeline.StageAnswer("deny", 429, 2));
        assertThat(status("main").stageTimes()).extracting(Pipeline.StageTime::requests).containsExactly(3L, 3L, 1L);
    }

    @Test
    void theStatusReadsTheNumbersOfTheLiveStagesThatHaveThem() throws Exception {
        AtomicInteger builds = new AtomicInteger();
        StageFactory counting = settings -> {
            int build = builds.incrementAndGet();
            class Counting implements Filter, StageMeasures {
                @Override
                public void doFilter(jakarta.servlet.ServletRequest request, jakarta.servlet.ServletResponse response,
                        jakarta.servlet.FilterChain chain) throws IOException, jakarta.servlet.ServletException {
                    chain.doFilter(request, response);
                }

                @Override
                public List<Measure> measures() {
                    return List.of(new Measure("builds", Kind.GAUGE, "which build this is", build));
                }
            }
            return new Counting();
        };
        PipelineComponent pipeline = pipeline("main", Map.of("pipeline", "tag-a counting hello"), "tag-a");
        pipeline.addStageFactory(counting, FakeWhiteboard.stage("counting"));

        assertThat(status("main").stageMeasures()).containsOnlyKeys("counting");
        assertThat(status("main").stageMeasures().get("counting"))
                .containsExactly(new StageMeasures.Measure("builds", StageMeasures.Kind.GAUGE, "which build this is", 1));

        pipeline.modified(configurationAdmin.store("main", Map.of("pipeline", "tag-a counting hello",
                "counting.x", "1")));

        assertThat(status("main").stageMeasures().get("counting")).extracting(StageMeasures.Measure::value)
                .containsExactly(2.0);
    }

    /** A pipeline with the app {@code hello} and these middleware stages present, activated with {@code properties}. */
    PipelineComponent pipeline(String name, Map<String, Object> properties, String... stages) {
        PipelineComponent pipeline = new PipelineComponent(registry);
        for (String stage : stages) {
            pipeline.addStageFactory(tagStage(stage), FakeWhiteboard.stage(stage));
        }
        pipeline.addAppFactory(hello(), FakeWhiteboard.stage("hello"));
        // The distribution's listeners, as their bundle registers them.
        pipeline.addListener(null, Map.of(Listener.NAME_PROPERTY, "main"));
        pipeline.addListener(null, Map.of(Listener.NAME_PROPERTY, "admin"));
        pipeline.activate(whiteboard.context, configurationAdmin.store(name, properties));
        active.add(pipeline);
        return pipeline;
    }

    /** A stage that adds its name to the response header X-Stages. */
    StageFactory tagStage(String stage) {
        return settings -> {
            built.computeIfAbsent(stage, s -> new AtomicInteger()).incrementAndGet();
            return (Filter) (request, response, chain) -> {
                ((HttpServletResponse) response).addHeader("X-Stages", stage);
                chain.doFilter(request, response);
            };
        };
    }

    static AppFactory hello() {
        return settings -> new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.setContentType("text/plain");
                response.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    /** The pipeline's status service, as the shell reads it. */
    Pipeline status(String name) {
        return whiteboard.live(Pipeline.class).stream().map(r -> (Pipeline) r.service)
                .filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    static Map<String, Object> with(Map<String, Object> properties, Object... more) {
        Map<String, Object> all = new HashMap<>(properties);
        for (int i = 0; i < more.length; i += 2) {
            all.put((String) more[i], more[i + 1]);
        }
        return all;
    }
}
