package io.llmgateway.testing;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** Records each request of one connection and hands it to a {@link MockExchange}. */
final class MockHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private final MockProvider upstream;
    private final int connectionId;

    MockHandler(MockProvider upstream, int connectionId) {
        this.upstream = upstream;
        this.connectionId = connectionId;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            ctx.close();
            return;
        }
        String body = request.content().toString(StandardCharsets.UTF_8);
        if (upstream.recording()) {
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            request.headers().forEach(h -> headers.merge(h.getKey(), h.getValue(), (a, b) -> a + ", " + b));
            upstream.record(new RecordedRequest(
                    request.method().name(), request.uri(), Collections.unmodifiableMap(headers), body, connectionId));
        }
        RequestFacts facts = RequestFacts.parse(body);
        Behaviour behaviour = upstream.nextBehaviour().resolve(facts);
        new MockExchange(ctx, behaviour, facts, HttpUtil.isKeepAlive(request), upstream.nextAnswerId()).start();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Resets by the gateway are part of the tests; nothing to report.
        ctx.close();
    }
}
