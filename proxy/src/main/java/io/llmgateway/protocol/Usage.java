package io.llmgateway.protocol;

/**
 * Token usage of one exchange, as reported by the provider ({@code usage}) or estimated by the gateway.
 *
 * @param promptTokens tokens of the input, cached ones included (Anthropic reports the parts separately: input,
 *     cache creation and cache read tokens are summed here)
 * @param completionTokens tokens generated
 * @param totalTokens what the provider charges against its tokens-per-minute limit (Anthropic does not count
 *     cache reads against it)
 * @param estimated true when the gateway counted them itself because the provider reported none
 * @param cacheCreationTokens of {@code promptTokens}, those written to the provider's prompt cache
 * @param cacheReadTokens of {@code promptTokens}, those read from the provider's prompt cache
 */
public record Usage(
        long promptTokens,
        long completionTokens,
        long totalTokens,
        boolean estimated,
        long cacheCreationTokens,
        long cacheReadTokens) {

    /** Usage without prompt cache tokens. */
    public Usage(long promptTokens, long completionTokens, long totalTokens, boolean estimated) {
        this(promptTokens, completionTokens, totalTokens, estimated, 0, 0);
    }
}
