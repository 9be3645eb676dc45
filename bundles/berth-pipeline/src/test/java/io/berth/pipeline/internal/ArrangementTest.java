package io.berth.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.berth.api.InvalidSettingException;

/** What a generation serves, as a value: equal arrangements rebuild nothing, a new factory rebuilds. */
class ArrangementTest {

    private final Object tagA = new Object();
    private final Object hello = new Object();

    @Test
    void theSameSettingsAndFactoriesAreTheSameArrangement() throws Exception {
        // Parsed twice, written differently: equal values, other instances.
        Arrangement one = Arrangement.live(settings("tag-a hello"), List.of(tagA, hello));
        Arrangement two = Arrangement.live(PipelineSettings.parse("main", Map.of("pipeline", " tag-a\thello ")),
                new ArrayList<>(List.of(tagA, hello)));

        assertThat(two).isEqualTo(one).hasSameHashCodeAs(one);
    }

    @Test
    void aFactoryRegisteredAgainIsANewArrangementThoughItSaysItIsEqual() throws Exception {
        Object equalToAnything = new Object() {
            @Override
            public boolean equals(Object other) {
                return true;
            }

            @Override
            public int hashCode() {
                return 1;
            }
        };

        assertThat(Arrangement.live(settings("tag-a hello"), List.of(equalToAnything, hello)))
                .isNotEqualTo(Arrangement.live(settings("tag-a hello"), List.of(tagA, hello)));
    }

    @Test
    void otherSettingsOrAnotherReasonAreAnotherArrangement() throws Exception {
        Arrangement live = Arrangement.live(settings("tag-a hello"), List.of(tagA, hello));

        assertThat(Arrangement.live(PipelineSettings.parse("main", Map.of("pipeline", "tag-a hello", "tag-a.limit", "1")),
                List.of(tagA, hello))).isNotEqualTo(live);
        assertThat(Arrangement.unavailable(settings("tag-a hello"), "Pipeline main is waiting for stages: tag-a"))
                .isNotEqualTo(live)
                .isEqualTo(Arrangement.unavailable(settings("tag-a hello"), "Pipeline main is waiting for stages: tag-a"))
                .isNotEqualTo(Arrangement.unavailable(settings("tag-a hello"), "Pipeline main cannot build its stage tag-a"));
    }

    @Test
    void itServesWithTheFactoriesPresentOnlyWhileEachIsTheOneItWasBuiltWith() throws Exception {
        Arrangement live = Arrangement.live(settings("tag-a hello"), List.of(tagA, hello));

        assertThat(live.servesWith(List.of(tagA, hello))).isTrue();
        assertThat(live.servesWith(Arrays.asList(null, hello))).as("tag-a gone").isFalse();
        assertThat(live.servesWith(List.of(new Object(), hello))).as("tag-a registered again").isFalse();
        assertThat(Arrangement.unavailable(settings("tag-a hello"), "503").servesWith(List.of(tagA, hello)))
                .as("a 503 serves no app").isFalse();
    }

    @Test
    void itKeepsTheFactoriesItWasGivenNotTheListTheyCameIn() throws Exception {
        List<Object> factories = new ArrayList<>(List.of(tagA, hello));
        Arrangement live = Arrangement.live(settings("tag-a hello"), factories);

        factories.set(0, new Object());

        assertThat(live.factories()).containsExactly(tagA, hello);
        assertThat(live.live()).isTrue();
    }

    @Test
    void itServesEitherTheAppOrA503() throws Exception {
        assertThatThrownBy(() -> new Arrangement(settings("hello"), List.of(hello), "503"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Arrangement(settings("hello"), null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static PipelineSettings settings(String pipeline) throws InvalidSettingException {
        return PipelineSettings.parse("main", Map.of("pipeline", pipeline));
    }
}
