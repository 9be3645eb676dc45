package io.berth.socket.internal;

import java.util.concurrent.TimeUnit;

/** How a listener's own threads wait for time to pass: a sleep, or a fake clock moving on in tests. */
@FunctionalInterface
interface Pause {

    Pause SLEEP = TimeUnit.NANOSECONDS::sleep;

    /** Waits {@code nanos} (nothing when it is not positive); interrupted: stops waiting. */
    void nanos(long nanos) throws InterruptedException;
}
