package io.berth.config.internal;

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
import io.berth.api.StageFactory;

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

    /** A pipeline with the app {@code hello} and these middleware stages present, activated with {@code properties}. */
    PipelineComponent pipeline(String name, Map<String, Object> properties, String... stages) {
        PipelineComponent pipeline = new PipelineComponent(registry);
        for (String stage : stages) {
            pipeline.addStageFactory(tagStage(stage), FakeWhiteboard.stage(stage));
        }
        pipeline.addAppFactory(hello(), FakeWhiteboard.stage("hello"));
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

    static Map<String, Object> with(Map<String, Object> properties, Object... more) {
        Map<String, Object> all = new HashMap<>(properties);
        for (int i = 0; i < more.length; i += 2) {
            all.put((String) more[i], more[i + 1]);
        }
        return all;
    }
}
