package io.berth.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import jakarta.servlet.FilterChain;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.berth.api.InvalidSettingException;

/** Requests waiting at the gate while a stage of their pipeline is being updated. */
class StageGateTest {

    private static final String PASSED = "test.passed";

    private final PipelineRegistry registry = new PipelineRegistry(new FakeConfigurationAdmin().service, new ManualScheduler());
    private final StageGate gate = new StageGate(registry);
    private final ExecutorService clients = Executors.newCachedThreadPool();
    /** The pipeline's count of requests that waited, as its component hands it to the hold. */
    private final LongAdder waited = new LongAdder();

    @AfterEach
    void stop() {
        registry.unhold("api");
        clients.shutdownNow();
    }

    @Test
    void pastUpdateWaitRequestsARequestIsAnswered503AtOnceWithTheReason() throws Exception {
        hold("api", Map.of("pipeline", "ratelimit hello", "path", "/v1", "update_wait", "30",
                "update_wait_requests", "2"));
        List<Future<Exchange>> waiting = List.of(send("/v1/a", "main"), send("/v1/b", "main"));
        PipelineRegistry.Hold hold = registry.holdFor("/v1/a", "main");
        await().atMost(Duration.ofSeconds(10)).until(() -> hold.waiting() == 2);

        // Not after update_wait (30 s): at once, holding no thread.
        Exchange third = send("/v1/c", "main").get(5, TimeUnit.SECONDS);

        assertThat(third.status()).isEqualTo(503);
        assertThat(third.body()).isEqualTo("Pipeline api is waiting for ratelimit to be updated, and 2 requests "
                + "wait already (update_wait_requests)\n");
        assertThat(third.headers).containsEntry("Content-Type", "text/plain;charset=utf-8")
                .containsKey("Retry-After");
        assertThat(third.attributes).doesNotContainKey(PASSED);
        assertThat(waiting).noneMatch(Future::isDone);

        registry.unhold("api");

        for (Future<Exchange> each : waiting) {
            assertThat(each.get(5, TimeUnit.SECONDS).attributes).containsEntry(PASSED, true);
        }
        assertThat(hold.waiting()).isZero();
        // The two that waited count for metrics; the one refused at once did not wait.
        assertThat(waited.sum()).as("requests that waited").isEqualTo(2);
    }

    @Test
    void requestsThatAreNotThePipelinesDoNotWait() throws Exception {
        hold("api", Map.of("pipeline", "ratelimit hello", "path", "/v1", "update_wait", "30", "listeners", "main"));

        // Felix's own connector, and a listener that does not serve the pipeline: 404 awaits them, not the stage.
        for (String listener : new String[] {null, "admin"}) {
            Exchange exchange = send("/v1/a", listener).get(5, TimeUnit.SECONDS);

            assertThat(exchange.attributes).as("through %s", listener).containsEntry(PASSED, true);
        }
        assertThat(registry.holdFor("/v1/a", "main").waiting()).isZero();
    }

    private void hold(String name, Map<String, Object> properties) throws InvalidSettingException {
        PipelineSettings settings = PipelineSettings.parse(name, properties);
        assertThat(registry.claim(settings, () -> { })).isNull();
        registry.hold(name, "ratelimit", settings.updateWaitMillis, settings.updateWaitRequests, waited);
    }

    private Future<Exchange> send(String path, String listener) {
        return clients.submit(() -> {
            Exchange exchange = new Exchange(path, listener);
            FilterChain chain = (request, response) -> request.setAttribute(PASSED, true);
            gate.doFilter(exchange.request, exchange.response, chain);
            return exchange;
        });
    }
}
