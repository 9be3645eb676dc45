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
    /**
     * Requests by the class of the status they were answered with: 1 to 5 for 1xx to 5xx, 0 for
     * those cut before any status was sent. Indexed, so counting is one adder's increment.
     */
    private final LongAdder[] byStatusClass = new LongAdder[6];
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

    ListenerTotals() {
        for (int i = 0; i < byStatusClass.length; i++) {
            byStatusClass[i] = new LongAdder();
        }
    }

    /** One request completed with this status (0: none was sent). Lock-free, no allocation. */
    void answered(int status) {
        byStatusClass[status >= 100 && status < 600 ? status / 100 : 0].increment();
    }

    /** @return requests answered with a status of this class (1 to 5), 0 for any other */
    long answeredInClass(int statusClass) {
        return statusClass >= 1 && statusClass <= 5 ? byStatusClass[statusClass].sum() : 0;
    }
}
