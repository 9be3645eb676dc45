package io.berth.itests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A self-signed certificate for localhost and its key, PEM files made by openssl (an EC P-256
 * key in PKCS#8, as OpenSSL 3 writes it), and what openssl says of certificates: the one a file
 * holds, the one a server presents.
 */
record SelfSigned(Path cert, Path key, String fingerprint, String subject) {

    /** cert.pem and key.pem in dir, with the organisation's name in the subject to tell them apart. */
    static SelfSigned generate(Path dir, String organisation) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Processes.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-days", "2", "-keyout", key.toString(), "-out", cert.toString(),
                "-subj", "/O=" + organisation + "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"),
                null).orFail("openssl req");
        String[] described = describe(Files.readAllBytes(cert));
        return new SelfSigned(cert, key, described[0], described[1]);
    }

    /**
     * What {@code openssl s_client -connect 127.0.0.1:PORT -servername localhost} receives on a new
     * connection: the certificate's SHA-256 fingerprint and subject, or the client's output when
     * it got no certificate.
     */
    static String[] served(int port) throws IOException, InterruptedException {
        Processes.Result client = Processes.run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-servername", "localhost"), new byte[0]);
        if (!client.output().contains("-----BEGIN CERTIFICATE-----")) {
            return new String[] {"no certificate", client.output()};
        }
        return describe(client.output().getBytes(StandardCharsets.UTF_8));
    }

    /** openssl x509's fingerprint (AB:CD:...) and subject of the first certificate in the PEM text. */
    private static String[] describe(byte[] pem) throws IOException, InterruptedException {
        String out = Processes.run(List.of("openssl", "x509", "-noout", "-fingerprint", "-sha256", "-subject"), pem)
                .orFail("openssl x509").output();
        String fingerprint = null;
        String subject = null;
        for (String line : out.lines().toList()) {
            if (line.toLowerCase(Locale.ROOT).startsWith("sha256 fingerprint=")) {
                fingerprint = line.substring(line.indexOf('=') + 1).trim();
            } else if (line.startsWith("subject=")) {
                subject = line.substring("subject=".length()).trim();
            }
        }
        if (fingerprint == null || subject == null) {
            throw new IllegalStateException("openssl x509 said: " + out);
        }
        return new String[] {fingerprint, subject};
    }
}
