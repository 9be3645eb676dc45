package io.berth.socket.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** What a listener's connectors share across workers and reloads. */
final class ListenerTotals {

    final LongAdder requests = new LongAdder();
    final LongAdder errors = new LongAdder();
    /** Connections handed to a connector (accepted), across reloads. */
    final LongAdder accepted = new LongAdder();
    /** Requests answered 503 at once because max_clients places were taken (also counted in errors). */
    final LongAdder refused = new LongAdder();
    /** Rare events, counted by the listener's own threads and the operator's calls. */
    final AtomicLong reloads = new AtomicLong();
    final AtomicLong drains = new AtomicLong();
    final AtomicLong respawns = new AtomicLong();

    /**
     * Set while the listener leaves service (stopping): requests carry
     * {@link io.berth.api.Berth#DRAINING_ATTRIBUTE} so that healthcheck tells the load balancer.
     * A reload's old generation is not leaving service: the listener still serves.
     */
    volatile boolean outOfService;
}
