package io.berth.admin.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;

import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Against a real Apache SSHD server in this JVM, set up as Karaf's takes keys.properties' keys. */
@Timeout(60)
class SshLoginTest {

    private final KeyPair accepted = rsa();
    private final SshLogin login = new SshLogin(Duration.ofSeconds(20));
    private SshServer karaf;
    private SshServer other;

    @BeforeEach
    void start() throws Exception {
        karaf = server();
        karaf.start();
    }

    @AfterEach
    void stop() throws Exception {
        login.close();
        karaf.stop(true);
        if (other != null) {
            other.stop(true);
        }
    }

    @Test
    void logsInWithTheKeyTheServerAccepts() {
        assertThat(login.attempt(karaf, "karaf", accepted)).isNull();
    }

    @Test
    void saysSoWhenTheServerRefusesTheKey() {
        assertThat(login.attempt(karaf, "karaf", rsa())).startsWith(
                "Karaf's SSH server on 127.0.0.1:" + karaf.getPort() + " does not let karaf in with the key: ");
        assertThat(login.attempt(karaf, "alice", accepted)).contains("does not let alice in with the key");
    }

    @Test
    void saysSoWhenTheServerHasNotStarted() throws Exception {
        SshServer notYet = server();

        assertThat(login.attempt(notYet, "karaf", accepted)).isEqualTo("Karaf's SSH server on 127.0.0.1:0 has not started");
    }

    @Test
    void trustsOnlyTheServersOwnHostKey() throws Exception {
        // Karaf's server configured for a port where another SSH server (with another host key) answers.
        other = server();
        other.start();
        karaf.setPort(other.getPort());

        assertThat(login.attempt(karaf, "karaf", accepted))
                .isEqualTo("another SSH server answers on 127.0.0.1:" + other.getPort() + " (its host key is not Karaf's)");
    }

    @Test
    void saysNothingAnswersWhenNothingListens() throws Exception {
        int port = karaf.getPort();
        karaf.stop(true);
        SshServer stale = server();
        stale.start();
        stale.setPort(port);

        assertThat(login.attempt(stale, "karaf", accepted)).startsWith("nothing answers on 127.0.0.1:" + port + " (");
        stale.stop(true);
    }

    private SshServer server() {
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider());
        server.setPublickeyAuthenticator((user, key, session) -> user.equals("karaf") && key.equals(accepted.getPublic()));
        return server;
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
