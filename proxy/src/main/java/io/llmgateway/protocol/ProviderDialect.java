package io.llmgateway.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.function.BiConsumer;

/**
 * The wire format a provider speaks, for clients of one {@link ClientDialect}: where and how a request goes to
 * it, and how its answer is watched for usage (and translated, when the client speaks another format). One
 * instance per provider and client dialect, made with the config and shared by every exchange; it may hold
 * the provider's options (an api version) but nothing of one request: that lives in its {@link AnswerTap}.
 */
public interface ProviderDialect {
    /** The content type of a stream of server-sent events. */
    String EVENT_STREAM = "text/event-stream";

    /**
     * The request target at the provider.
     *
     * @param basePath the path of the provider's base URL ({@code /v1}, {@code /openai}, or empty)
     * @param pathSuffix the client's path after {@code /v1}, with its query ({@code /chat/completions})
     * @param alias the model name the provider uses (Azure names its deployment in the path)
     */
    String target(String basePath, String pathSuffix, String alias);

    /**
     * The header that carries the provider's key, lower case. It depends on the provider's api only: every
     * dialect of one provider names the same header and gives the same {@link #keyValue}.
     */
    String keyHeader();

    /** That header's value for {@code apiKey}; computed once per config, not per request. */
    String keyValue(String apiKey);

    /**
     * Writes the provider's own request headers (an {@code anthropic-version}) to {@code out} as (name,
     * value). The client's headers that carry credentials or that a dialect writes itself never go to the
     * provider as they are (the server's header policy drops them); a dialect may pass on a value of one
     * from {@code client} here.
     *
     * @param client the client's request headers
     */
    void headers(HttpHeaders client, BiConsumer<String, String> out);

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

    /** Whether {@code answer}'s content type is {@code text/event-stream}: what most dialects' {@link #streams} is. */
    static boolean isEventStream(HttpHeaders answer) {
        String type = answer.get(HttpHeaderNames.CONTENT_TYPE);
        return type != null && type.regionMatches(true, 0, EVENT_STREAM, 0, EVENT_STREAM.length());
    }

    /** Whether an answer with these headers is a stream of events (SSE). */
    boolean streams(HttpHeaders answer);

    /**
     * Whether the tap of an answer changes its body's length: it then goes to the client chunked, whatever
     * length the provider announced.
     *
     * @param stream what {@link #streams} said of the answer
     */
    boolean resizes(boolean stream, RequestFacts facts);

    /**
     * A new tap for one answer.
     *
     * @param stream what {@link #streams} said of the answer
     * @param encoding the tokenizer encoding for completion estimates
     */
    AnswerTap tap(boolean stream, RequestFacts facts, String encoding);
}
