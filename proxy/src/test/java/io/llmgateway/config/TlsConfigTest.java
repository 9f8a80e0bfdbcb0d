package io.llmgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 28: {@code server.tls} is read with its defaults, and each mistake is named by its field. */
class TlsConfigTest {
    private static final String REST = """
            api_provider:
              p: {base_url: "http://127.0.0.1:1/v1"}
            model_config:
              m: {p: {}}
            """;

    @TempDir
    static Path dir;

    private static TestCa.ServerFiles server;
    private static TestCa.ServerFiles other;

    @BeforeAll
    static void certificates() throws Exception {
        TestCa ca = TestCa.create("config-ca");
        server = ca.issue(dir, "server", "server");
        other = ca.issue(dir, "other", "other");
    }

    private static String tls(String cert, Object key, String more) {
        return "server:\n  tls:\n    cert_file: " + cert + "\n    key_file: " + key + "\n" + more + REST;
    }

    private static List<String> problems(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, Map.of()))
                .problems();
    }

    @Test
    void noTlsSection_meansNoTlsListener() throws Exception {
        assertNull(ConfigLoader.parse(REST, Map.of()).server().tls());
    }

    @Test
    void defaults_port8443_andTls13And12() throws Exception {
        ServerSettings s = ConfigLoader.parse(tls(server.cert().toString(), server.key(), ""), Map.of())
                .server();

        assertEquals(
                new TlsSettings(8443, server.cert().toString(), server.key().toString(), List.of("TLSv1.3", "TLSv1.2")),
                s.tls());
        assertEquals(8100, s.port());
        assertTrue(s.hasPlainListener());
    }

    @Test
    void portZero_withTls_turnsThePlainListenerOff() throws Exception {
        ServerSettings s = ConfigLoader.parse(
                        "server:\n  port: 0\n  tls:\n    port: 9443\n    cert_file: " + server.cert()
                                + "\n    key_file: " + server.key() + "\n    protocols: [tlsv1.2]\n" + REST,
                        Map.of())
                .server();

        assertEquals(ServerSettings.NO_LISTENER, s.port());
        assertEquals(9443, s.tls().port());
        assertEquals(List.of("TLSv1.2"), s.tls().protocols());
    }

    @Test
    void portZero_withoutTls_isNothingToListenOn() {
        assertEquals(
                List.of("server.port: 0 turns the plain HTTP listener off, and there is no server.tls: nothing to"
                        + " listen on (expected: a port from 1 to 65535, or a server.tls section)"),
                problems("server:\n  port: 0\n" + REST));
    }

    @Test
    void sameTlsAndPlainPort_isAClash() {
        assertEquals(
                List.of("server.tls.port: 8100 is also server.port (expected: another port for the TLS listener)"),
                problems(tls(server.cert().toString(), server.key(), "    port: 8100\n")));
    }

    @Test
    void missingFiles_areNamed() {
        assertEquals(
                List.of(
                        "server.tls.cert_file: missing (expected: a path to the PEM certificate chain)",
                        "server.tls.key_file: missing (expected: a path to the PEM private key)"),
                problems("server:\n  tls:\n    port: 8443\n" + REST));
        assertEquals(
                List.of("server.tls.cert_file: no such file: /no/such.crt"),
                problems(tls("/no/such.crt", server.key(), "")));
        assertEquals(
                List.of("server.tls.key_file: no such file: /no/such.key"),
                problems(tls(server.cert().toString(), "/no/such.key", "")));
    }

    @Test
    void keyOfAnotherCertificate_isRefused() {
        List<String> problems = problems(tls(server.cert().toString(), other.key(), ""));

        assertEquals(1, problems.size(), problems.toString());
        assertTrue(
                problems.get(0)
                        .startsWith("server.tls.key_file: the key in " + other.key()
                                + " does not belong to the certificate in " + server.cert() + " (CN=server)"),
                problems.get(0));
    }

    @Test
    void notPem_orAnOldKeyFormat_isNamed() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.crt"), "hello");
        Path pkcs1 = Files.writeString(
                dir.resolve("pkcs1.key"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");

        assertEquals(
                List.of("server.tls.cert_file: cannot read certificates from " + garbage + " (expected: PEM)"),
                problems(tls(garbage.toString(), server.key(), "")));
        assertEquals(
                List.of("server.tls.key_file: the key in " + pkcs1 + " is a RSA key (expected: unencrypted PKCS#8,"
                        + " BEGIN PRIVATE KEY; convert it with openssl pkcs8 -topk8 -nocrypt)"),
                problems(tls(server.cert().toString(), pkcs1, "")));
        assertEquals(
                List.of("server.tls.key_file: no private key found in " + server.cert()
                        + " (expected: PEM, BEGIN PRIVATE KEY)"),
                problems(tls(server.cert().toString(), server.cert(), "")));
    }

    @Test
    void unknownProtocolOrOption_isNamed() {
        assertEquals(
                List.of("server.tls.protocols[1]: unknown protocol \"TLSv1.1\" (expected: TLSv1.3 or TLSv1.2)"),
                problems(tls(server.cert().toString(), server.key(), "    protocols: [TLSv1.3, TLSv1.1]\n")));
        assertEquals(
                List.of("server.tls.protocols: empty (expected: one or more of TLSv1.3 or TLSv1.2)"),
                problems(tls(server.cert().toString(), server.key(), "    protocols: []\n")));
        assertEquals(
                List.of("server.tls.ciphers: unknown option (expected one of: port, cert_file, key_file, protocols)"),
                problems(tls(server.cert().toString(), server.key(), "    ciphers: all\n")));
    }
}
