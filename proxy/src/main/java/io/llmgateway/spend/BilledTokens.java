package io.llmgateway.spend;

/**
 * The tokens of one answer as a provider bills them. The two dialects count the prompt differently, and this
 * shape keeps both without conversion:
 * <ul>
 * <li>OpenAI: {@code prompt_tokens} is every prompt token, and {@code prompt_tokens_details.cached_tokens}
 *     of them were read from the prompt cache: {@code input} = prompt_tokens, {@code cachedInput} =
 *     cached_tokens (a part of {@code input}).</li>
 * <li>Anthropic: {@code input_tokens} leaves out the cache; {@code cache_read_input_tokens} and
 *     {@code cache_creation_input_tokens} come on top: {@code input} = input_tokens, {@code cacheRead},
 *     {@code cacheWrite} (not part of {@code input}).</li>
 * </ul>
 * Output counts every generated token: OpenAI's {@code completion_tokens} include
 * {@code completion_tokens_details.reasoning_tokens}, Anthropic's {@code output_tokens} include thinking.
 *
 * @param input prompt tokens billed at the input price, or at the cached-input price for {@code cachedInput}
 * @param cachedInput of {@code input}, the tokens read from OpenAI's prompt cache
 * @param cacheRead tokens read from Anthropic's prompt cache, besides {@code input}
 * @param cacheWrite tokens written to Anthropic's prompt cache, besides {@code input}
 * @param output generated tokens, reasoning included
 */
public record BilledTokens(long input, long cachedInput, long cacheRead, long cacheWrite, long output) {
    public static final BilledTokens NONE = new BilledTokens(0, 0, 0, 0, 0);

    public BilledTokens {
        requireCount(input, "input");
        requireCount(cachedInput, "cachedInput");
        requireCount(cacheRead, "cacheRead");
        requireCount(cacheWrite, "cacheWrite");
        requireCount(output, "output");
        if (cachedInput > input) {
            throw new IllegalArgumentException(
                    "cachedInput: " + cachedInput + " (expected: <= input " + input + ", of which it is a part)");
        }
    }

    /**
     * OpenAI's usage ({@code reasoning_tokens} are part of {@code completionTokens}). Values as a provider
     * reported them: a negative count is taken as 0, and cached tokens as at most the prompt.
     */
    public static BilledTokens openAi(long promptTokens, long cachedTokens, long completionTokens) {
        long prompt = Math.max(0, promptTokens);
        return new BilledTokens(
                prompt, Math.min(prompt, Math.max(0, cachedTokens)), 0, 0, Math.max(0, completionTokens));
    }

    /** Anthropic's usage; a negative count (a provider's mistake) is taken as 0. */
    public static BilledTokens anthropic(
            long inputTokens, long cacheReadTokens, long cacheWriteTokens, long outputTokens) {
        return new BilledTokens(
                Math.max(0, inputTokens),
                0,
                Math.max(0, cacheReadTokens),
                Math.max(0, cacheWriteTokens),
                Math.max(0, outputTokens));
    }

    /** Every prompt token, cached or not. */
    public long promptTokens() {
        return input + cacheRead + cacheWrite;
    }

    private static void requireCount(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
        }
    }
}
