package io.berth.supervisor.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The JVM's SIGHUP handler while Berth runs: calls {@code onHangup} instead of the JVM's default
 * (which shuts the JVM down), and puts the previous handler back when uninstalled.
 */
final class Hangup {

    private static final Logger LOG = LoggerFactory.getLogger(Hangup.class);
    private static final Signal HUP = new Signal("HUP");

    private final SignalHandler previous;

    private Hangup(SignalHandler previous) {
        this.previous = previous;
    }

    static Hangup install(Runnable onHangup) {
        try {
            SignalHandler previous = Signal.handle(HUP, signal -> {
                try {
                    onHangup.run();
                } catch (RuntimeException e) {
                    LOG.error("Reload on SIGHUP failed", e);
                }
            });
            if (previous == SignalHandler.SIG_IGN) {
                // HotSpot leaves a SIGHUP this process was started ignoring (nohup) ignored, and
                // says so only by answering SIG_IGN: nothing was installed.
                LOG.warn("SIGHUP is ignored in this process (started under nohup, or by a parent that ignores it): "
                        + "it cannot reload the listeners; reload with berth:reload, or start Berth without nohup");
                return new Hangup(null);
            }
            return new Hangup(previous);
        } catch (IllegalArgumentException e) {
            // The JVM was started with -Xrs, or the platform has no SIGHUP.
            LOG.warn("SIGHUP cannot be handled here ({}): reload with berth:reload instead", e.getMessage());
            return new Hangup(null);
        }
    }

    void uninstall() {
        if (previous != null) {
            Signal.handle(HUP, previous);
        }
    }
}
