package io.llmgateway.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.Await;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.TestCa;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar with {@code server.tls}: netty-tcnative's OpenSSL must be in it and load (the start-up line names
 * the engine), the TLS listener answers, and a certificate replaced on disk is served without a restart.
 */
class TlsIT {
    @TempDir
    Path dir;

    @Test
    void tlsListener_onOpenSsl_answersAndReloads() throws Exception {
        TestCa ca = TestCa.create("artifact-ca");
        TestCa.ServerFiles first = ca.issue(dir.resolve("certs"), "tls", "first");
        int tlsPort;
        try (ServerSocket free = new ServerSocket(0)) {
            tlsPort = free.getLocalPort();
        }
        try (MockUpstream upstream = GatewayClient.provider()) {
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, """
                    server:
                      host: 127.0.0.1
                      tls:
                        port: %d
                        cert_file: %s
                        key_file: %s
                    api_provider:
                      mock:
                        base_url: %s
                    model_config:
                      gpt-4o:
                        mock: {}
                    """.formatted(tlsPort, first.cert(), first.key(), upstream.baseUrl()));
            try (GatewayProcess gateway =
                    GatewayProcess.start(dir.resolve("run"), "--config", config.toString(), "--port", "0")) {
                String started = "and https://127.0.0.1:" + tlsPort + " (";
                assertTrue(gateway.stdout().contains(started), gateway.stdout());
                // The start-up line names the engine; stdout has it at readiness, app.log's file may not yet.
                assertTrue(
                        gateway.stdout().contains("TLS engine OpenSSL (BoringSSL) for TLSv1.3 and TLSv1.2"),
                        gateway.stdout());
                GatewayClient client = new GatewayClient(tlsPort, ca.sslContext());

                assertTrue(client.assertChat("gpt-4o").contains(GatewayClient.ANSWER));
                client.assertStream("gpt-4o");
                assertEquals(200, client.get("/v1/models").statusCode());

                Instant now = Instant.now();
                TestCa.ServerFiles second = ca.issue(
                        dir.resolve("certs2"),
                        "tls",
                        "second",
                        now.minus(Duration.ofHours(1)),
                        now.plus(Duration.ofDays(2)));
                Files.copy(second.key(), first.key(), StandardCopyOption.REPLACE_EXISTING);
                Files.copy(second.cert(), first.cert(), StandardCopyOption.REPLACE_EXISTING);
                Await.until(
                        "app.log reports the new certificate",
                        () -> appLog(gateway).contains("now serving the certificate for CN=second"),
                        Duration.ofSeconds(20));
                assertEquals(
                        200,
                        new GatewayClient(tlsPort, ca.sslContext())
                                .get("/v1/models")
                                .statusCode());

                gateway.assertStopsCleanly();
            }
        }
    }

    private static String appLog(GatewayProcess gateway) {
        try {
            return gateway.appLog();
        } catch (IOException e) {
            return "";
        }
    }
}
