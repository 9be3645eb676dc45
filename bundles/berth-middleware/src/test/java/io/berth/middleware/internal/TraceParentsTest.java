package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The W3C Trace Context level 1 rules for traceparent, one by one. */
class TraceParentsTest {

    private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void acceptsTheSpecificationsExamples() {
        assertThat(TraceParents.isValid(VALID)).isTrue();
        assertThat(TraceParents.isValid("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")).isTrue();
        assertThat(TraceParents.traceId(VALID)).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void rejectsWhatTheGrammarForbids() {
        assertThat(TraceParents.isValid(null)).isFalse();
        assertThat(TraceParents.isValid("")).isFalse();
        assertThat(TraceParents.isValid(VALID.toUpperCase())).as("uppercase hex").isFalse();
        assertThat(TraceParents.isValid("00-4bf92f3577b34da6a3ce929d0e0e4736-00F067aa0ba902b7-01")).isFalse();
        assertThat(TraceParents.isValid("00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01")).as("31 digits").isFalse();
        assertThat(TraceParents.isValid("00-4bf92f3577b34da6a3ce929d0e0e47366-00f067aa0ba902b-01")).as("dashes moved")
                .isFalse();
        assertThat(TraceParents.isValid("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1")).as("one flag digit")
                .isFalse();
        assertThat(TraceParents.isValid("00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01")).isFalse();
        assertThat(TraceParents.isValid("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902g7-01")).isFalse();
        assertThat(TraceParents.isValid("0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x")).isFalse();
        assertThat(TraceParents.isValid(" " + VALID.substring(1))).isFalse();
    }

    @Test
    void rejectsAllZeroIds() {
        assertThat(TraceParents.isValid("00-00000000000000000000000000000000-00f067aa0ba902b7-01")).isFalse();
        assertThat(TraceParents.isValid("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")).isFalse();
    }

    @Test
    void version00IsExactly55CharactersAndVersionFfIsInvalid() {
        assertThat(TraceParents.isValid(VALID + "-00")).isFalse();
        assertThat(TraceParents.isValid(VALID + "0")).isFalse();
        assertThat(TraceParents.isValid("ff" + VALID.substring(2))).isFalse();
    }

    @Test
    void aHigherVersionIsReadByTheFieldsLevel1Knows() {
        assertThat(TraceParents.isValid("01" + VALID.substring(2))).isTrue();
        assertThat(TraceParents.isValid("cc" + VALID.substring(2) + "-what-the-future-adds")).isTrue();
        assertThat(TraceParents.traceId("cc" + VALID.substring(2) + "-x")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(TraceParents.isValid("cc" + VALID.substring(2) + "x")).as("flags not followed by a dash").isFalse();
        assertThat(TraceParents.isValid("cc" + VALID.substring(2, 54))).as("shorter than 55").isFalse();
    }

    @Test
    void newOnesAreValidSampledAndDifferent() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String next = TraceParents.next();
            assertThat(next).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
            assertThat(TraceParents.isValid(next)).isTrue();
            seen.add(TraceParents.traceId(next));
        }
        assertThat(seen).hasSize(1000);
    }
}
