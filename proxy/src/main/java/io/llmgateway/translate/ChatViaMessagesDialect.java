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
import java.time.Clock;
import java.util.function.BiConsumer;

/**
 * Anthropic providers ({@code api: anthropic}) for clients of OpenAI's Chat Completions API: the request is
 * written as a Messages API request ({@link ChatViaMessagesRequest}), which may refuse what the provider cannot
 * honour, and sent to {@code {base_url}/messages} with the key as {@code x-api-key}; the answer is written back
 * as a {@code chat.completion} ({@link ChatViaMessagesJsonTap}) or as chunks ({@link ChatViaMessagesStreamTap}).
 * One instance per provider, holding its settings.
 */
public final class ChatViaMessagesDialect implements ProviderDialect {

    private final TokenEstimator estimator;
    private final Clock clock;
    private final String anthropicVersion;
    private final long defaultMaxTokens;

    /**
     * @param clock the clock of the answers' {@code created}
     * @param anthropicVersion the {@code anthropic-version} header sent to the provider
     * @param defaultMaxTokens {@code max_tokens} when the client sets no limit (the Messages API needs one)
     */
    public ChatViaMessagesDialect(
            TokenEstimator estimator, Clock clock, String anthropicVersion, long defaultMaxTokens) {
        this.estimator = requireNonNull(estimator, "estimator");
        this.clock = requireNonNull(clock, "clock");
        this.anthropicVersion = requireNonNull(anthropicVersion, "anthropicVersion");
        if (defaultMaxTokens < 1) {
            throw new IllegalArgumentException("defaultMaxTokens: " + defaultMaxTokens + " (expected: >= 1)");
        }
        this.defaultMaxTokens = defaultMaxTokens;
    }

    /** The Messages endpoint, whatever the client's path (only chat completions are translated). */
    @Override
    public String target(String basePath, String pathSuffix, String alias) {
        return basePath + "/messages";
    }

    @Override
    public String keyHeader() {
        return "x-api-key";
    }

    @Override
    public String keyValue(String apiKey) {
        return apiKey;
    }

    /** The provider's configured {@code anthropic-version}: an OpenAI client sends none of its own. */
    @Override
    public void headers(HttpHeaders client, BiConsumer<String, String> out) {
        out.accept("anthropic-version", anthropicVersion);
    }

    @Override
    public ByteBuf body(ByteBufAllocator alloc, ByteBuf clientBody, RequestFacts facts, String alias)
            throws BadRequestException {
        return ChatViaMessagesRequest.translate(alloc, clientBody, alias, defaultMaxTokens);
    }

    @Override
    public boolean streams(HttpHeaders answer) {
        return ProviderDialect.isEventStream(answer);
    }

    /** A translated answer, JSON or stream, never keeps the provider's length. */
    @Override
    public boolean resizes(boolean stream, RequestFacts facts) {
        return true;
    }

    @Override
    public AnswerTap tap(boolean stream, RequestFacts facts, String encoding) {
        long created = clock.millis() / 1000;
        return stream
                ? new ChatViaMessagesStreamTap(facts.model(), created, facts.clientIncludeUsage(), estimator, encoding)
                : new ChatViaMessagesJsonTap(facts.model(), created);
    }
}
