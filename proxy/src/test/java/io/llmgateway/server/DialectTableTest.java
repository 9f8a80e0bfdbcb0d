package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.Limits;
import io.llmgateway.config.ProviderApi;
import io.llmgateway.config.ProviderConfig;
import io.llmgateway.openai.OpenAiClientDialect;
import io.llmgateway.openai.OpenAiProviderDialect;
import io.llmgateway.protocol.ProviderDialect;
import io.llmgateway.tokens.TokenEstimator;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DialectTableTest {
    private static final TokenEstimator ESTIMATOR = new TokenEstimator(Runnable::run);

    private static GatewayConfig config() throws Exception {
        return ConfigLoader.parse("""
                api_provider:
                  a:
                    base_url: https://a.example.com/v1
                  b:
                    base_url: https://b.example.com/v1
                model_config:
                  m:
                    a:
                    b:
                """, Map.of());
    }

    @Test
    void dialect_onePerProviderAndClient_madeOncePerConfig() throws Exception {
        GatewayConfig config = config();
        DialectTable table = new DialectTable(config, ESTIMATOR);
        ProviderConfig a = config.providers().get("a");

        ProviderDialect d = table.dialect(a, OpenAiClientDialect.INSTANCE);

        assertInstanceOf(OpenAiProviderDialect.class, d);
        assertSame(d, table.dialect(a, OpenAiClientDialect.INSTANCE));
        assertNotSame(d, table.dialect(config.providers().get("b"), OpenAiClientDialect.INSTANCE));
        assertSame(d, table.any("a"));
    }

    @Test
    void dialect_providerAddedSinceTheConfig_isMadeNow() throws Exception {
        DialectTable table = new DialectTable(config(), ESTIMATOR);
        ProviderConfig added = new ProviderConfig("c", URI.create("https://c.example.com/v1"), "", Limits.NONE);

        assertInstanceOf(OpenAiProviderDialect.class, table.dialect(added, OpenAiClientDialect.INSTANCE));
        assertNull(table.any("c"));
    }

    @Test
    void dialect_aPairWithoutOne_isNull_andNamedInTheAnswer() throws Exception {
        DialectTable table = new DialectTable(config(), ESTIMATOR);
        ProviderConfig anthropic = new ProviderConfig("c", URI.create("https://c.example.com/v1"), "", Limits.NONE)
                .withApi(ProviderApi.ANTHROPIC);

        assertNull(table.dialect(anthropic, OpenAiClientDialect.INSTANCE));
        assertEquals(
                "no translation from openai clients to anthropic providers yet",
                DialectTable.missing(OpenAiClientDialect.INSTANCE, ProviderApi.ANTHROPIC));
    }
}
