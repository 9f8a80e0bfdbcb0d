package io.llmgateway.protocol;

import io.llmgateway.tokens.TokenInputs;

/**
 * What the gateway needs from a client's request, whatever its wire format: the model to route, the kind of
 * answer, and the inputs of the token estimate ({@link TokenInputs}). A client dialect reads it once
 * ({@link ClientDialect#read}).
 */
public interface RequestFacts extends TokenInputs {
    /** The model the client asked for (never empty). */
    String model();

    /** Whether the client asked for a streamed (SSE) answer. */
    boolean stream();

    /** Whether the client itself asked for the usage of a streamed answer. */
    boolean clientIncludeUsage();
}
