package io.llmgateway.admin;

import io.llmgateway.config.ProviderConfig;
import io.llmgateway.openai.AzureProviderDialect;
import java.util.Map;

/**
 * Where a health check goes and how it carries the key, for a provider of each api. Its body, a one-token chat
 * ({@code model}, {@code messages}, {@code max_tokens}), reads the same in OpenAI's and Anthropic's formats.
 */
final class HealthRequest {
    private HealthRequest() {}

    /**
     * The request target of a check of {@code provider}: a chat with {@code alias}, or the model list when no
     * model uses the provider ({@code alias} null).
     */
    static String path(ProviderConfig provider, String basePath, String alias) {
        return switch (provider.api()) {
            case OPENAI -> basePath + (alias != null ? "/chat/completions" : "/models");
            case ANTHROPIC -> basePath + (alias != null ? "/messages" : "/models");
            case AZURE -> {
                String v = provider.apiVersion();
                if (alias != null) {
                    yield AzureProviderDialect.target(v, basePath, "/chat/completions", alias);
                }
                yield v.equals(AzureProviderDialect.V1)
                        ? basePath + "/v1/models"
                        : basePath + "/models?api-version=" + v;
            }
        };
    }

    /** Adds the provider's key (when it has one) and its api's own headers to {@code headers}. */
    static void headers(ProviderConfig provider, Map<String, String> headers) {
        String key = provider.apiKey();
        switch (provider.api()) {
            case OPENAI -> {
                if (!key.isEmpty()) {
                    headers.put("authorization", "Bearer " + key);
                }
            }
            case ANTHROPIC -> {
                if (!key.isEmpty()) {
                    headers.put("x-api-key", key);
                }
                headers.put("anthropic-version", provider.anthropicVersion());
            }
            case AZURE -> {
                if (!key.isEmpty()) {
                    headers.put("api-key", key);
                }
            }
        }
    }
}
