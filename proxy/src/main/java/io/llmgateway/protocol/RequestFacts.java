package io.llmgateway.protocol;

import java.util.List;

/**
 * What the gateway needs from a client's request, whatever its wire format: the model to route, the kind of
 * answer, and the inputs of the token estimate. A client dialect reads it once ({@link ClientDialect#read}).
 */
public interface RequestFacts {
    /** The model the client asked for (never empty). */
    String model();

    /** Whether the client asked for a streamed (SSE) answer. */
    boolean stream();

    /** Whether the client itself asked for the usage of a streamed answer. */
    boolean clientIncludeUsage();

    /** The most output tokens the client allows, or -1 when it set no bound. */
    long maxTokens();

    /** Every piece of prompt text to count. */
    List<String> texts();

    /** The sum of the lengths of {@link #texts()}, in chars. */
    long textChars();

    /** Image inputs; their data is never counted as text. */
    int imageParts();

    /** Messages or input items: each costs a few framing tokens. */
    int messageCount();

    /** Tokens the client sent pre-tokenized. */
    long extraTokens();
}
