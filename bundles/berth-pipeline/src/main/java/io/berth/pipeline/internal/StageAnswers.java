package io.berth.pipeline.internal;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests one stage answered itself, by status code: a stage that returns without passing the
 * request on (a ratelimit 429, a tempauth 401, a healthcheck 200 or 503 DRAINING, a CORS
 * preflight) answered it. One adder per code, made the first time that code is seen, so counting
 * takes no lock and, after the first of a code, allocates nothing: a flood of 429s costs what a
 * {@link LongAdder} costs.
 */
final class StageAnswers {

    /** Codes 100..599 by their own slot; anything else (a stage that set no valid status) in slot 500. */
    private static final int FIRST = 100;
    private static final int SLOTS = 501;
    private static final int OTHER = SLOTS - 1;

    private final AtomicReferenceArray<LongAdder> byCode = new AtomicReferenceArray<>(SLOTS);

    void count(int status) {
        int slot = status >= FIRST && status < 600 ? status - FIRST : OTHER;
        LongAdder adder = byCode.get(slot);
        if (adder == null) {
            byCode.compareAndSet(slot, null, new LongAdder());
            adder = byCode.get(slot);
        }
        adder.increment();
    }

    /** Hands each code counted so far with its count, lowest code first; {@code 0} stands for an invalid status. */
    void forEach(CodeCount each) {
        LongAdder other = byCode.get(OTHER);
        if (other != null) {
            each.accept(0, other.sum());
        }
        for (int slot = 0; slot < OTHER; slot++) {
            LongAdder adder = byCode.get(slot);
            if (adder != null) {
                each.accept(slot + FIRST, adder.sum());
            }
        }
    }

    @FunctionalInterface
    interface CodeCount {
        void accept(int status, long count);
    }
}
