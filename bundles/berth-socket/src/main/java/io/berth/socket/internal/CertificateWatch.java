package io.berth.socket.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.berth.api.InvalidSettingException;

/**
 * Looks at a TLS listener's {@code cert_file} and {@code key_file} every
 * {@code cert_check_interval}. A certificate renewed in place (certbot, cert-manager: new files
 * renamed over the old ones) is served from the next connection on, by the listener's seamless
 * reload; a pair that does not hold together (a key without its certificate, a file half
 * written) is refused with one line, and the certificate served until then keeps serving.
 */
final class CertificateWatch {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateWatch.class);

    private final String name;
    private final Runnable reload;
    private final ScheduledExecutorService checks;
    /** Guarded by this. */
    private ScheduledFuture<?> check;
    /** The settings whose files are watched. */
    private volatile ListenerSettings watched;
    /** What cert_file and key_file held when last applied, and the last pair refused (SHA-256 of both). */
    private volatile byte[] served;
    private volatile byte[] refused;

    /**
     * @param name the listener's
     * @param reload a seamless reload of the listener with its settings, which calls {@link #watch} again
     */
    CertificateWatch(String name, Runnable reload) {
        this.name = name;
        this.reload = reload;
        this.checks = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "berth-tls-" + name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** From these settings on, their certificate files are looked at (none without TLS or with an interval of 0). */
    synchronized void watch(ListenerSettings settings) {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
        watched = settings;
        if (!settings.tls() || settings.certCheckInterval.isZero()) {
            return;
        }
        served = fingerprint(settings);
        long every = settings.certCheckInterval.toMillis();
        try {
            check = checks.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            LOG.debug("Listener {} stopped: its certificates are not watched", name);
        }
    }

    void stop() throws InterruptedException {
        checks.shutdownNow();
        checks.awaitTermination(5, TimeUnit.SECONDS);
    }

    private void check() {
        ListenerSettings settings = watched;
        if (settings == null || !settings.tls()) {
            return;
        }
        byte[] now = fingerprint(settings);
        if (now == null || Arrays.equals(now, served) || Arrays.equals(now, refused)) {
            return;
        }
        try {
            Tls.serverContext(settings);
        } catch (InvalidSettingException e) {
            refused = now;
            LOG.error("Berth listener {}: {} or {} changed, but {}: the previous certificate keeps serving", name,
                    settings.certFile, settings.keyFile, e.getMessage());
            return;
        }
        refused = null;
        LOG.info("Berth listener {}: {} changed: reloading with the new certificate", name, settings.certFile);
        reload.run();
    }

    /** SHA-256 of cert_file and key_file as they are now, or null if they cannot be read this time. */
    private static byte[] fingerprint(ListenerSettings settings) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(Files.readAllBytes(settings.certFile));
            digest.update((byte) 0);
            digest.update(Files.readAllBytes(settings.keyFile));
            return digest.digest();
        } catch (IOException | NoSuchAlgorithmException e) {
            return null;
        }
    }
}
