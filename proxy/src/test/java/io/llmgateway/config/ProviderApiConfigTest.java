package io.llmgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code api} of a provider and the options that belong to one api only. */
class ProviderApiConfigTest {
    private static GatewayConfig parse(String providerOptions) throws ConfigException {
        return ConfigLoader.parse("""
                api_provider:
                  p:
                    base_url: https://p.example.com/v1
                    api_key: k
                """ + providerOptions.indent(4) + """
                model_config:
                  m:
                    p:
                """, Map.of());
    }

    private static List<String> problems(String providerOptions) {
        return assertThrows(ConfigException.class, () -> parse(providerOptions)).problems();
    }

    @Test
    void api_absent_openaiWithDefaults() throws Exception {
        ProviderConfig p = parse("").providers().get("p");

        assertEquals(ProviderApi.OPENAI, p.api());
        assertEquals("2023-06-01", p.anthropicVersion());
        assertEquals("2024-10-21", p.apiVersion());
        assertEquals(4096, p.defaultMaxTokens());
        assertEquals(false, p.http2());
    }

    @Test
    void http2_isABooleanOfAnyApi() throws Exception {
        assertEquals(true, parse("http2: true").providers().get("p").http2());
        assertEquals(
                true, parse("api: anthropic\nhttp2: true").providers().get("p").http2());
        List<String> problems = problems("http2: sometimes");
        assertEquals(1, problems.size(), problems.toString());
        assertEquals(true, problems.get(0).startsWith("api_provider.p.http2: "), problems.get(0));
        assertEquals(true, problems.get(0).contains("true or false"), problems.get(0));
    }

    @Test
    void api_anthropicWithItsOptions() throws Exception {
        ProviderConfig p = parse("api: anthropic\nanthropic_version: 2023-01-01\ndefault_max_tokens: 8192")
                .providers()
                .get("p");

        assertEquals(ProviderApi.ANTHROPIC, p.api());
        assertEquals("2023-01-01", p.anthropicVersion());
        assertEquals(8192, p.defaultMaxTokens());
    }

    @Test
    void api_azureWithVersions() throws Exception {
        assertEquals(ProviderApi.AZURE, parse("api: azure").providers().get("p").api());
        assertEquals(
                "v1", parse("api: azure\napi_version: v1").providers().get("p").apiVersion());
        assertEquals(
                "2025-04-01-preview",
                parse("api: Azure\napi_version: 2025-04-01-preview")
                        .providers()
                        .get("p")
                        .apiVersion());
    }

    @Test
    void api_unknown_namesTheFieldAndTheChoices() {
        assertEquals(
                List.of("api_provider.p.api: expected one of openai, anthropic, azure, got \"gemini\""),
                problems("api: gemini"));
    }

    @Test
    void api_unknown_itsOptionsNotJudgedByAGuess() {
        assertEquals(
                List.of("api_provider.p.api: expected one of openai, anthropic, azure, got \"claude\""),
                problems("api: claude\nanthropic_version: 2023-06-01"));
    }

    @Test
    void optionOfAnotherApi_namesTheFieldAndBothApis() {
        assertEquals(
                List.of("api_provider.p.anthropic_version: only used with api: anthropic (this provider's api is"
                        + " openai)"),
                problems("anthropic_version: 2023-06-01"));
        assertEquals(
                List.of("api_provider.p.default_max_tokens: only used with api: anthropic (this provider's api is"
                        + " azure)"),
                problems("api: azure\ndefault_max_tokens: 100"));
        assertEquals(
                List.of("api_provider.p.api_version: only used with api: azure (this provider's api is anthropic)"),
                problems("api: anthropic\napi_version: 2024-10-21"));
    }

    @Test
    void wrongValues_nameTheField() {
        assertEquals(
                List.of("api_provider.p.anthropic_version: expected a version date like 2023-06-01, got \"latest\""),
                problems("api: anthropic\nanthropic_version: latest"));
        assertEquals(
                List.of("api_provider.p.api_version: expected an Azure api-version like 2024-10-21 or"
                        + " 2025-04-01-preview, or v1, got \"2024-10-21&x=1\""),
                problems("api: azure\napi_version: 2024-10-21&x=1"));
        assertEquals(
                List.of("api_provider.p.default_max_tokens: expected a whole number from 1 to 1000000, got 0"),
                problems("api: anthropic\ndefault_max_tokens: 0"));
    }

    @Test
    void toString_namesTheApiNotTheKey() throws Exception {
        String text = parse("api: anthropic").providers().get("p").toString();

        assertEquals(true, text.contains("api=anthropic"), text);
        assertEquals(false, text.contains("apiKey=k"), text);
    }
}
