package io.llmgateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.GatewayConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A running config rendered as a document reads back as the same providers and models. */
class ConfigRenderTest {
    @Test
    void of_providersOfEveryApi_roundTrip() throws Exception {
        GatewayConfig config = ConfigLoader.parse("""
                api_provider:
                  oa:
                    base_url: https://api.openai.com/v1
                    api_key: k1
                  claude:
                    api: anthropic
                    base_url: https://api.anthropic.com/v1
                    api_key: k2
                    anthropic_version: 2023-01-01
                    default_max_tokens: 1024
                  claude-defaults:
                    api: anthropic
                    base_url: https://api.anthropic.com/v1
                  az:
                    api: azure
                    base_url: https://r.openai.azure.com/openai
                    api_key: k3
                    api_version: v1
                  az-defaults:
                    api: azure
                    base_url: https://r.openai.azure.com/openai
                model_config:
                  m:
                    oa:
                    claude: {alias: claude-sonnet-4-5}
                    az: {alias: my-deployment}
                """, Map.of());

        String yaml = ConfigRender.of(config).toYaml();
        GatewayConfig again = ConfigLoader.parse(yaml, Map.of());

        assertEquals(config.providers(), again.providers(), yaml);
        assertEquals(config.models(), again.models(), yaml);
        assertFalse(yaml.contains("api: openai"), "the default api is not written: " + yaml);
        assertFalse(yaml.contains("2023-06-01"), "a default version is not written: " + yaml);
        assertTrue(yaml.contains("api_version: v1"), yaml);
    }
}
