package io.llmgateway.trace;

import io.llmgateway.config.ProviderApi;
import io.llmgateway.config.ProviderConfig;
import java.util.Locale;

/** Names from the GenAI semantic conventions: the operation of a path, the provider of a config entry. */
final class GenAi {
    private GenAi() {}

    /** {@code gen_ai.operation.name} of a request to {@code pathAfterV1}. */
    static String operation(String pathAfterV1) {
        if (pathAfterV1.startsWith("/embeddings")) {
            return "embeddings";
        }
        if (pathAfterV1.startsWith("/completions")) {
            return "text_completion";
        }
        return "chat";
    }

    /**
     * {@code gen_ai.provider.name}: Anthropic and Azure by their wire format, an OpenAI-compatible provider by its
     * well-known host, {@code openai} for any other (it speaks OpenAI's API).
     */
    static String provider(ProviderConfig p) {
        if (p.api() == ProviderApi.ANTHROPIC) {
            return "anthropic";
        }
        if (p.api() == ProviderApi.AZURE) {
            return "azure.ai.openai";
        }
        String host = p.baseUrl().getHost() == null ? "" : p.baseUrl().getHost().toLowerCase(Locale.ROOT);
        if (host.endsWith("googleapis.com")) {
            return host.contains("aiplatform") ? "gcp.vertex_ai" : "gcp.gemini";
        }
        if (host.endsWith("amazonaws.com")) {
            return "aws.bedrock";
        }
        if (host.endsWith("groq.com")) {
            return "groq";
        }
        if (host.endsWith("mistral.ai")) {
            return "mistral_ai";
        }
        if (host.endsWith("deepseek.com")) {
            return "deepseek";
        }
        if (host.endsWith("x.ai")) {
            return "x_ai";
        }
        if (host.endsWith("perplexity.ai")) {
            return "perplexity";
        }
        if (host.endsWith("cohere.com") || host.endsWith("cohere.ai")) {
            return "cohere";
        }
        if (host.endsWith("azure.com")) {
            return "azure.ai.inference";
        }
        return "openai";
    }
}
