package io.llmgateway.tokens;

import java.util.List;

/** What {@link TokenEstimator} counts of one request: its texts and the framing around them. */
public interface TokenInputs {
    /** The requested completion limit, or -1 when none is set. */
    long maxTokens();

    /** Every piece of prompt text to count. */
    List<String> texts();

    /** Sum of the lengths of {@link #texts()}, in chars. */
    long textChars();

    /** Image content parts; their data is never counted as text. */
    int imageParts();

    /** Messages and input items: each costs a few framing tokens. */
    int messageCount();

    /** Tokens sent pre-tokenized. */
    long extraTokens();
}
