package io.berth.api;

/**
 * EventAdmin topics and properties of listener lifecycle events, the way Neutron's
 * {@code registry.publish(PROCESS, BEFORE_SPAWN)} lets other parts hook in. For one listener the
 * events are posted in the order they happen.
 */
public final class Lifecycle {

    /** Prefix of every topic; subscribe to {@code berth/lifecycle/*} for all of them. */
    public static final String TOPIC_PREFIX = "berth/lifecycle/";

    /** A listener's connector is about to be added (first start and every reload). */
    public static final String BEFORE_SPAWN = TOPIC_PREFIX + "before-spawn";

    /** A listener serves with its (new) settings. */
    public static final String STARTED = TOPIC_PREFIX + "started";

    /** A listener is being reloaded. */
    public static final String RELOADING = TOPIC_PREFIX + "reloading";

    /** A connector stopped taking connections; requests in flight are finishing. */
    public static final String DRAINING = TOPIC_PREFIX + "draining";

    /** A listener stopped. */
    public static final String STOPPED = TOPIC_PREFIX + "stopped";

    /** A worker died and is being replaced. */
    public static final String WORKER_DIED = TOPIC_PREFIX + "worker-died";

    /** Event property: the listener's name. */
    public static final String LISTENER = "listener";

    /** Event property: where it serves, {@code http(s)://HOST:PORT/}. */
    public static final String URL = "url";

    /** Event property: which set of settings (1 at first start, one more per reload). */
    public static final String GENERATION = "generation";

    /** Event property, on {@link #STOPPED} and {@link #DRAINING} ends: requests cut at the deadline. */
    public static final String REQUESTS_CUT = "requests.cut";

    private Lifecycle() {
    }
}
