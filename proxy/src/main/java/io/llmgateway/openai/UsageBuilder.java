package io.llmgateway.openai;

import io.llmgateway.protocol.Usage;

/**
 * Collects the numeric fields of one {@code usage} object. Chat/completions/embeddings use
 * {@code prompt_tokens}/{@code completion_tokens}, the Responses API {@code input_tokens}/
 * {@code output_tokens}; both have {@code total_tokens}.
 */
final class UsageBuilder {
    private long prompt = -1;
    private long completion = -1;
    private long total = -1;
    private long cached = -1;

    void reset() {
        prompt = -1;
        completion = -1;
        total = -1;
        cached = -1;
    }

    void accept(String field, long value) {
        if (value < 0) {
            return;
        }
        switch (field) {
            case "prompt_tokens", "input_tokens" -> prompt = value;
            case "completion_tokens", "output_tokens" -> completion = value;
            case "total_tokens" -> total = value;
            case "cached_tokens" -> cached = value; // of prompt_tokens_details (input_tokens_details)
            default -> {
                // details objects and unknown counters do not change what we charge
            }
        }
    }

    /** The usage read so far, or {@code null} when the object had none of the known counters. */
    Usage build() {
        if (prompt < 0 && completion < 0 && total < 0) {
            return null;
        }
        long p = Math.max(prompt, 0);
        long c = Math.max(completion, 0);
        // Cached prompt tokens are the part of the prompt read from the provider's cache, as Usage counts them.
        return new Usage(p, c, total >= 0 ? total : p + c, false, 0, Math.min(Math.max(cached, 0), p));
    }
}
