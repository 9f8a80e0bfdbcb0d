package io.llmgateway.config;

import java.util.Locale;

/** The wire format a provider speaks ({@code api} of an {@code api_provider} entry). */
public enum ProviderApi {
    /** OpenAI's API and every provider compatible with it (the default). */
    OPENAI,
    /** Anthropic's Messages API: the key goes as {@code x-api-key}, with an {@code anthropic-version}. */
    ANTHROPIC,
    /** Azure OpenAI: OpenAI's bodies at Azure's URLs, the key as {@code api-key}. */
    AZURE;

    /** The spelling used in config files. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
