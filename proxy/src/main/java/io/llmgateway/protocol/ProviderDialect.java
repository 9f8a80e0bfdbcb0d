package io.llmgateway.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * The wire format a provider speaks: where and how a request goes to it, and how its answer is watched for
 * usage. Stateless and shared by every exchange; what one answer needs lives in its {@link AnswerTap}.
 */
public interface ProviderDialect {
    /** The request target at the provider for the client's path after {@code /v1}. */
    String target(String basePath, String pathSuffix);

    /** The header that carries the provider's key, lower case. */
    String keyHeader();

    /** That header's value for {@code apiKey}; computed once per config, not per request. */
    String keyValue(String apiKey);

    /**
     * The body for one attempt, owned by the caller; {@code clientBody} is neither consumed nor released.
     *
     * @param facts what {@link ClientDialect#read} found in this same {@code clientBody}
     * @param alias the model name the provider uses
     * @throws BadRequestException when a dialect that translates finds a request its provider cannot honour
     *     (a field without equivalent): the client gets a 400 naming the field, and nothing is sent
     */
    ByteBuf body(ByteBufAllocator alloc, ByteBuf clientBody, RequestFacts facts, String alias)
            throws BadRequestException;

    /** Whether an answer with these headers is a stream of events (SSE). */
    boolean streams(HttpHeaders answer);

    /** Whether the tap of a streamed answer changes its body's length (it then goes to the client chunked). */
    boolean resizesStream(RequestFacts facts);

    /**
     * A new tap for one answer.
     *
     * @param stream what {@link #streams} said of the answer
     * @param encoding the tokenizer encoding for completion estimates
     */
    AnswerTap tap(boolean stream, RequestFacts facts, String encoding);
}
