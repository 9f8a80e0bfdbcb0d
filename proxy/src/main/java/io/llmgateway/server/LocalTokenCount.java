package io.llmgateway.server;

import io.llmgateway.anthropic.AnthropicClientDialect;
import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.protocol.RequestFacts;
import io.llmgateway.protocol.Usage;
import io.llmgateway.route.RouteScope;
import io.llmgateway.tokens.TokenInputs;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;

/**
 * {@code POST /v1/messages/count_tokens} for a model that no Anthropic provider serves: the gateway counts the
 * input itself, with the model's tokenizer (as for its own estimates), and answers in Anthropic's format. A model
 * with an Anthropic provider is proxied to it instead (only Anthropic providers have a dialect for these
 * requests), and so is every request this class cannot answer well (a bad body, a model the key may not use or
 * the gateway does not serve): the exchange then answers the error.
 */
final class LocalTokenCount {
    /** The path its records name, after {@code /v1} as a proxied request's. */
    private static final String PATH_SUFFIX = "/messages/count_tokens";

    private LocalTokenCount() {}

    /**
     * The request, read, when the gateway answers it itself; null when it is to be proxied.
     *
     * @param key the client's key, or null when client keys are not configured
     */
    static RequestFacts counted(Gateway gateway, String path, FullHttpRequest request, ClientKeys.Key key) {
        if (gateway.clientDialect(path) != AnthropicClientDialect.COUNT_TOKENS) {
            return null;
        }
        RequestFacts facts;
        try {
            facts = AnthropicClientDialect.COUNT_TOKENS.read(request.content());
        } catch (BadRequestException e) {
            return null;
        }
        String model = facts.model();
        if (key != null && !key.mayUse(model) || !gateway.router().servesModel(model)) {
            return null;
        }
        Gateway.Snapshot snapshot = gateway.snapshot();
        RouteScope anthropic = RouteScope.of(key == null ? null : key.modelFilter, null)
                .withProviders(snapshot.servable(AnthropicClientDialect.COUNT_TOKENS));
        return anthropic.restrictsProviders() && anthropic.reaches(snapshot.config, model) ? null : facts;
    }

    /**
     * Counts {@code facts}' input and answers {@code {"input_tokens":N}}, records the request like a proxied one
     * (the count as its prompt tokens, estimated, as nothing was billed), releases {@code request}; then runs
     * {@code onDone}.
     *
     * @param key the client's key, or null when client keys are not configured
     */
    static void answer(
            ChannelHandlerContext ctx,
            Gateway gateway,
            RequestFacts facts,
            FullHttpRequest request,
            ClientKeys.Key key,
            boolean keepAlive,
            String requestId,
            Runnable onDone) {
        ExchangeRecord record = ExchangeRecord.start(
                gateway, gateway.snapshot(), requestId, key == null ? null : new ClientQuota(key), PATH_SUFFIX);
        record.request(request.content());
        request.release();
        String model = facts.model();
        gateway.estimator()
                .estimate(new InputOnly(facts), gateway.snapshot().configuredEncoding(model), model)
                .whenComplete((tokens, error) -> OnLoop.run(
                        ctx.executor(),
                        () -> {
                            if (error != null || tokens == null) {
                                String message = "The gateway could not count the tokens.";
                                record.replied(500, AnthropicClientDialect.COUNT_TOKENS.errorType(500), message);
                                FullHttpResponse failure = AnthropicClientDialect.COUNT_TOKENS.error(
                                        ctx.alloc(), 500, message, null, null);
                                Responses.timing(failure, record.serverTiming());
                                Responses.send(ctx, failure, keepAlive, requestId);
                            } else {
                                String json = "{\"input_tokens\":" + tokens + "}";
                                record.answered(200);
                                record.settled(new Usage(tokens, 0, tokens, true));
                                record.answerEnded(record.bodyCap() > 0 ? json : null);
                                Responses.json(
                                        ctx,
                                        HttpResponseStatus.OK,
                                        json,
                                        keepAlive,
                                        requestId,
                                        false,
                                        record.serverTiming());
                            }
                            gateway.observers().onComplete(record.toRecord(model, false, null, 0));
                            onDone.run();
                        },
                        onDone));
    }

    /** The request's inputs without its completion bound: the count is of the input alone. */
    private record InputOnly(TokenInputs facts) implements TokenInputs {
        @Override
        public long maxTokens() {
            return -1;
        }

        @Override
        public List<String> texts() {
            return facts.texts();
        }

        @Override
        public long textChars() {
            return facts.textChars();
        }

        @Override
        public int imageParts() {
            return facts.imageParts();
        }

        @Override
        public int messageCount() {
            return facts.messageCount();
        }

        @Override
        public long extraTokens() {
            return facts.extraTokens();
        }
    }
}
