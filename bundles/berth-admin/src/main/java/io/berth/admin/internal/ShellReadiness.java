package io.berth.admin.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.sshd.server.SshServer;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Readiness includes the shell: makes the local client key on first start ({@link LocalClientKey}),
 * waits until Karaf's SSH server lets {@code karaf} in with it, as {@code bin/client} will, and only
 * then registers a service with the property {@code berth.ready=shell}. Berth's listeners accept
 * connections, and its supervisor tells systemd {@code READY=1}, once that service is there, so a
 * script that waits for the first 200 (or for {@code systemctl start}) can use {@code bin/client} at
 * once instead of meeting a missing key or an SSH server not yet up.
 *
 * <p>The service is a marker registered as {@code java.lang.Object}: it is what OSGi R8's
 * {@code org.osgi.service.condition.Condition} is for, but Karaf 4.4's framework does not export
 * that package, and exporting it from here would tie every bundle that waits to this one's
 * refreshes.
 *
 * <p>It does not wait where there is nothing to wait for (outside Karaf, or a Karaf that starts no
 * SSH server), nor for ever: after {@link #PATIENCE} it logs why {@code bin/client} cannot log in
 * and registers the service anyway ({@code berth.shell.state=unusable}), so that a shell that
 * cannot start (its port taken, say) does not keep HTTP down as well.
 */
@Component(service = {}, immediate = true)
public final class ShellReadiness {

    /** Property of the service: what is ready. Listeners and the supervisor select {@code (berth.ready=shell)}. */
    static final String READY = "berth.ready";
    static final String SHELL = "shell";
    /** Property of the service: {@code usable}, {@code none} (no SSH server in this Karaf) or {@code unusable}. */
    static final String STATE = "berth.shell.state";
    /** Property of the service when the shell is not usable: why, in words. */
    static final String REASON = "berth.shell.reason";

    static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(20);
    private static final long RETRY_MS = 100;
    private static final String SSH_BUNDLE = "org.apache.karaf.shell.ssh";
    private static final Logger LOG = LoggerFactory.getLogger(ShellReadiness.class);

    private final BundleContext context;
    private final Thread thread;
    private final Object lock = new Object();
    /** Guarded by lock. Karaf registers a new one each time it restarts its server, and never unregisters the old one. */
    private final List<ServiceReference<?>> sshServers = new ArrayList<>();
    /** Guarded by lock. */
    private ServiceRegistration<Object> ready;
    /** Guarded by lock. */
    private boolean stopped;

    @Activate
    public ShellReadiness(BundleContext context) {
        this.context = context;
        // RSA key generation takes seconds on a busy machine: not on the thread that starts bundles.
        this.thread = new Thread(this::run, "berth-shell-ready");
        thread.setDaemon(true);
        thread.start();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        synchronized (lock) {
            stopped = true;
            lock.notifyAll();
        }
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(5));
        synchronized (lock) {
            if (ready != null) {
                ready.unregister();
                ready = null;
            }
        }
    }

    // Only the reference, never the type: this class loads where Apache SSHD is absent.
    @Reference(service = SshServer.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindSshServer(ServiceReference<?> reference) {
        synchronized (lock) {
            sshServers.add(reference);
            lock.notifyAll();
        }
    }

    void unbindSshServer(ServiceReference<?> reference) {
        synchronized (lock) {
            sshServers.remove(reference);
        }
    }

    private void run() {
        String etcProperty = context.getProperty("karaf.etc");
        if (etcProperty == null) {
            ready("none", "not running in Karaf (no karaf.etc): no client key is made, no SSH server is waited for");
            return;
        }
        Path etc = Paths.get(etcProperty);
        Path keyFile = etc.resolve(LocalClientKey.KEY_FILE);
        KeyPair key;
        try {
            if (LocalClientKey.ensure(etc)) {
                LOG.info("Generated {} for bin/client: it logs in as '{}' by key; no password is enabled", keyFile, LocalClientKey.USER);
            }
            key = LocalClientKey.read(keyFile);
        } catch (IOException | GeneralSecurityException e) {
            ready("unusable", "bin/client has no usable key: " + keyFile + ": " + e.getMessage()
                    + " (delete it to have a new key made on the next start)");
            return;
        }
        if (!Boolean.parseBoolean(context.getProperty("karaf.startRemoteShell")) || !installed(SSH_BUNDLE)) {
            ready("none", "Karaf starts no SSH server here (karaf.startRemoteShell, bundle " + SSH_BUNDLE + "): bin/client has nothing to log in to");
            return;
        }
        try {
            awaitLogin(key, keyFile);
        } catch (LinkageError e) {
            ready("unusable", "berth-admin was resolved without Apache SSHD, so it cannot check bin/client's login ("
                    + e + "): bundle:refresh io.berth.admin");
        } catch (IllegalStateException e) {
            synchronized (lock) {
                if (!stopped) {
                    throw e;
                }
            }
            // The bundle stopped while an attempt outlasted deactivate's wait: nothing to tell.
            LOG.debug("Stopped while checking bin/client's login", e);
        }
    }

    private void awaitLogin(KeyPair key, Path keyFile) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        String why = "Karaf has not created its SSH server yet";
        boolean told = false;
        try (SshLogin login = new SshLogin(ATTEMPT_TIMEOUT)) {
            while (true) {
                ServiceReference<?> reference = newestSshServer();
                Object server = reference == null ? null : context.getService(reference);
                if (server != null) {
                    try {
                        why = login.attempt(server, LocalClientKey.USER, key);
                    } finally {
                        context.ungetService(reference);
                    }
                    if (why == null) {
                        LOG.info("bin/client can log in: Karaf's SSH server on {} accepts {} for '{}'",
                                SshLogin.where(server), keyFile, LocalClientKey.USER);
                        ready("usable", null);
                        return;
                    }
                }
                if (!told) {
                    LOG.info("Berth is ready once bin/client can log in with {}; not yet: {}", keyFile, why);
                    told = true;
                }
                if (System.nanoTime() - deadline > 0) {
                    ready("unusable", "bin/client cannot log in after " + PATIENCE.toSeconds() + " s: " + why);
                    return;
                }
                if (!pause()) {
                    return;
                }
            }
        } catch (IOException e) {
            LOG.debug("Closing the SSH client that checked bin/client's login failed", e);
        }
    }

    private ServiceReference<?> newestSshServer() {
        synchronized (lock) {
            return sshServers.stream().max(Comparator.comparing(r -> (Long) r.getProperty("service.id"))).orElse(null);
        }
    }

    /** @return false once stopped */
    private boolean pause() {
        synchronized (lock) {
            if (!stopped) {
                try {
                    lock.wait(RETRY_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stopped = true;
                }
            }
            return !stopped;
        }
    }

    private boolean installed(String symbolicName) {
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return true;
            }
        }
        return false;
    }

    private void ready(String state, String reason) {
        if (state.equals("unusable")) {
            LOG.error("The Karaf shell is not usable: {}. Berth serves without it", reason);
        } else if (reason != null) {
            LOG.info("{}", reason);
        }
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(READY, SHELL);
        properties.put(STATE, state);
        if (reason != null) {
            properties.put(REASON, reason);
        }
        synchronized (lock) {
            if (!stopped) {
                ready = context.registerService(Object.class, new Object(), properties);
            }
        }
    }
}
