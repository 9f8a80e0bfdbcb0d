package io.llmgateway.anthropic;

import static java.util.Objects.requireNonNull;

import io.llmgateway.protocol.AnswerTap;
import io.llmgateway.protocol.ProviderDialect;
import io.llmgateway.protocol.RequestFacts;
import io.llmgateway.tokens.TokenEstimator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.function.BiConsumer;

/**
 * Providers of Anthropic's Messages API, for clients of the same API: the body goes as the client sent it with
 * only {@code model} spliced ({@link ModelSplice}), the key as {@code x-api-key}, the answer as the provider sent
 * it, tapped for its usage ({@link AnthropicJsonTap}, {@link AnthropicSseTap}). The client's
 * {@code anthropic-version} and {@code anthropic-beta} headers go along; the provider's configured version is
 * sent when the client names none. One instance per provider (its version), shared by its exchanges.
 */
public final class AnthropicProviderDialect implements ProviderDialect {
    static final String VERSION_HEADER = "anthropic-version";
    static final String BETA_HEADER = "anthropic-beta";

    private final TokenEstimator estimator;
    private final String version;

    /**
     * @param estimator counts the deltas of streams that end without usage
     * @param version the provider's {@code anthropic_version}
     */
    public AnthropicProviderDialect(TokenEstimator estimator, String version) {
        this.estimator = requireNonNull(estimator, "estimator");
        this.version = requireNonNull(version, "version");
    }

    /** The client's path after {@code /v1} ({@code /messages}, {@code /messages/count_tokens}) under the base. */
    @Override
    public String target(String basePath, String pathSuffix, String alias) {
        return basePath + pathSuffix;
    }

    @Override
    public String keyHeader() {
        return "x-api-key";
    }

    @Override
    public String keyValue(String apiKey) {
        return apiKey;
    }

    /**
     * {@code anthropic-version}: the client's, else the provider's configured one; {@code anthropic-beta}: the
     * client's flags, as sent.
     */
    @Override
    public void headers(HttpHeaders client, BiConsumer<String, String> out) {
        String clientVersion = client.get(VERSION_HEADER);
        out.accept(VERSION_HEADER, clientVersion != null ? clientVersion : version);
        for (String beta : client.getAll(BETA_HEADER)) {
            out.accept(BETA_HEADER, beta);
        }
    }

    /** @param facts a {@link MessagesRequest} of {@link AnthropicClientDialect}, whose offsets the splice uses */
    @Override
    public ByteBuf body(ByteBufAllocator alloc, ByteBuf clientBody, RequestFacts facts, String alias) {
        if (!(facts instanceof MessagesRequest)) {
            throw new IllegalArgumentException("facts: " + facts + " (expected: read by the Anthropic client dialect)");
        }
        return ModelSplice.splice(alloc, clientBody, (MessagesRequest) facts, alias);
    }

    @Override
    public boolean streams(HttpHeaders answer) {
        return ProviderDialect.isEventStream(answer);
    }

    /** Never: the answer passes through unchanged. */
    @Override
    public boolean resizes(boolean stream, RequestFacts facts) {
        return false;
    }

    @Override
    public AnswerTap tap(boolean stream, RequestFacts facts, String encoding) {
        return stream ? new AnthropicSseTap(estimator, encoding) : new AnthropicJsonTap();
    }
}
