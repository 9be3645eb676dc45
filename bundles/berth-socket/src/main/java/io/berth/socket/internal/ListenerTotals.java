package io.berth.socket.internal;

import java.util.concurrent.atomic.LongAdder;

/** What a listener's connectors share across workers and reloads. */
final class ListenerTotals {

    final LongAdder requests = new LongAdder();
    final LongAdder errors = new LongAdder();

    /**
     * Set while the listener leaves service (stopping): requests carry
     * {@link io.berth.api.Berth#DRAINING_ATTRIBUTE} so that healthcheck tells the load balancer.
     * A reload's old generation is not leaving service: the listener still serves.
     */
    volatile boolean outOfService;
}
