package io.berth.admin.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The machine's own administrator's way into the Karaf shell that involves no password: an RSA
 * key pair whose private key is kept in {@code etc/berth-client.key} (readable by the owner only)
 * and whose public key lets {@code karaf} log in through Karaf's {@code etc/keys.properties}.
 * {@code bin/client} uses the key (see the assembly's {@code bin/setenv}). {@link ShellReadiness}
 * makes it on first start; nothing is generated while the key file exists, so deleting it has a
 * new one made on the next start.
 */
final class LocalClientKey {

    static final String USER = "karaf";
    static final String KEY_FILE = "berth-client.key";
    static final String KEYS_PROPERTIES = "keys.properties";
    static final String ADMIN_GROUP_LINE = "_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh";

    /**
     * 2048, as Karaf's own SSH host key: the key never leaves this machine (owner-only file, SSH on
     * loopback), and readiness waits for it on a first start, where 3072 bits took 1.4 to 2.6 s of
     * a 2-core machine against about 0.2 s (issue 17's start-up profile). Karaf's login module
     * reads ECDSA keys with a sign error in their coordinates, so a faster EC key would fail to
     * log in for three keys out of four.
     */
    private static final int RSA_BITS = 2048;
    private static final String PEM_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String PEM_END = "-----END PRIVATE KEY-----";
    private static final Pattern USER_LINE = Pattern.compile("^\\s*" + USER + "\\s*[=:].*");
    private static final Pattern ADMIN_GROUP = Pattern.compile("^\\s*_g_\\\\:admingroup\\s*[=:].*");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private LocalClientKey() {
    }

    /**
     * Makes the key pair unless the key file exists.
     *
     * @param etc Karaf's {@code etc} directory
     * @return whether a key pair was made
     */
    static boolean ensure(Path etc) throws IOException, GeneralSecurityException {
        Path key = etc.resolve(KEY_FILE);
        if (Files.exists(key)) {
            return false;
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(RSA_BITS);
        KeyPair pair = generator.generateKeyPair();

        // The private key first goes to a file only its owner can read; the public key is
        // registered; only then does the key file appear, so a crash in between means a fresh
        // start next time rather than a key that does not log in.
        Path pending = etc.resolve(KEY_FILE + ".tmp");
        Files.deleteIfExists(pending);
        createOwnerOnly(pending);
        Files.writeString(pending, pem(pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
        authorize(etc.resolve(KEYS_PROPERTIES), (RSAPublicKey) pair.getPublic());
        Files.move(pending, key, StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    /**
     * Reads the key pair back from the key file, as {@code bin/client -k} will.
     *
     * @throws GeneralSecurityException if the file holds no unencrypted PKCS#8 RSA key
     */
    static KeyPair read(Path keyFile) throws IOException, GeneralSecurityException {
        String pem = Files.readString(keyFile, StandardCharsets.US_ASCII);
        int begin = pem.indexOf(PEM_BEGIN);
        int end = pem.indexOf(PEM_END);
        if (begin < 0 || end < begin) {
            throw new GeneralSecurityException("not a PEM private key (" + PEM_BEGIN + ")");
        }
        byte[] pkcs8 = Base64.getMimeDecoder().decode(pem.substring(begin + PEM_BEGIN.length(), end));
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        if (!(rsa.generatePrivate(new PKCS8EncodedKeySpec(pkcs8)) instanceof RSAPrivateCrtKey privateKey)) {
            throw new GeneralSecurityException("an RSA key without its public exponent");
        }
        PublicKey publicKey = rsa.generatePublic(new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
        return new KeyPair(publicKey, privateKey);
    }

    /** Replaces the user's entry in keys.properties, keeping everything else in the file. */
    static void authorize(Path keysProperties, RSAPublicKey publicKey) throws IOException {
        List<String> lines = new ArrayList<>();
        boolean hasGroup = false;
        if (Files.exists(keysProperties)) {
            for (String line : Files.readAllLines(keysProperties, StandardCharsets.ISO_8859_1)) {
                if (USER_LINE.matcher(line).matches()) {
                    continue;
                }
                hasGroup |= ADMIN_GROUP.matcher(line).matches();
                lines.add(line);
            }
        }
        if (!hasGroup) {
            lines.add(ADMIN_GROUP_LINE);
        }
        lines.add("# Generated by Berth on first start for bin/client (private key: etc/" + KEY_FILE + ")");
        lines.add(USER + " = " + sshPublicKey(publicKey) + ",_g_:admingroup");

        Path replacement = keysProperties.resolveSibling(KEYS_PROPERTIES + ".tmp");
        Files.deleteIfExists(replacement);
        createOwnerOnly(replacement);
        Files.write(replacement, lines, StandardCharsets.ISO_8859_1);
        Files.move(replacement, keysProperties, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The public key in the SSH wire form (RFC 4253 6.6), base64, as keys.properties holds it. */
    static String sshPublicKey(RSAPublicKey key) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeBytes(out, "ssh-rsa".getBytes(StandardCharsets.US_ASCII));
            writeMpint(out, key.getPublicExponent());
            writeMpint(out, key.getModulus());
        } catch (IOException e) {
            throw new IllegalStateException("cannot happen in memory", e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    private static void writeMpint(DataOutputStream out, BigInteger value) throws IOException {
        writeBytes(out, value.toByteArray());
    }

    private static void writeBytes(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }

    static String pem(byte[] pkcs8) {
        return PEM_BEGIN + "\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pkcs8)
                + "\n" + PEM_END + "\n";
    }

    private static void createOwnerOnly(Path file) throws IOException {
        try {
            if (Files.getFileAttributeView(file.getParent(), PosixFileAttributeView.class) != null) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IOException("Another process is writing " + file + " at the same time", e);
        }
    }
}
