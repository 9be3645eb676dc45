package io.berth.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.berth.testing.StderrCapture;

/** Replaced generations leave after the grace, once their requests are done, and at the limit at the latest. */
class RetirementTest {

    private final ManualScheduler scheduler = new ManualScheduler();
    private final Retirement retirement = new Retirement("main", scheduler, () -> scheduler.now() * 1_000_000);

    /** A generation as retirement sees it: requests in flight, and how often it was unregistered. */
    static final class Old implements Retirement.Retiree {
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger unregistered = new AtomicInteger();

        @Override
        public int inFlight() {
            return inFlight.get();
        }

        @Override
        public void unregister() {
            unregistered.incrementAndGet();
        }
    }

    @Test
    void anIdleGenerationStaysForTheGraceThenGoes() {
        Old old = new Old();
        retirement.retire(old);

        scheduler.advance(Retirement.GRACE_MS - 1);
        assertThat(old.unregistered).as("before the grace").hasValue(0);

        scheduler.advance(1);
        assertThat(old.unregistered).as("at the grace").hasValue(1);
        assertThat(retirement.retiring()).isZero();
    }

    @Test
    void aGenerationWithRequestsInFlightStaysUntilTheyHaveFinished() {
        Old old = new Old();
        old.inFlight.set(2);
        retirement.retire(old);

        scheduler.advance(10_000);
        assertThat(old.unregistered).hasValue(0);

        old.inFlight.set(0);
        scheduler.advance(Retirement.POLL_MS);
        assertThat(old.unregistered).hasValue(1);
    }

    @Test
    void aGenerationWhoseRequestsDoNotFinishGoesAtTheLimitAndTheLogSaysSo() {
        Old old = new Old();
        old.inFlight.set(3);
        try (StderrCapture log = new StderrCapture()) {
            retirement.retire(old);

            scheduler.advance(Retirement.LIMIT_MS - Retirement.POLL_MS);
            assertThat(old.unregistered).as("before the limit").hasValue(0);
            scheduler.advance(Retirement.POLL_MS);

            assertThat(old.unregistered).as("at the limit").hasValue(1);
            assertThat(log.lines("WARN")).containsExactly("[main] WARN io.berth.pipeline.internal.PipelineComponent - "
                    + "Berth pipeline main: 3 request(s) still running on its replaced arrangement after 60 s; "
                    + "its stages are removed now");
        }
    }

    @Test
    void whenThePipelineGoesEveryRetiringGenerationGoesAtOnceAndOnlyOnce() {
        Old first = new Old();
        Old second = new Old();
        second.inFlight.set(1);
        retirement.retire(first);
        retirement.retire(second);

        retirement.retireAllNow();
        scheduler.advance(Retirement.LIMIT_MS * 2);

        assertThat(first.unregistered).hasValue(1);
        assertThat(second.unregistered).hasValue(1);
        assertThat(retirement.retiring()).isZero();
    }
}
