package io.llmgateway.protocol;

/**
 * Token usage of one exchange, as reported by the provider ({@code usage}) or estimated by the gateway.
 *
 * @param promptTokens tokens of the input
 * @param completionTokens tokens generated
 * @param totalTokens what the provider charges against its tokens-per-minute limit
 * @param estimated true when the gateway counted them itself because the provider reported none
 */
public record Usage(long promptTokens, long completionTokens, long totalTokens, boolean estimated) {}
