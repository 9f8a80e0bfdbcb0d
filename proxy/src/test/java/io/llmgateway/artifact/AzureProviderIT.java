package io.llmgateway.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RecordedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar with an {@code api: azure} provider: Azure's deployment URL and {@code api-key}, plain and streamed. */
class AzureProviderIT {
    private static final String AZURE_KEY = "azure-artifact-key-0123456789abcdef";

    @TempDir
    Path dir;

    @Test
    void azureProvider_workFromTheJar() throws Exception {
        try (MockUpstream azure = GatewayClient.provider()) {
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, """
                    server:
                      host: 127.0.0.1
                    api_provider:
                      azure-east:
                        api: azure
                        base_url: http://127.0.0.1:%d/openai
                        api_key: %s
                        api_version: 2024-10-21
                    model_config:
                      gpt-4o:
                        azure-east: {alias: gpt4o-deployment}
                    """.formatted(azure.port(), AZURE_KEY));
            try (GatewayProcess gateway = GatewayProcess.start(dir, "--config", config.toString(), "--port", "0")) {
                GatewayClient client = gateway.client();

                assertTrue(client.assertChat("gpt-4o", "authorization", "Bearer client-own")
                        .contains(GatewayClient.ANSWER));
                client.assertStream("gpt-4o");

                for (int i = 0; i < 2; i++) {
                    RecordedRequest seen = azure.takeRequest(Duration.ofSeconds(5));
                    assertEquals(
                            "/openai/deployments/gpt4o-deployment/chat/completions?api-version=2024-10-21", seen.uri());
                    assertEquals(AZURE_KEY, seen.header("api-key"));
                    assertNull(seen.header("authorization"), "the client's credentials reached the provider");
                }
                gateway.assertStopsCleanly();
                assertFalse(gateway.appLog().contains(AZURE_KEY), "app.log shows the provider's key");
            }
        }
    }
}
