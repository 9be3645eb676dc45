package io.berth.middleware.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class TransactionIdsTest {

    private static final long NOW = 0x65f1a2b3L;

    @Test
    void hasSwiftsForm() {
        assertThat(TransactionIds.next("", null, NOW)).matches("tx[0-9a-f]{21}-0065f1a2b3");
    }

    @Test
    void appendsTheConfiguredSuffixAndTheClientsExtra() {
        assertThat(TransactionIds.next("-east", "my-job.42", NOW))
                .matches("tx[0-9a-f]{21}-0065f1a2b3-east-my-job\\.42");
    }

    @Test
    void keepsOnlyTheFirst32CharactersOfTheExtra() {
        String extra = "a".repeat(32) + "TAIL";

        assertThat(TransactionIds.next("", extra, NOW)).endsWith("-" + "a".repeat(32));
    }

    @Test
    void quotesWhatCouldBreakAHeaderOrALogLine() {
        String id = TransactionIds.next("", "a b\r\nX-Evil: 1\u00e9", NOW);

        assertThat(id).endsWith("-a%20b%0D%0AX-Evil%3A%201%C3%A9");
    }

    @Test
    void cutsTheExtraOnCodePointsNotInsideASurrogatePair() {
        String extra = "\uD83D\uDE00".repeat(40);

        assertThat(TransactionIds.next("", extra, NOW)).endsWith("-" + "%F0%9F%98%80".repeat(32));
    }

    @Test
    void idsDoNotRepeat() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(TransactionIds.next("", null, NOW));
        }
        assertThat(ids).hasSize(100_000);
    }
}
