package io.llmgateway.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.MockUpstream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar with every optional subsystem of a single instance on: client keys, the admin token (API, page and
 * metrics), metrics, and the interaction log.
 */
class FullConfigIT {
    private static final String CLIENT_KEY = "sk-artifact-client-key-0123456789abcdef";
    private static final String TEAM_KEY = "sk-artifact-team-key-0123456789abcdef";
    private static final String ADMIN_TOKEN = "artifact-admin-token-0123456789abcdef0123";
    private static final String PROVIDER_KEY = "sk-artifact-provider-key-0123456789abcdef";
    private static final List<String> SECRETS = List.of(CLIENT_KEY, TEAM_KEY, ADMIN_TOKEN, PROVIDER_KEY);

    @TempDir
    Path dir;

    @Test
    void clientKeysAdminMetricsAndInteractionLog_workFromTheJar() throws Exception {
        try (MockUpstream upstream = GatewayClient.provider()) {
            Path config = dir.resolve("config.yaml");
            Files.writeString(
                    config, """
                    server:
                      host: 127.0.0.1
                    admin:
                      token: %s
                    gateway:
                      api_keys:
                        - %s
                        - name: team
                          key: %s
                          limits: {rpm: 100}
                          models: [gpt-4o]
                    logging:
                      interactions: true
                    metrics:
                      enabled: true
                      require_admin: true
                    api_provider:
                      mock:
                        base_url: %s
                        api_key: %s
                    model_config:
                      gpt-4o:
                        mock: {}
                    """.formatted(ADMIN_TOKEN, CLIENT_KEY, TEAM_KEY, upstream.baseUrl(), PROVIDER_KEY));
            try (GatewayProcess gateway = GatewayProcess.start(dir, "--config", config.toString(), "--port", "0")) {
                GatewayClient client = gateway.client();
                String[] key = {"authorization", "Bearer " + CLIENT_KEY};
                String[] admin = {"authorization", "Bearer " + ADMIN_TOKEN};

                HttpResponse<String> refused =
                        client.post("/v1/chat/completions", GatewayClient.chatBody("gpt-4o", false));
                assertEquals(401, refused.statusCode(), refused.body());
                assertTrue(refused.body().contains("\"error\""), refused.body());
                assertTrue(client.assertChat("gpt-4o", key).contains(GatewayClient.ANSWER));
                client.assertStream("gpt-4o", key);
                client.assertChat("gpt-4o", "x-api-key", TEAM_KEY);
                assertEquals(
                        "Bearer " + PROVIDER_KEY,
                        upstream.requests().get(0).header("authorization"),
                        "the provider's key upstream");

                assertEquals(401, client.get("/api/status").statusCode());
                HttpResponse<String> status = client.get("/api/status", admin);
                assertEquals(200, status.statusCode(), status.body());
                assertTrue(status.body().startsWith("{"), status.body());
                HttpResponse<String> page = client.get("/admin", admin);
                assertEquals(200, page.statusCode(), page.body());
                assertTrue(
                        page.headers().firstValue("content-type").orElse("").startsWith("text/html"),
                        page.headers().toString());

                assertEquals(401, client.get("/metrics").statusCode());
                HttpResponse<String> metrics = client.get("/metrics", admin);
                assertEquals(200, metrics.statusCode(), metrics.body());
                assertTrue(metrics.body().contains("llm_gateway_"), metrics.body());
                assertNoSecret("/metrics", metrics.body());

                gateway.assertStopsCleanly();
                assertNoSecret("app.log", gateway.appLog());
            }
            Path interactions = dir.resolve("log").resolve("agent_interactions.log");
            List<String> lines = Files.readAllLines(interactions, StandardCharsets.UTF_8);
            assertTrue(lines.size() >= 3, "one line per proxied request: " + lines);
            lines.forEach(line -> assertTrue(line.startsWith("{") && line.endsWith("}"), line));
            assertNoSecret("agent_interactions.log", String.join("\n", lines));
        }
    }

    private static void assertNoSecret(String where, String text) {
        for (String secret : SECRETS) {
            assertFalse(text.contains(secret), where + " shows a secret: " + text);
        }
    }
}
