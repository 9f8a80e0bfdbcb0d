package io.llmgateway.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmgateway.tokens.TokenEstimator;
import org.junit.jupiter.api.Test;

class AzureProviderDialectTest {
    private static final OpenAiProviderDialect OPENAI = new OpenAiProviderDialect(new TokenEstimator(Runnable::run));

    @Test
    void target_datedVersion_namesTheDeploymentAndTheVersion() {
        AzureProviderDialect d = new AzureProviderDialect(OPENAI, "2024-10-21");

        assertEquals(
                "/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21",
                d.target("/openai", "/chat/completions", "gpt4o"));
        assertEquals(
                "/openai/deployments/emb/embeddings?api-version=2024-10-21", d.target("/openai", "/embeddings", "emb"));
        assertEquals(
                "/openai/deployments/gpt4o/chat/completions?x=1&api-version=2024-10-21",
                d.target("/openai", "/chat/completions?x=1", "gpt4o"));
    }

    @Test
    void target_v1_isOpenAisPathUnderTheBase() {
        AzureProviderDialect d = new AzureProviderDialect(OPENAI, "v1");

        assertEquals("/openai/v1/chat/completions", d.target("/openai", "/chat/completions", "gpt4o"));
        assertEquals("/v1/responses", d.target("", "/responses", "gpt4o"));
    }

    @Test
    void pathSegment_aPlainNameAsItIs_anyOtherEncoded() {
        assertEquals("gpt-4o_v2.1", AzureProviderDialect.pathSegment("gpt-4o_v2.1"));
        assertEquals("my%20model%2Fx%3Fy", AzureProviderDialect.pathSegment("my model/x?y"));
        assertEquals("%2E%2E", AzureProviderDialect.pathSegment(".."));
    }

    @Test
    void key_goesAsApiKey_asItIs() {
        AzureProviderDialect d = new AzureProviderDialect(OPENAI, "v1");

        assertEquals("api-key", d.keyHeader());
        assertEquals("sk-1", d.keyValue("sk-1"));
    }
}
