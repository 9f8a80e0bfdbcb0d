package io.llmgateway.translate;

import static java.util.Objects.requireNonNull;

import io.llmgateway.protocol.AnswerTap;
import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.protocol.ProviderDialect;
import io.llmgateway.protocol.RequestFacts;
import io.llmgateway.tokens.TokenEstimator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.function.BiConsumer;

/**
 * An OpenAI-format provider (OpenAI, Azure OpenAI, Gemini's OpenAI endpoint, ...) for an Anthropic Messages
 * client: the request is translated to Chat Completions ({@link MessagesViaChatRequest}), the answer back
 * ({@link MessagesViaChatJsonTap}, {@link MessagesViaChatStreamTap}). Where the request goes and how the key
 * is sent are the Chat dialect's ({@code chat}: the provider's own), always to its chat completions target.
 */
public final class MessagesViaChatDialect implements ProviderDialect {
    static final String CHAT_COMPLETIONS = "/chat/completions";

    private final ProviderDialect chat;
    private final TokenEstimator estimator;

    /**
     * @param chat the provider's own dialect, for its URL, key header and stream detection
     * @param estimator counts the deltas of streams that report no usage
     */
    public MessagesViaChatDialect(ProviderDialect chat, TokenEstimator estimator) {
        this.chat = requireNonNull(chat, "chat");
        this.estimator = requireNonNull(estimator, "estimator");
    }

    /** The provider's chat completions target, whatever the client's path ({@code /messages}). */
    @Override
    public String target(String basePath, String pathSuffix, String alias) {
        return chat.target(basePath, CHAT_COMPLETIONS, alias);
    }

    @Override
    public String keyHeader() {
        return chat.keyHeader();
    }

    @Override
    public String keyValue(String apiKey) {
        return chat.keyValue(apiKey);
    }

    /** The provider's own headers; an Anthropic client's {@code anthropic-*} headers mean nothing to it. */
    @Override
    public void headers(HttpHeaders client, BiConsumer<String, String> out) {
        chat.headers(client, out);
    }

    /** @throws BadRequestException when the request asks for something an OpenAI-format provider cannot do */
    @Override
    public ByteBuf body(ByteBufAllocator alloc, ByteBuf clientBody, RequestFacts facts, String alias)
            throws BadRequestException {
        return MessagesViaChatRequest.translate(alloc, clientBody, alias);
    }

    @Override
    public boolean streams(HttpHeaders answer) {
        return chat.streams(answer);
    }

    /** The translation changes the answer's length, streamed or not. */
    @Override
    public boolean resizes(boolean stream, RequestFacts facts) {
        return true;
    }

    @Override
    public AnswerTap tap(boolean stream, RequestFacts facts, String encoding) {
        return stream
                ? new MessagesViaChatStreamTap(facts.model(), estimator, encoding)
                : new MessagesViaChatJsonTap(facts.model());
    }
}
