package io.berth.socket.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.jetty.util.ssl.SslContextFactory;

import io.berth.api.InvalidSettingException;

/**
 * TLS from PEM files, as Swift and oslo take them: {@code cert_file} (the certificate, then any
 * intermediates), {@code key_file} (PKCS#8 {@code BEGIN PRIVATE KEY}, or PKCS#1
 * {@code BEGIN RSA PRIVATE KEY}) and optionally {@code ca_file} (CAs whose client certificates
 * are required). TLS 1.2 and 1.3 only.
 */
final class Tls {

    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private Tls() {
    }

    /**
     * The server side of TLS for a connector being built, once the files hold together: a
     * renewal renames the certificate and the key one after the other, and a connector built in
     * between would fail its listener, so a pair that does not match is read again a few times
     * (for up to half a second) before that is an error.
     */
    static SslContextFactory.Server settledServerContext(ListenerSettings settings) throws InvalidSettingException {
        for (int attempt = 1; ; attempt++) {
            try {
                return serverContext(settings);
            } catch (InvalidSettingException e) {
                if (attempt == 5) {
                    throw e;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** Builds the server side of TLS; every problem names the key and the file. */
    static SslContextFactory.Server serverContext(ListenerSettings settings) throws InvalidSettingException {
        List<X509Certificate> chain = certificates(ListenerSettings.CERT_FILE, settings.certFile);
        PrivateKey key = privateKey(settings.keyFile);
        checkPair(settings, chain.get(0), key);
        char[] password = randomPassword();
        SslContextFactory.Server factory = new SslContextFactory.Server();
        try {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry("berth", key, password, chain.toArray(new Certificate[0]));
            factory.setKeyStore(keyStore);
            factory.setKeyStorePassword(new String(password));
            factory.setKeyManagerPassword(new String(password));
        } catch (GeneralSecurityException | IOException e) {
            throw new InvalidSettingException(ListenerSettings.KEY_FILE, settings.keyFile
                    + " does not match the certificate in " + settings.certFile + " (" + e.getMessage() + ")");
        }
        if (settings.caFile != null) {
            try {
                KeyStore trustStore = KeyStore.getInstance("PKCS12");
                trustStore.load(null, null);
                int i = 0;
                for (X509Certificate ca : certificates(ListenerSettings.CA_FILE, settings.caFile)) {
                    trustStore.setCertificateEntry("ca" + i++, ca);
                }
                factory.setTrustStore(trustStore);
                factory.setNeedClientAuth(true);
            } catch (GeneralSecurityException | IOException e) {
                throw new InvalidSettingException(ListenerSettings.CA_FILE, settings.caFile + ": " + e.getMessage());
            }
        }
        factory.setIncludeProtocols(PROTOCOLS);
        // Clients reach Berth by address as often as by name: no SNI requirement.
        factory.setSniRequired(false);
        factory.setEndpointIdentificationAlgorithm(null);
        return factory;
    }

    /**
     * The key must be the certificate's: a certificate renewed without its new key (or the other
     * way round, a rotation caught half done) would otherwise fail only in each client's handshake.
     */
    private static void checkPair(ListenerSettings settings, X509Certificate certificate, PrivateKey key)
            throws InvalidSettingException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519 / EdDSA sign as themselves
        };
        try {
            byte[] probe = "berth key pair check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.security.Signature signer = java.security.Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // a key of another algorithm than the certificate's: no match either
        }
        throw new InvalidSettingException(ListenerSettings.KEY_FILE, settings.keyFile
                + " is not the private key of the certificate in " + settings.certFile
                + " (" + certificate.getSubjectX500Principal().getName() + ")");
    }

    static List<X509Certificate> certificates(String key, Path file) throws InvalidSettingException {
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block block : blocks(key, file)) {
                if (block.type.equals("CERTIFICATE")) {
                    certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der)));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new InvalidSettingException(key, file + " holds a certificate that cannot be read (" + e.getMessage() + ")");
        }
        if (certificates.isEmpty()) {
            throw new InvalidSettingException(key, file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return certificates;
    }

    static PrivateKey privateKey(Path file) throws InvalidSettingException {
        String key = ListenerSettings.KEY_FILE;
        for (Block block : blocks(key, file)) {
            switch (block.type) {
                case "PRIVATE KEY":
                    return pkcs8(key, file, block.der);
                case "RSA PRIVATE KEY":
                    return pkcs8(key, file, rsaPkcs1ToPkcs8(block.der));
                case "ENCRYPTED PRIVATE KEY":
                    throw new InvalidSettingException(key, file + " is encrypted; Berth needs an unencrypted key "
                            + "readable by its user only (openssl pkey -in KEY -out PLAIN)");
                case "EC PRIVATE KEY":
                    throw new InvalidSettingException(key, file + " is a SEC1 EC key; convert it to PKCS#8 "
                            + "(openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8)");
                default:
                    break;
            }
        }
        throw new InvalidSettingException(key, file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    private static PrivateKey pkcs8(String key, Path file, byte[] der) throws InvalidSettingException {
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "EdDSA"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new InvalidSettingException(key, file + " holds a private key of a kind Berth cannot read (RSA, EC, Ed25519)");
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo (RFC 5208), which the JDK reads. */
    static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
        byte[] version = {0x02, 0x01, 0x00};
        byte[] rsaAlgorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d,
            0x01, 0x01, 0x01, 0x05, 0x00};
        byte[] octets = der(0x04, pkcs1);
        byte[] body = new byte[version.length + rsaAlgorithm.length + octets.length];
        System.arraycopy(version, 0, body, 0, version.length);
        System.arraycopy(rsaAlgorithm, 0, body, version.length, rsaAlgorithm.length);
        System.arraycopy(octets, 0, body, version.length + rsaAlgorithm.length, octets.length);
        return der(0x30, body);
    }

    private static byte[] der(int tag, byte[] content) {
        byte[] length = content.length < 128 ? new byte[] {(byte) content.length} : longLength(content.length);
        byte[] out = new byte[1 + length.length + content.length];
        out[0] = (byte) tag;
        System.arraycopy(length, 0, out, 1, length.length);
        System.arraycopy(content, 0, out, 1 + length.length, content.length);
        return out;
    }

    private static byte[] longLength(int length) {
        byte[] digits = BigInteger.valueOf(length).toByteArray();
        int skip = digits[0] == 0 ? 1 : 0;
        byte[] out = new byte[1 + digits.length - skip];
        out[0] = (byte) (0x80 | (digits.length - skip));
        System.arraycopy(digits, skip, out, 1, digits.length - skip);
        return out;
    }

    private static final class Block {
        final String type;
        final byte[] der;

        Block(String type, byte[] der) {
            this.type = type;
            this.der = der;
        }
    }

    private static List<Block> blocks(String key, Path file) throws InvalidSettingException {
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new InvalidSettingException(key, file + " cannot be read (" + e.getMessage() + ")");
        }
        List<Block> blocks = new ArrayList<>();
        Matcher matcher = PEM.matcher(text);
        while (matcher.find()) {
            try {
                blocks.add(new Block(matcher.group(1), Base64.getMimeDecoder().decode(matcher.group(2))));
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(key, file + " has a damaged PEM block (" + matcher.group(1) + ")");
            }
        }
        if (blocks.isEmpty()) {
            throw new InvalidSettingException(key, file + " is not a PEM file");
        }
        return blocks;
    }

    private static char[] randomPassword() {
        SecureRandom random = new SecureRandom();
        char[] password = new char[24];
        for (int i = 0; i < password.length; i++) {
            password[i] = (char) ('a' + random.nextInt(26));
        }
        return password;
    }
}
