package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.llmgateway.anthropic.AnthropicClientDialect;
import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.Limits;
import io.llmgateway.config.ProviderApi;
import io.llmgateway.config.ProviderConfig;
import io.llmgateway.openai.OpenAiClientDialect;
import io.llmgateway.openai.OpenAiProviderDialect;
import io.llmgateway.protocol.ProviderDialect;
import io.llmgateway.tokens.TokenEstimator;
import io.llmgateway.translate.ChatViaMessagesDialect;
import io.llmgateway.translate.MessagesViaChatDialect;
import java.net.URI;
import java.time.Clock;
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
        DialectTable table = new DialectTable(config, ESTIMATOR, Clock.systemUTC());
        ProviderConfig a = config.providers().get("a");

        ProviderDialect d = table.dialect(a, OpenAiClientDialect.INSTANCE);

        assertInstanceOf(OpenAiProviderDialect.class, d);
        assertSame(d, table.dialect(a, OpenAiClientDialect.INSTANCE));
        assertNotSame(d, table.dialect(config.providers().get("b"), OpenAiClientDialect.INSTANCE));
        assertSame(d, table.any("a"));
    }

    @Test
    void dialect_providerAddedSinceTheConfig_isMadeNow() throws Exception {
        DialectTable table = new DialectTable(config(), ESTIMATOR, Clock.systemUTC());
        ProviderConfig added = new ProviderConfig("c", URI.create("https://c.example.com/v1"), "", Limits.NONE);

        assertInstanceOf(OpenAiProviderDialect.class, table.dialect(added, OpenAiClientDialect.INSTANCE));
        assertNull(table.any("c"));
    }

    @Test
    void dialect_openAiClientsOfAnAnthropicProvider_translate() throws Exception {
        DialectTable table = new DialectTable(config(), ESTIMATOR, Clock.systemUTC());
        ProviderConfig anthropic = new ProviderConfig("c", URI.create("https://c.example.com/v1"), "", Limits.NONE)
                .withApi(ProviderApi.ANTHROPIC);

        ProviderDialect d = table.dialect(anthropic, OpenAiClientDialect.INSTANCE);

        assertInstanceOf(ChatViaMessagesDialect.class, d);
        assertEquals("x-api-key", d.keyHeader());
    }

    @Test
    void missing_namesThePair() {
        assertEquals(
                "no translation from openai clients to anthropic providers yet",
                DialectTable.missing(OpenAiClientDialect.INSTANCE, ProviderApi.ANTHROPIC));
    }

    @Test
    void dialect_anthropicClientsOfOpenAiFormatProviders_areTranslated() throws Exception {
        GatewayConfig config = config();
        DialectTable table = new DialectTable(config, ESTIMATOR, Clock.systemUTC());
        ProviderConfig azure = new ProviderConfig("az", URI.create("https://az.example.com/openai"), "", Limits.NONE)
                .withApi(ProviderApi.AZURE);

        assertInstanceOf(
                MessagesViaChatDialect.class,
                table.dialect(config.providers().get("a"), AnthropicClientDialect.MESSAGES));
        assertInstanceOf(MessagesViaChatDialect.class, table.dialect(azure, AnthropicClientDialect.MESSAGES));
        assertNull(
                table.dialect(config.providers().get("a"), AnthropicClientDialect.COUNT_TOKENS),
                "count_tokens is counted by the gateway for a model without an Anthropic provider");
    }
}
