package io.llmgateway.demo;

import io.llmgateway.demo.DemoRequest.EmbeddingInput;
import io.llmgateway.demo.DemoRequest.Message;
import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.util.JsonStrings;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Routes the demo's OpenAI endpoints. Everything is computed from the request alone, so an answer
 * is ready at once; only streaming takes time, and that is scheduled, never slept.
 */
final class DemoHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    static final Duration TOKEN_PACE = Duration.ofMillis(25);
    static final int EMBEDDING_DIMENSIONS = 8;
    private static final int MAX_EMBEDDING_DIMENSIONS = 256;

    private final Clock clock;
    private final AtomicLong ids;

    DemoHandler(Clock clock, AtomicLong ids) {
        this.clock = clock;
        this.ids = ids;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (request.decoderResult().isFailure()) {
            send(
                    ctx,
                    HttpResponseStatus.BAD_REQUEST,
                    DemoBodies.error("Malformed HTTP request.", "invalid_request_error", null, null),
                    false);
            return;
        }
        String uri = request.uri();
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        HttpMethod method = request.method();
        try {
            if (HttpMethod.GET.equals(method) && "/v1/models".equals(path)) {
                send(ctx, HttpResponseStatus.OK, DemoBodies.models(DemoProvider.MODELS, now()), keepAlive);
            } else if (HttpMethod.POST.equals(method) && "/v1/chat/completions".equals(path)) {
                chat(ctx, DemoRequest.parse(request.content()), keepAlive);
            } else if (HttpMethod.POST.equals(method) && "/v1/completions".equals(path)) {
                completions(ctx, DemoRequest.parse(request.content()), keepAlive);
            } else if (HttpMethod.POST.equals(method) && "/v1/embeddings".equals(path)) {
                embeddings(ctx, DemoRequest.parse(request.content()), keepAlive);
            } else if (HttpMethod.POST.equals(method) && "/v1/messages".equals(path)) {
                messages(ctx, request, false, keepAlive);
            } else if (HttpMethod.POST.equals(method) && "/v1/messages/count_tokens".equals(path)) {
                messages(ctx, request, true, keepAlive);
            } else if (HttpMethod.POST.equals(method) && "/v1/responses".equals(path)) {
                responses(ctx, DemoRequest.parse(request.content()), keepAlive);
            } else {
                send(
                        ctx,
                        HttpResponseStatus.NOT_FOUND,
                        DemoBodies.error(
                                "Invalid URL (" + method + ' ' + path + ')', "invalid_request_error", null, null),
                        keepAlive);
            }
        } catch (BadRequestException e) {
            send(
                    ctx,
                    HttpResponseStatus.BAD_REQUEST,
                    DemoBodies.error(e.getMessage(), "invalid_request_error", e.param(), null),
                    keepAlive);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Only I/O errors of a client that went away can get here; there is nothing to answer.
        ctx.close();
    }

    private void chat(ChannelHandlerContext ctx, DemoRequest request, boolean keepAlive) throws BadRequestException {
        String model = request.model();
        boolean stream = request.stream();
        boolean includeUsage = stream && request.includeUsage();
        List<Message> messages = request.messages();
        String reply = DemoText.reply(lastUserText(messages));
        long prompt = DemoText.promptTokens(messages.stream().map(Message::text).toList());
        List<String> tokens = DemoText.tokens(reply);
        long completion = tokens.size();
        String id = "chatcmpl-demo-" + ids.incrementAndGet();
        long created = now();
        if (!stream) {
            send(
                    ctx,
                    HttpResponseStatus.OK,
                    DemoBodies.chatCompletion(id, created, model, reply, prompt, completion),
                    keepAlive);
            return;
        }
        List<String> events = new ArrayList<>(tokens.size() + 3);
        events.add(DemoBodies.chatChunk(
                id, created, model, "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", null, includeUsage));
        for (String token : tokens) {
            events.add(DemoBodies.chatChunk(
                    id, created, model, "{\"content\":" + JsonStrings.quote(token) + '}', null, includeUsage));
        }
        events.add(DemoBodies.chatChunk(id, created, model, "{}", "stop", includeUsage));
        if (includeUsage) {
            events.add(DemoBodies.usageChunk(id, created, model, "chat.completion.chunk", prompt, completion));
        }
        DemoStream.start(ctx, events, TOKEN_PACE, keepAlive);
    }

    private void completions(ChannelHandlerContext ctx, DemoRequest request, boolean keepAlive)
            throws BadRequestException {
        String model = request.model();
        boolean stream = request.stream();
        boolean includeUsage = stream && request.includeUsage();
        List<String> prompts = request.prompts();
        String reply = DemoText.reply(prompts.get(prompts.size() - 1));
        long prompt = DemoText.promptTokens(prompts);
        List<String> tokens = DemoText.tokens(reply);
        String id = "cmpl-demo-" + ids.incrementAndGet();
        long created = now();
        if (!stream) {
            send(
                    ctx,
                    HttpResponseStatus.OK,
                    DemoBodies.completion(id, created, model, reply, prompt, tokens.size()),
                    keepAlive);
            return;
        }
        List<String> events = new ArrayList<>(tokens.size() + 2);
        for (String token : tokens) {
            events.add(DemoBodies.completionChunk(id, created, model, token, null, includeUsage));
        }
        events.add(DemoBodies.completionChunk(id, created, model, "", "stop", includeUsage));
        if (includeUsage) {
            events.add(DemoBodies.usageChunk(id, created, model, "text_completion", prompt, tokens.size()));
        }
        DemoStream.start(ctx, events, TOKEN_PACE, keepAlive);
    }

    private void embeddings(ChannelHandlerContext ctx, DemoRequest request, boolean keepAlive)
            throws BadRequestException {
        String model = request.model();
        List<EmbeddingInput> inputs = request.embeddingInputs();
        boolean base64 = request.base64Encoding();
        int dimensions = request.dimensions(EMBEDDING_DIMENSIONS, MAX_EMBEDDING_DIMENSIONS);
        List<float[]> vectors = new ArrayList<>(inputs.size());
        long tokens = 0;
        for (EmbeddingInput input : inputs) {
            vectors.add(DemoBodies.vector(input.text(), dimensions));
            tokens += input.tokens();
        }
        send(ctx, HttpResponseStatus.OK, DemoBodies.embeddings(model, vectors, base64, Math.max(1, tokens)), keepAlive);
    }

    /** Anthropic's Messages API: a message, its stream, or {@code count_tokens}; errors in Anthropic's shape. */
    private void messages(ChannelHandlerContext ctx, FullHttpRequest http, boolean countTokens, boolean keepAlive) {
        String model;
        boolean stream;
        List<Message> messages;
        try {
            DemoRequest request = DemoRequest.parse(http.content());
            model = request.model();
            stream = !countTokens && request.stream();
            messages = request.messages();
        } catch (BadRequestException e) {
            send(
                    ctx,
                    HttpResponseStatus.BAD_REQUEST,
                    DemoMessages.error("invalid_request_error", e.getMessage()),
                    keepAlive);
            return;
        }
        long prompt = DemoText.promptTokens(messages.stream().map(Message::text).toList());
        if (countTokens) {
            send(ctx, HttpResponseStatus.OK, DemoMessages.countTokens(prompt), keepAlive);
            return;
        }
        String reply = DemoText.reply(lastUserText(messages));
        List<String> tokens = DemoText.tokens(reply);
        String id = "msg_demo" + ids.incrementAndGet();
        if (stream) {
            DemoStream.startComplete(ctx, DemoMessages.events(id, model, tokens, prompt), TOKEN_PACE, keepAlive);
        } else {
            send(ctx, HttpResponseStatus.OK, DemoMessages.message(id, model, reply, prompt, tokens.size()), keepAlive);
        }
    }

    private void responses(ChannelHandlerContext ctx, DemoRequest request, boolean keepAlive)
            throws BadRequestException {
        String model = request.model();
        if (request.stream()) {
            throw new BadRequestException(
                    "The demo provider does not stream /v1/responses; send \"stream\": false "
                            + "or configure a real provider in config.yaml.",
                    "stream");
        }
        List<Message> input = request.responsesInput();
        String reply = DemoText.reply(lastUserText(input));
        long prompt = DemoText.promptTokens(input.stream().map(Message::text).toList());
        send(
                ctx,
                HttpResponseStatus.OK,
                DemoBodies.response(
                        "resp_demo" + ids.incrementAndGet(),
                        now(),
                        model,
                        reply,
                        prompt,
                        DemoText.tokens(reply).size()),
                keepAlive);
    }

    private static String lastUserText(List<Message> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if ("user".equals(messages.get(i).role())) {
                return messages.get(i).text();
            }
        }
        return "";
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    private static void send(ChannelHandlerContext ctx, HttpResponseStatus status, String json, boolean keepAlive) {
        FullHttpResponse response =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, ByteBufUtil.writeUtf8(ctx.alloc(), json));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        HttpUtil.setContentLength(response, response.content().readableBytes());
        HttpUtil.setKeepAlive(response, keepAlive);
        ctx.writeAndFlush(response)
                .addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
    }
}
