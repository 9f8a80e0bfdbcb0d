package io.llmgateway.anthropic;

import static java.util.Objects.requireNonNull;

import io.llmgateway.protocol.AnswerTap;
import io.llmgateway.protocol.ProviderDialect;
import io.llmgateway.protocol.RequestFacts;
import io.llmgateway.tokens.TokenEstimator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpHeaderNames;
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
    /** The version sent when neither the client nor the config names one. */
    public static final String DEFAULT_VERSION = "2023-06-01";

    static final String VERSION_HEADER = "anthropic-version";
    private static final String EVENT_STREAM = "text/event-stream";

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
    public String target(String basePath, String pathSuffix) {
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

    /** The version header unless the client sent its own (which goes along with its other headers). */
    public void headers(HttpHeaders client, BiConsumer<String, String> out) {
        if (!client.contains(VERSION_HEADER)) {
            out.accept(VERSION_HEADER, version);
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
        String type = answer.get(HttpHeaderNames.CONTENT_TYPE);
        return type != null && type.regionMatches(true, 0, EVENT_STREAM, 0, EVENT_STREAM.length());
    }

    /** Never: the answer passes through unchanged. */
    @Override
    public boolean resizesStream(RequestFacts facts) {
        return false;
    }

    @Override
    public AnswerTap tap(boolean stream, RequestFacts facts, String encoding) {
        return stream ? new AnthropicSseTap(estimator, encoding) : new AnthropicJsonTap();
    }
}
