package io.berth.socket.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.berth.api.InvalidSettingException;
import io.berth.api.StageSettings;

class ListenerSettingsTest {

    @TempDir
    Path dir;

    @Test
    void everyKeyIsInTheMetatypeAndItsDefaultsAreTheOnesApplied() throws Exception {
        java.util.Set<String> described = new java.util.TreeSet<>();
        for (java.lang.reflect.Method method : ListenerComponent.Config.class.getDeclaredMethods()) {
            described.add(method.getName().replace("__", "_"));
        }
        assertThat(described).isEqualTo(new java.util.TreeSet<>(ListenerSettings.KEYS));

        ListenerSettings s = ListenerSettings.parse("main", Map.of("bind_port", "8080"));
        Map<String, Object> defaults = StageSettings.defaults(ListenerComponent.Config.class);
        assertThat(defaults).containsEntry("bind_ip", s.bindIp).containsEntry("backlog", s.backlog)
                .containsEntry("max_clients", s.maxClients).containsEntry("workers", s.workers)
                .containsEntry("client_timeout", s.clientTimeout.toMillis() / 1000.0)
                .containsEntry("header_timeout", s.headerTimeout.toMillis() / 1000.0)
                .containsEntry("keepalive", s.keepalive).containsEntry("uri_compliance", s.uriCompliance)
                .doesNotContainKeys("bind_port", "cert_file");
    }

    @Test
    void defaultsAreSwiftsAndEventlets() throws Exception {
        ListenerSettings s = ListenerSettings.parse("main", Map.of("bind_port", "8080"));

        assertThat(s.bindIp).isEqualTo("0.0.0.0");
        assertThat(s.backlog).isEqualTo(4096);
        assertThat(s.tcpNoDelay).isTrue();
        assertThat(s.keepIdleSeconds).isEqualTo(600);
        assertThat(s.reusePort).isFalse();
        assertThat(s.bindTimeout).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.clientTimeout).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.keepalive).isTrue();
        assertThat(s.maxRequestLine).isEqualTo(8192);
        assertThat(s.maxHeaderSize).isEqualTo(8192);
        assertThat(s.tls()).isFalse();
        assertThat(s.requireProxyProtocol).isFalse();
        assertThat(s.gracefulShutdownTimeout).isEqualTo(Duration.ofSeconds(60));
        assertThat(s.workers).isZero();
        assertThat(s.maxClients).isEqualTo(1024);
        assertThat(s.url()).isEqualTo("http://0.0.0.0:8080/");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "::1     | [::1]",
        "[::1]   | [::1]",
        "::      | [::]",
        "fe80:0:0:0:1:0:0:1 | [fe80::1:0:0:1]",
        "2001:db8:0:0:1:0:0:0 | [2001:db8:0:0:1::]",
        "localhost | 127.0.0.1",
    })
    void bindIpTakesBothFamiliesAndNames(String bindIp, String host) throws Exception {
        ListenerSettings s = ListenerSettings.parse("v6", Map.of("bind_ip", bindIp, "bind_port", "80"));

        assertThat(s.host()).isEqualTo(host);
        if (bindIp.contains(":")) {
            assertThat(s.address).isInstanceOf(Inet6Address.class);
        }
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
        "bind_port      | 0        | bind_port: 0 is out of range (1..65535)",
        "bind_port      | 70000    | bind_port: 70000 is out of range (1..65535)",
        "bind_port      | http     | bind_port: 'http' is not a whole number (1..65535)",
        "keep_idle      | 0        | keep_idle: 0 is out of range (1..32766)",
        "keep_idle      | 32767    | keep_idle: 32767 is out of range (1..32766)",
        "backlog        | -1       | backlog: -1 is out of range (1..65535)",
        "bind_timeout   | -1       | bind_timeout: -1 seconds is out of range (0..3600)",
        "bind_timeout   | soon     | bind_timeout: 'soon' is not a number of seconds",
        "client_timeout | 0        | client_timeout: 0 seconds is out of range (0.001..86400)",
        "keepalive      | maybe    | keepalive: 'maybe' is not true or false",
        "tcp_nodelay    | 2        | tcp_nodelay: '2' is not true or false",
        "max_request_line | 10     | max_request_line: 10 is out of range (64..1048576)",
        "max_header_size  | big    | max_header_size: 'big' is not a whole number (64..1048576)",
        "bind_ip        | no-such-host.invalid | bind_ip: cannot resolve 'no-such-host.invalid' to an address",
        "bind_ip        | ' '      | bind_ip: is empty",
        "workers        | 65       | workers: 65 is out of range (0..64)",
        "max_clients    | 0        | max_clients: 0 is out of range (1..100000)",
        "request_timeout | -2      | request_timeout: -2 seconds is out of range (0..86400)",
        "uri_compliance | LAX      | uri_compliance: 'LAX' is not one of DEFAULT, LEGACY, RFC3986, UNAMBIGUOUS, UNSAFE",
        "header_timeout | soon     | header_timeout: 'soon' is not a number of seconds",
        "header_timeout | -1       | header_timeout: -1 seconds is out of range (0..86400)",
        "allow_trace    | maybe    | allow_trace: 'maybe' is not true or false",
        "workers_typo   | 4        | workers_typo: unknown key; the keys are allow_trace, backlog, bind_ip, bind_port, bind_timeout, ca_file, cert_check_interval, cert_file, client_timeout, graceful_shutdown_timeout, header_timeout, keep_idle, keepalive, key_file, max_clients, max_header_size, max_request_line, request_timeout, require_proxy_protocol, reuse_port, shutdown_delay, tcp_nodelay, uri_compliance, workers",
    })
    void eachInvalidValueNamesItsKeyAndWhy(String key, String value, String message) {
        Map<String, Object> config = new HashMap<>();
        config.put("bind_port", "8080");
        config.put(key, value);

        assertThatThrownBy(() -> ListenerSettings.parse("main", config))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage(message);
    }

    @Test
    void bindPortIsRequired() {
        assertThatThrownBy(() -> ListenerSettings.parse("main", Map.of()))
                .hasMessage("bind_port: is required (1..65535)");
    }

    @Test
    void typedValuesFromConfigAdminWorkToo() throws Exception {
        ListenerSettings s = ListenerSettings.parse("main", Map.of("bind_port", 8443, "keepalive", Boolean.FALSE,
                "client_timeout", 2.5, "service.pid", "berth.listener~main", "felix.fileinstall.filename", "file:/x",
                "osgi.ds.satisfying.condition.target", "(osgi.condition.id=true)", "component.id", 7L));

        assertThat(s.port).isEqualTo(8443);
        assertThat(s.keepalive).isFalse();
        assertThat(s.clientTimeout).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void tlsFilesMustExistBePairedAndReadable() throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "not pem");
        Path missing = dir.resolve("missing.pem");

        assertThatThrownBy(() -> ListenerSettings.parse("main", Map.of("bind_port", "1", "cert_file", missing.toString(),
                "key_file", cert.toString()))).hasMessage("cert_file: " + missing + " does not exist or is not a file");
        assertThatThrownBy(() -> ListenerSettings.parse("main", Map.of("bind_port", "1", "cert_file", cert.toString())))
                .hasMessage("key_file: required with cert_file " + cert);
        assertThatThrownBy(() -> ListenerSettings.parse("main", Map.of("bind_port", "1", "ca_file", cert.toString())))
                .hasMessage("ca_file: client certificates need TLS: set cert_file and key_file too");
        ListenerSettings s = ListenerSettings.parse("main", Map.of("bind_port", "1", "cert_file", cert.toString(),
                "key_file", cert.toString()));
        assertThatThrownBy(() -> Tls.serverContext(s)).hasMessage("cert_file: " + cert + " is not a PEM file");
    }

    @Test
    void theNameComesFromTheFileInstallPid() {
        assertThat(ListenerSettings.nameOf(Map.of("service.pid", "berth.listener~main"))).isEqualTo("main");
        assertThat(ListenerSettings.nameOf(Map.of("service.pid", "berth.listener.1234",
                "felix.fileinstall.filename", "file:/opt/berth/etc/berth.listener-admin.cfg"))).isEqualTo("admin");
    }

    @Test
    void aCfgFileInUtf16IsNamedNotItsGarbledKeys() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        bytes.write(0xff);
        bytes.write(0xfe);
        bytes.write("bind_ip = 127.0.0.1\nbind_port = 8080\n".getBytes(java.nio.charset.StandardCharsets.UTF_16LE));
        // As FileInstall reads a .cfg file: a properties file in ISO-8859-1.
        java.util.Properties read = new java.util.Properties();
        read.load(new java.io.ByteArrayInputStream(bytes.toByteArray()));
        Map<String, Object> config = new HashMap<>();
        read.forEach((key, value) -> config.put((String) key, value));
        config.put("felix.fileinstall.filename", "file:/opt/berth/etc/berth.listener-public.cfg");

        assertThatThrownBy(() -> ListenerSettings.parse("public", config)).isInstanceOf(InvalidSettingException.class)
                .hasMessage("/opt/berth/etc/berth.listener-public.cfg: not a text file in UTF-8 or ISO-8859-1: "
                        + "UTF-16 byte order mark at the start");
    }
}
