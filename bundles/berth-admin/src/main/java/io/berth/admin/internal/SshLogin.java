package io.berth.admin.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;

/**
 * Logs in to Karaf's SSH server with a key, the way {@code bin/client -k} does, to learn whether
 * it would work now. Only this class touches Apache SSHD's types, so that berth-admin runs where
 * Karaf has no SSH server.
 */
final class SshLogin implements AutoCloseable {

    private final SshClient client;
    private final Duration timeout;
    /** The host keys of the server of the attempt under way: a login trusts only those. */
    private volatile KeyPairProvider hostKeys;
    /** Set by the host key check of the attempt under way. */
    private volatile boolean foreign;

    /** @param timeout for connecting, and again for logging in */
    SshLogin(Duration timeout) {
        this.timeout = timeout;
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        // Apache SSHD looks its factories up through the context class loader.
        Thread.currentThread().setContextClassLoader(SshClient.class.getClassLoader());
        try {
            client = SshClient.setUpDefaultClient();
            // Only the key under test, no ~/.ssh/config and no ~/.ssh/id_* of the user Berth runs as.
            client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
            client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
            client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
            client.setServerKeyVerifier((session, address, key) -> {
                boolean karafs = isHostKey(hostKeys, key);
                foreign = !karafs;
                return karafs;
            });
            client.start();
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /**
     * One attempt.
     *
     * @param server Karaf's {@code SshServer} service (typed {@code Object} so that callers load
     *        without Apache SSHD)
     * @return {@code null} once {@code user} logged in with {@code key}, else why not, in words
     */
    String attempt(Object server, String user, KeyPair key) {
        SshServer sshd = (SshServer) server;
        String where = where(sshd);
        if (!sshd.isStarted()) {
            return "Karaf's SSH server on " + where + " has not started";
        }
        InetSocketAddress target = target(sshd);
        hostKeys = sshd.getKeyPairProvider();
        foreign = false;
        try (ClientSession session = client.connect(user, target).verify(timeout).getClientSession()) {
            session.addPublicKeyIdentity(key);
            session.auth().verify(timeout);
            return null;
        } catch (IOException e) {
            if (foreign) {
                return "another SSH server answers on " + where + " (its host key is not Karaf's)";
            }
            Throwable cause = e;
            while (cause.getCause() != null && !(cause instanceof ConnectException)) {
                cause = cause.getCause();
            }
            if (cause instanceof ConnectException) {
                return "nothing answers on " + where + " (" + cause.getMessage() + ")";
            }
            return "Karaf's SSH server on " + where + " does not let " + user + " in with the key: " + e.getMessage();
        }
    }

    /** Where {@code bin/client} connects, given Karaf's {@code sshHost} and {@code sshPort}. */
    static InetSocketAddress target(Object server) {
        SshServer sshd = (SshServer) server;
        int port = sshd.getPort();
        for (SocketAddress bound : sshd.getBoundAddresses()) {
            if (port == 0 && bound instanceof InetSocketAddress inet) {
                port = inet.getPort();
            }
        }
        String host = sshd.getHost();
        // sshHost may list several addresses; bin/client takes 0.0.0.0 for localhost.
        host = host == null || host.isBlank() ? "localhost" : host.split(",")[0].trim();
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "localhost";
        }
        return new InetSocketAddress(host, port);
    }

    /** {@code HOST:PORT} of Karaf's {@code SshServer}, as {@code bin/client} reaches it. */
    static String where(Object server) {
        InetSocketAddress target = target(server);
        return target.getHostString() + ":" + target.getPort();
    }

    /** Whether the server that answered is Karaf's own, not another process on its port. */
    private static boolean isHostKey(KeyPairProvider hostKeys, PublicKey presented) {
        try {
            for (KeyPair pair : hostKeys.loadKeys(null)) {
                if (pair.getPublic().equals(presented)) {
                    return true;
                }
            }
            return false;
        } catch (IOException | GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
