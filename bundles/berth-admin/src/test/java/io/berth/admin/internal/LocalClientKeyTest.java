package io.berth.admin.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalClientKeyTest {

    @TempDir
    Path etc;

    @Test
    void firstStartMakesAnOwnerOnlyKeyThatKeysPropertiesAccepts() throws Exception {
        Files.write(etc.resolve("keys.properties"), List.of(
                "# the format:",
                "#karaf=AAAAexample,_g_:admingroup",
                "_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh",
                "alice = AAAAalice,_g_:admingroup",
                "karaf = AAAAold,_g_:admingroup"));

        assertThat(LocalClientKey.ensure(etc)).isTrue();

        Path key = etc.resolve("berth-client.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        RSAPrivateCrtKey privateKey = readPem(Files.readString(key));
        List<String> lines = Files.readAllLines(etc.resolve("keys.properties"));
        assertThat(lines).contains("# the format:", "#karaf=AAAAexample,_g_:admingroup",
                "alice = AAAAalice,_g_:admingroup").doesNotContain("karaf = AAAAold,_g_:admingroup");
        String entry = lines.stream().filter(l -> l.startsWith("karaf = ")).findFirst().orElseThrow();
        assertThat(entry).endsWith(",_g_:admingroup");
        String wire = entry.substring("karaf = ".length(), entry.indexOf(','));
        assertRsaWireKey(wire, privateKey.getPublicExponent(), privateKey.getModulus());
        assertThat(etc.resolve("berth-client.key.tmp")).doesNotExist();
    }

    @Test
    void laterStartsLeaveAnExistingKeyAlone() throws Exception {
        assertThat(LocalClientKey.ensure(etc)).isTrue();
        String key = Files.readString(etc.resolve("berth-client.key"));
        String keys = Files.readString(etc.resolve("keys.properties"));

        assertThat(LocalClientKey.ensure(etc)).isFalse();

        assertThat(Files.readString(etc.resolve("berth-client.key"))).isEqualTo(key);
        assertThat(Files.readString(etc.resolve("keys.properties"))).isEqualTo(keys);
    }

    @Test
    void addsTheAdminGroupWhenKeysPropertiesLacksIt() throws Exception {
        LocalClientKey.ensure(etc);

        assertThat(Files.readAllLines(etc.resolve("keys.properties"))).contains(LocalClientKey.ADMIN_GROUP_LINE);
    }

    @Test
    void readsTheKeyPairBackAsBinClientWill() throws Exception {
        LocalClientKey.ensure(etc);

        KeyPair pair = LocalClientKey.read(etc.resolve("berth-client.key"));

        RSAPrivateCrtKey privateKey = readPem(Files.readString(etc.resolve("berth-client.key")));
        assertThat(pair.getPrivate()).isEqualTo(privateKey);
        RSAPublicKey publicKey = (RSAPublicKey) pair.getPublic();
        assertThat(publicKey.getModulus()).isEqualTo(privateKey.getModulus());
        assertThat(publicKey.getPublicExponent()).isEqualTo(privateKey.getPublicExponent());
    }

    @Test
    void aKeyFileThatIsNotAPemPrivateKeyIsRefusedInWords() throws Exception {
        Path key = Files.writeString(etc.resolve("berth-client.key"), "ssh-rsa AAAA... someone@somewhere\n");

        assertThatThrownBy(() -> LocalClientKey.read(key)).isInstanceOf(GeneralSecurityException.class)
                .hasMessage("not a PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    private static RSAPrivateCrtKey readPem(String pem) throws Exception {
        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("\n-----END PRIVATE KEY-----\n");
        String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    }

    /** Reads the key back the way Karaf's PublickeyLoginModule does. */
    private static void assertRsaWireKey(String base64, BigInteger exponent, BigInteger modulus) throws Exception {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(base64)));
        assertThat(new String(read(in), StandardCharsets.US_ASCII)).isEqualTo("ssh-rsa");
        assertThat(new BigInteger(read(in))).isEqualTo(exponent);
        assertThat(new BigInteger(read(in))).isEqualTo(modulus);
        assertThat(in.available()).isZero();
    }

    private static byte[] read(DataInputStream in) throws Exception {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return bytes;
    }
}
