package io.llmgateway.openai;

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
 * Providers of OpenAI's API, for clients of the same API: the body goes as the client sent it, spliced
 * ({@link BodyRewriter}), the answer as the provider sent it, tapped ({@link JsonUsageTap}, {@link SseTap}).
 * A streamed request always asks for usage; the usage event the client did not ask for is taken out again.
 */
public final class OpenAiProviderDialect implements ProviderDialect {

    private final TokenEstimator estimator;

    /** @param estimator counts the deltas of streams that report no usage */
    public OpenAiProviderDialect(TokenEstimator estimator) {
        this.estimator = requireNonNull(estimator, "estimator");
    }

    @Override
    public String target(String basePath, String pathSuffix, String alias) {
        return basePath + pathSuffix;
    }

    @Override
    public String keyHeader() {
        return "authorization";
    }

    @Override
    public String keyValue(String apiKey) {
        return "Bearer " + apiKey;
    }

    /** None: OpenAI's API takes the key and nothing else of the gateway's. */
    @Override
    public void headers(HttpHeaders client, BiConsumer<String, String> out) {}

    /** @param facts a {@link RequestInfo} of {@link OpenAiClientDialect}, whose offsets the splice uses */
    @Override
    public ByteBuf body(ByteBufAllocator alloc, ByteBuf clientBody, RequestFacts facts, String alias) {
        if (!(facts instanceof RequestInfo)) {
            throw new IllegalArgumentException("facts: " + facts + " (expected: read by the OpenAI client dialect)");
        }
        return BodyRewriter.rewrite(alloc, clientBody, (RequestInfo) facts, alias, addsUsage(facts));
    }

    @Override
    public boolean streams(HttpHeaders answer) {
        return ProviderDialect.isEventStream(answer);
    }

    @Override
    public boolean resizes(boolean stream, RequestFacts facts) {
        return stream && addsUsage(facts);
    }

    @Override
    public AnswerTap tap(boolean stream, RequestFacts facts, String encoding) {
        return stream ? new SseTap(addsUsage(facts), estimator, encoding) : new JsonUsageTap();
    }

    /** Whether the gateway asks for the usage of a stream the client asked none of. */
    private static boolean addsUsage(RequestFacts facts) {
        return facts.stream() && !facts.clientIncludeUsage();
    }
}
