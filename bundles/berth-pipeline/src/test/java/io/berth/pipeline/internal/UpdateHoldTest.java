package io.berth.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Test;

import io.berth.api.InvalidSettingException;
import io.berth.testing.StderrCapture;

/** When a pipeline holds its requests for a stage update, and when the hold ends. */
class UpdateHoldTest {

    private final ManualScheduler scheduler = new ManualScheduler();
    private final PipelineRegistry registry = new PipelineRegistry(new FakeConfigurationAdmin().service, scheduler);
    private final LongAdder waited = new LongAdder();
    /** Whether the gate still held the pipeline's requests each time the hold ran out and the pipeline was told. */
    private final List<Boolean> expiries = new ArrayList<>();
    private final UpdateHold hold = new UpdateHold("api", registry, waited, () -> expiries.add(held()));

    @Test
    void aStageOfTheLiveArrangementThatGoesAwayHoldsItsRequestsAtTheGate() throws Exception {
        PipelineSettings settings = claimed("update_wait", "2");
        try (StderrCapture log = new StderrCapture()) {
            assertThat(hold.hold(List.of("ratelimit", "cache"), settings, true)).isTrue();

            assertThat(log.lines("INFO")).containsExactly("[main] INFO io.berth.pipeline.internal.PipelineComponent - "
                    + "Berth pipeline api: ratelimit, cache went away; its requests wait up to 2000 ms for it to come "
                    + "back (update_wait)");
        }
        PipelineRegistry.Hold atTheGate = registry.holdFor("/v1/x", "main");
        assertThat(atTheGate).isNotNull();
        assertThat(atTheGate.stages).isEqualTo("ratelimit, cache");
        assertThat(atTheGate.enter()).isTrue();
        assertThat(waited.sum()).as("requests that waited, counted for the pipeline").isEqualTo(1);
        // Asked again while it holds: it still holds, and the gate has the same hold.
        assertThat(hold.hold(List.of("ratelimit"), settings, true)).isTrue();
        assertThat(registry.holdFor("/v1/x", "main")).isSameAs(atTheGate);
    }

    @Test
    void itDoesNotHoldWhenWhatServesIsNotTheAppOnTheseSettingsOrTheOperatorSaidNotTo() throws Exception {
        assertThat(hold.hold(List.of("ratelimit"), claimed(), false)).as("not live on these settings").isFalse();
        assertThat(hold.hold(List.of("ratelimit"), claimed("update_wait", "0"), true)).as("update_wait 0").isFalse();
        assertThat(hold.hold(List.of("ratelimit"), claimed("update_wait_requests", "0"), true))
                .as("update_wait_requests 0").isFalse();
        assertThat(held()).isFalse();
    }

    @Test
    void whenSomethingServesAgainTheHeldRequestsGoOnToIt() throws Exception {
        hold.hold(List.of("ratelimit"), claimed(), true);

        hold.served(true);

        assertThat(held()).isFalse();
        assertThat(hold.holding()).isFalse();
        scheduler.advance(60_000);
        assertThat(expiries).as("the timer of a hold that ended").isEmpty();
    }

    @Test
    void whenUpdateWaitRunsOutThePipelineIsToldBeforeTheRequestsGoAndItFailsClosedUntilLive() throws Exception {
        PipelineSettings settings = claimed("update_wait", "2");
        hold.hold(List.of("ratelimit"), settings, true);

        scheduler.advance(1_999);
        assertThat(expiries).isEmpty();
        scheduler.advance(1);

        assertThat(expiries).as("the gate still held when the pipeline was told").containsExactly(true);
        assertThat(held()).as("after").isFalse();
        assertThat(hold.spent()).isTrue();
        assertThat(hold.hold(List.of("ratelimit"), settings, true)).as("spent: fail closed").isFalse();

        hold.served(false);
        assertThat(hold.hold(List.of("ratelimit"), settings, true)).as("a 503 served since: still spent").isFalse();

        hold.served(true);
        assertThat(hold.hold(List.of("ratelimit"), settings, true)).as("live again").isTrue();
    }

    @Test
    void theTimerOfAnEarlierHoldDoesNotEndALaterOne() throws Exception {
        PipelineSettings settings = claimed("update_wait", "2");
        hold.hold(List.of("ratelimit"), settings, true);
        scheduler.advance(1_000);
        hold.served(true);
        scheduler.advance(500);
        hold.hold(List.of("ratelimit"), settings, true);

        scheduler.advance(500); // the first hold's deadline
        assertThat(held()).isTrue();
        assertThat(expiries).isEmpty();

        scheduler.advance(1_500); // the second's
        assertThat(held()).isFalse();
        assertThat(expiries).hasSize(1);
    }

    @Test
    void whenThePipelineGoesItsRequestsGoOnAndNoTimerEndsAnything() throws Exception {
        hold.hold(List.of("ratelimit"), claimed(), true);

        hold.stop();
        scheduler.advance(60_000);

        assertThat(held()).isFalse();
        assertThat(expiries).isEmpty();
    }

    private boolean held() {
        return registry.holdFor("/v1/x", "main") != null;
    }

    /** The pipeline api at /v1 with ratelimit and cache in front of hello, its path claimed. */
    private PipelineSettings claimed(String... more) throws InvalidSettingException {
        Map<String, Object> properties = new java.util.HashMap<>(Map.of("pipeline", "ratelimit cache hello",
                "path", "/v1"));
        for (int i = 0; i < more.length; i += 2) {
            properties.put(more[i], more[i + 1]);
        }
        PipelineSettings settings = PipelineSettings.parse("api", properties);
        assertThat(registry.claim(settings, () -> { })).isNull();
        return settings;
    }
}
