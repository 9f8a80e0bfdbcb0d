package io.llmgateway.admin;

import static io.llmgateway.admin.AdminClient.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.server.TestGateway;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RecordedRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A health check reaches a provider of each api at its URL, with its key header: a wrong one would park it. */
class HealthCheckApisTest {
    private final MockUpstream provider = MockUpstream.start();
    private TestGateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        provider.close();
    }

    /** Checks provider {@code p} (of {@code options}) and returns the request it received. */
    private RecordedRequest check(String options, String basePath, boolean withModel) throws Exception {
        gateway = TestGateway.start(
                """
                api_provider:
                  p:
                    base_url: http://127.0.0.1:%d%s
                    api_key: provider-key
                %s
                  other:
                    base_url: http://127.0.0.1:1/v1
                model_config:
                  m:
                    %s: {alias: deploy-1}
                """.formatted(provider.port(), basePath, options.indent(4), withModel ? "p" : "other"));
        HttpResponse<String> r = new AdminClient(gateway).post("/api/health-check", "{\"provider\":\"p\"}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(true, at(r, "ok"), r.body());
        return provider.takeRequest(Duration.ofSeconds(5));
    }

    @Test
    void azure_chat_goesToTheDeployment_withApiKey() throws Exception {
        RecordedRequest seen = check("api: azure", "/openai", true);

        assertEquals("/openai/deployments/deploy-1/chat/completions?api-version=2024-10-21", seen.uri());
        assertEquals("provider-key", seen.header("api-key"));
        assertNull(seen.header("authorization"));
    }

    @Test
    void azure_withoutAModel_listsModels() throws Exception {
        assertEquals(
                "/openai/models?api-version=2024-10-21",
                check("api: azure", "/openai", false).uri());
    }

    @Test
    void azureV1_withoutAModel_listsModelsUnderV1() throws Exception {
        RecordedRequest seen = check("api: azure\napi_version: v1", "/openai", false);

        assertEquals("/openai/v1/models", seen.uri());
        assertEquals("GET", seen.method());
    }

    @Test
    void anthropic_chat_isAMessage_withXApiKeyAndVersion() throws Exception {
        RecordedRequest seen = check("api: anthropic\nanthropic_version: 2023-01-01", "/v1", true);

        assertEquals("/v1/messages", seen.uri());
        assertEquals("provider-key", seen.header("x-api-key"));
        assertEquals("2023-01-01", seen.header("anthropic-version"));
        assertNull(seen.header("authorization"));
        assertTrue(seen.body().contains("\"max_tokens\":1"), seen.body());
    }

    @Test
    void openai_chat_keyAsBearer() throws Exception {
        RecordedRequest seen = check("", "/v1", true);

        assertEquals("/v1/chat/completions", seen.uri());
        assertEquals("Bearer provider-key", seen.header("authorization"));
    }
}
