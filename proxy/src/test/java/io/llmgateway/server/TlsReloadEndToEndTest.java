package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.Await;
import io.llmgateway.testing.RawHttp;
import io.llmgateway.testing.TestCa;
import io.llmgateway.tls.ServerCertificates;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28: the TLS listener's certificate is re-read when its files change (or on the admin page's
 * reload) without dropping open connections, and a replacement that cannot be used keeps the current one.
 */
class TlsReloadEndToEndTest {
    private static final String MODELS = "GET /v1/models HTTP/1.1\r\nHost: gw\r\n\r\n";

    @TempDir
    Path dir;

    private TestCa ca;
    private Path certFile;
    private Path keyFile;

    @BeforeEach
    void certificates() throws Exception {
        ca = TestCa.create("reload-ca");
        TestCa.ServerFiles first = ca.issue(dir.resolve("first"), "server", "first");
        certFile = dir.resolve("tls.crt");
        keyFile = dir.resolve("tls.key");
        Files.copy(first.cert(), certFile);
        Files.copy(first.key(), keyFile);
    }

    private String config() {
        return """
                server:
                  tls: {cert_file: %s, key_file: %s}
                api_provider:
                  p: {base_url: "http://127.0.0.1:1/v1"}
                model_config:
                  m: {p: {}}
                """.formatted(certFile, keyFile);
    }

    @Test
    void changedFiles_serveNewHandshakes_whileAnOpenConnectionKeepsWorking() throws Exception {
        try (TestGateway g = TestGateway.start(config());
                RawHttp open = RawHttp.connectTls(g.tlsPort(), ca.sslContext())) {
            assertEquals("CN=first", subject(open));
            assertTrue(open.send(MODELS).readResponse().startsWith("HTTP/1.1 200"));

            install(ca.issue(dir.resolve("second"), "server", "second"));

            // The poller (every 2 s, on its own thread) notices the new files.
            Await.until(
                    "a new handshake sees the new certificate",
                    () -> subjectOfNewConnection(g).equals("CN=second"));
            assertEquals("CN=first", subject(open), "the open connection keeps its session");
            String again = open.send(MODELS).readResponse();
            assertTrue(again.startsWith("HTTP/1.1 200"), "the open connection still serves: " + again);
        }
    }

    @Test
    void keyOfAnotherCertificate_keepsTheCurrentOne() throws Exception {
        try (TestGateway g = TestGateway.start(config())) {
            TestCa.ServerFiles other = ca.issue(dir.resolve("other"), "server", "other");
            Files.copy(other.key(), keyFile, StandardCopyOption.REPLACE_EXISTING);

            ServerCertificates.Outcome outcome = g.gateway().reloadCertificates();

            assertFalse(outcome.replaced());
            assertTrue(outcome.problem().startsWith("server.tls.key_file: the key in " + keyFile), outcome.problem());
            assertTrue(outcome.problem().contains("does not belong to the certificate"), outcome.problem());
            assertEquals("CN=first", subjectOfNewConnection(g));
        }
    }

    @Test
    void expiredOrUnreadableCertificate_keepsTheCurrentOne() throws Exception {
        try (TestGateway g = TestGateway.start(config())) {
            Instant now = Instant.now();
            install(ca.issue(
                    dir.resolve("expired"),
                    "server",
                    "expired",
                    now.minus(Duration.ofDays(10)),
                    now.minus(Duration.ofDays(1))));

            ServerCertificates.Outcome expired = g.gateway().reloadCertificates();
            assertFalse(expired.replaced());
            assertTrue(
                    expired.problem()
                            .startsWith("server.tls.cert_file: the certificate in " + certFile + " expired at"),
                    expired.problem());
            assertEquals("CN=first", subjectOfNewConnection(g));

            Files.writeString(certFile, "not a certificate", StandardCharsets.US_ASCII);
            ServerCertificates.Outcome garbage = g.gateway().reloadCertificates();
            assertFalse(garbage.replaced());
            assertTrue(
                    garbage.problem().startsWith("server.tls.cert_file: cannot read certificates from"),
                    garbage.problem());
            Files.copy(dir.resolve("first").resolve("server.crt"), certFile, StandardCopyOption.REPLACE_EXISTING);
            Files.delete(keyFile);
            ServerCertificates.Outcome missing = g.gateway().reloadCertificates();
            assertEquals("server.tls.key_file: no such file: " + keyFile, missing.problem());
            assertEquals("CN=first", subjectOfNewConnection(g));
        }
    }

    @Test
    void adminReload_rereadsTheCertificate_andReportsAProblem() throws Exception {
        try (TestGateway g = TestGateway.startFromFile(dir, config())) {
            install(ca.issue(dir.resolve("second"), "server", "second"));
            HttpResponse<String> ok = reload(g);
            assertEquals(200, ok.statusCode(), ok.body());
            assertTrue(ok.body().contains("\"warnings\":[]"), ok.body());
            assertEquals("CN=second", subjectOfNewConnection(g));

            Instant now = Instant.now();
            install(ca.issue(
                    dir.resolve("expired"),
                    "server",
                    "expired",
                    now.minus(Duration.ofDays(10)),
                    now.minus(Duration.ofDays(1))));
            HttpResponse<String> expired = reload(g);
            assertEquals(200, expired.statusCode(), "the rest of the config is applied: " + expired.body());
            assertTrue(
                    expired.body()
                            .contains("the TLS certificate was not replaced (the current one stays):"
                                    + " server.tls.cert_file: the certificate in " + certFile + " expired at"),
                    expired.body());
            assertEquals("CN=second", subjectOfNewConnection(g));

            // A file the config check itself refuses makes the whole reload fail, naming the field.
            Files.writeString(keyFile, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
            HttpResponse<String> bad = reload(g);
            assertEquals(422, bad.statusCode(), bad.body());
            assertTrue(bad.body().contains("server.tls.key_file: the key in " + keyFile + " is a RSA key"), bad.body());
            assertEquals("CN=second", subjectOfNewConnection(g));
        }
    }

    @Test
    void withoutTls_thereIsNothingToReload() throws Exception {
        try (TestGateway g = TestGateway.start("""
                api_provider:
                  p: {base_url: "http://127.0.0.1:1/v1"}
                model_config:
                  m: {p: {}}
                """)) {
            assertNull(g.gateway().reloadCertificates());
        }
    }

    private static HttpResponse<String> reload(TestGateway g) throws Exception {
        return g.http()
                .send(
                        HttpRequest.newBuilder(URI.create(g.url("/api/config/reload")))
                                .header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /** Replaces the served files as a deploy tool would: each file moved into place whole. */
    private void install(TestCa.ServerFiles files) throws Exception {
        Files.move(files.key(), keyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(files.cert(), certFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private String subjectOfNewConnection(TestGateway g) {
        try (RawHttp c = RawHttp.connectTls(g.tlsPort(), ca.sslContext())) {
            return subject(c);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String subject(RawHttp c) {
        try {
            return ((X509Certificate) c.tlsSession().getPeerCertificates()[0])
                    .getSubjectX500Principal()
                    .getName();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
