package io.berth.config.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void emptyIsNaN() {
        assertThat(new LatencyHistogram().quantileMillis(0.5)).isNaN();
    }

    @Test
    void quantilesWithinThreePercent() {
        LatencyHistogram histogram = new LatencyHistogram();
        // 1..100000 µs, once each: the q-quantile is q * 100 ms.
        for (long micros = 1; micros <= 100_000; micros++) {
            histogram.record(micros);
        }
        assertThat(histogram.quantileMillis(0.5)).isCloseTo(50.0, within(1.5));
        assertThat(histogram.quantileMillis(0.99)).isCloseTo(99.0, within(3.0));
        assertThat(histogram.quantileMillis(0.0)).isCloseTo(0.001, within(0.001));
        assertThat(histogram.quantileMillis(1.0)).isCloseTo(100.0, within(3.0));
    }

    @Test
    void bucketsAreOrderedAndTheirMiddlesInsideThem() {
        Random random = new Random(42);
        for (int i = 0; i < 100_000; i++) {
            long micros = (long) Math.exp(random.nextDouble() * 27); // up to 5e11 µs, inside the range
            int index = LatencyHistogram.index(micros);
            assertThat(LatencyHistogram.index(micros + 1)).isGreaterThanOrEqualTo(index);
            double middle = LatencyHistogram.middle(index);
            assertThat(Math.abs(middle - micros) / Math.max(1, micros)).as("µs %d", micros).isLessThan(0.035);
        }
        assertThat(LatencyHistogram.index(Long.MAX_VALUE)).isEqualTo(LatencyHistogram.index(1L << 45));
        assertThat(LatencyHistogram.index(-5)).isZero();
    }
}
