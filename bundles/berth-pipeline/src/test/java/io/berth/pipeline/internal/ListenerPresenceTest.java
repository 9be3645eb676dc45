package io.berth.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.berth.api.InvalidSettingException;
import io.berth.testing.StderrCapture;

/** The listeners a pipeline names, against those there are. */
class ListenerPresenceTest {

    private static final String LOGGER = "io.berth.pipeline.internal.PipelineComponent - ";

    private final ListenerPresence presence = new ListenerPresence();

    @Test
    void theMissingAreThoseNamedThatAreNotThereInTheOrderNamed() throws Exception {
        PipelineSettings settings = named("main admin slow");
        presence.added("admin");

        assertThat(presence.missing(settings)).containsExactly("main", "slow");
        assertThat(presence.missing(null)).as("nothing served").isEmpty();
        assertThat(presence.missing(PipelineSettings.parse("api", Map.of("pipeline", "hello"))))
                .as("every listener").isEmpty();
    }

    @Test
    void aListenerRegisteredTwiceIsThereUntilBothHaveGone() throws Exception {
        presence.added("main");
        presence.added("main");
        presence.removed("main");

        assertThat(presence.missing(named("main"))).isEmpty();

        presence.removed("main");
        assertThat(presence.missing(named("main"))).containsExactly("main");
    }

    @Test
    void aMissingListenerIsNamedOnceAndAnnouncedWhenItComes() throws Exception {
        PipelineSettings settings = named("main slow");
        presence.added("main");
        try (StderrCapture log = new StderrCapture()) {
            presence.check(settings);
            presence.check(settings);
            presence.added("slow");

            assertThat(log.lines(LOGGER)).containsExactly(
                    "[main] WARN " + LOGGER + "Berth pipeline api names listener slow, but there is no such listener "
                            + "(etc/berth.listener-slow.cfg): it is not served there",
                    "[main] INFO " + LOGGER + "Berth pipeline api: listener slow is there now, and serves it");
        }
    }

    @Test
    void aListenerThatWasNeverNamedMissingComesWithoutAWord() throws Exception {
        try (StderrCapture log = new StderrCapture()) {
            presence.added("main");
            presence.check(named("main"));
            presence.check(null);

            assertThat(log.lines(LOGGER)).isEmpty();
        }
    }

    @Test
    void aListenerThatComesAndGoesAgainIsNamedAgainAndNoneThereIsServedNowhere() throws Exception {
        PipelineSettings settings = named("main slow");
        presence.added("main");
        presence.check(settings);
        presence.added("slow");
        assertThat(presence.servedNowhere(settings)).isNull();

        presence.removed("slow");
        presence.removed("main");
        try (StderrCapture log = new StderrCapture()) {
            presence.check(settings);

            assertThat(log.lines("WARN")).containsExactly("[main] WARN " + LOGGER + "Berth pipeline api names listeners "
                    + "main, slow, but there are no such listeners (etc/berth.listener-main.cfg, "
                    + "etc/berth.listener-slow.cfg): it is served nowhere");
        }
        assertThat(presence.servedNowhere(settings)).isEqualTo("no listener main, slow");
        assertThat(presence.servedNowhere(null)).isNull();
    }

    private static PipelineSettings named(String listeners) throws InvalidSettingException {
        return PipelineSettings.parse("api", Map.of("pipeline", "hello", "listeners", listeners));
    }
}
