package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.UpstreamSettings;
import io.llmgateway.openai.OpenAiClientDialect;
import io.llmgateway.openai.OpenAiProviderDialect;
import io.llmgateway.protocol.AnswerTap;
import io.llmgateway.protocol.ProviderDialect;
import io.llmgateway.protocol.RequestFacts;
import io.llmgateway.protocol.Usage;
import io.llmgateway.route.Attempt;
import io.llmgateway.route.Router;
import io.llmgateway.tokens.TokenEstimator;
import io.llmgateway.upstream.UpstreamClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Ticker;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A JSON answer whose tap changes its length (a translated answer): the client must get it framed by what is
 * sent, not by the length the provider announced.
 */
class ResizedAnswerTest {
    private static final String YAML = "api_provider:\n  p:\n    base_url: http://127.0.0.1:1/v1\n"
            + "model_config:\n  m:\n    p: {alias: m-alias}\n";

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final UpstreamClient pools = new UpstreamClient(UpstreamSettings.DEFAULT, Ticker.systemTicker());
    private AnswerRelay relay;
    private AnswerReader reader;

    @AfterEach
    void close() {
        if (reader != null) {
            reader.reset();
        }
        channel.finishAndReleaseAll();
        pools.close();
    }

    private AnswerReader reader(HttpVersion clientVersion) throws Exception {
        GatewayConfig config = ConfigLoader.parse(YAML, Map.of());
        Router router = new Router(config, Clock.systemUTC());
        channel.pipeline().addLast(GatewayInitializer.ENCODER, new HttpResponseEncoder());
        channel.pipeline().addLast("front", new ChannelInboundHandlerAdapter());
        ChannelHandlerContext ctx = channel.pipeline().context("front");
        TokenEstimator estimator = new TokenEstimator(Runnable::run);
        Gateway.Snapshot snapshot = new Gateway.Snapshot(config, Clock.systemUTC(), ClientKeys.NONE, estimator);
        relay = new AnswerRelay(ctx, router, clientVersion, true, "req-1");
        ExchangeRecord record = new ExchangeRecord(Ticker.systemTicker(), 0, "req-1", null, "/chat/completions", 0);
        ExchangeTimer timer = new ExchangeTimer(channel.eventLoop(), Ticker.systemTicker(), () -> {});
        UpstreamLeg leg = new UpstreamLeg(channel.eventLoop(), pools, new UnusedLegOwner(), "req-1");
        reader = new AnswerReader(ctx.alloc(), snapshot, relay, record, timer, leg);
        RequestFacts info = OpenAiClientDialect.INSTANCE.read(HeadText.wire("{\"model\":\"m\",\"messages\":[]}"));
        Attempt attempt = (Attempt) router.admit("m", 10, Set.of());
        reader.begin(info, attempt, new Wrapping(new OpenAiProviderDialect(estimator)));
        return reader;
    }

    private static HttpResponse jsonHead(int length) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set("content-type", "application/json").set("content-length", length);
        return head;
    }

    private void relayAnswer(AnswerReader r) {
        assertTrue(r.head(jsonHead(9)));
        assertFalse(r.content(new DefaultHttpContent(HeadText.wire("{\"a\":"))));
        assertTrue(r.content(new DefaultLastHttpContent(HeadText.wire("\"b\"}"))));
        relay.flush();
    }

    @Test
    void http11_goesChunked_withoutTheProvidersLength() throws Exception {
        relayAnswer(reader(HttpVersion.HTTP_1_1));

        String out = HeadText.outbound(channel).toLowerCase(java.util.Locale.ROOT);
        assertTrue(out.startsWith("http/1.1 200 ok\r\n"), out);
        assertTrue(out.contains("\r\ntransfer-encoding: chunked\r\n"), out);
        assertFalse(out.contains("content-length"), out);
        String body = "{\"wrapped\":{\"a\":\"b\"}}";
        assertTrue(
                out.endsWith("\r\n\r\n" + Integer.toHexString(body.length()) + "\r\n" + body + "\r\n0\r\n\r\n"), out);
        assertFalse(relay.lengthAnnounced());
    }

    @Test
    void http10_goesRawAndEndsByClosing() throws Exception {
        relayAnswer(reader(HttpVersion.HTTP_1_0));

        String out = HeadText.outbound(channel).toLowerCase(java.util.Locale.ROOT);
        assertTrue(out.startsWith("http/1.0 200 ok\r\n"), out);
        assertFalse(out.contains("content-length"), out);
        assertFalse(out.contains("chunked"), out);
        assertTrue(out.endsWith("\r\n\r\n{\"wrapped\":{\"a\":\"b\"}}"), out);
        assertTrue(relay.closesAfter());
    }

    /** OpenAI's dialect whose JSON answers are held whole and sent wrapped in another object at the end. */
    private static final class Wrapping implements ProviderDialect {
        private final ProviderDialect openai;

        Wrapping(ProviderDialect openai) {
            this.openai = openai;
        }

        @Override
        public String target(String basePath, String pathSuffix, String alias) {
            return openai.target(basePath, pathSuffix, alias);
        }

        @Override
        public String keyHeader() {
            return openai.keyHeader();
        }

        @Override
        public String keyValue(String apiKey) {
            return openai.keyValue(apiKey);
        }

        @Override
        public void headers(HttpHeaders client, BiConsumer<String, String> out) {}

        @Override
        public ByteBuf body(ByteBufAllocator alloc, ByteBuf clientBody, RequestFacts facts, String alias) {
            return openai.body(alloc, clientBody, facts, alias);
        }

        @Override
        public boolean streams(HttpHeaders answer) {
            return openai.streams(answer);
        }

        @Override
        public boolean resizes(boolean stream, RequestFacts facts) {
            return !stream;
        }

        @Override
        public AnswerTap tap(boolean stream, RequestFacts facts, String encoding) {
            return new AnswerTap() {
                private final ByteBuf held = Unpooled.buffer();

                @Override
                public ByteBuf onChunk(ByteBuf chunk) {
                    held.writeBytes(chunk);
                    chunk.release();
                    return Unpooled.EMPTY_BUFFER;
                }

                @Override
                public ByteBuf onEnd() {
                    String json = "{\"wrapped\":" + held.toString(StandardCharsets.UTF_8) + "}";
                    return Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
                }

                @Override
                public Usage usage() {
                    return null;
                }

                @Override
                public long completionTokensEstimate() {
                    return 0;
                }

                @Override
                public void captureText(int maxChars) {}

                @Override
                public String capturedText() {
                    return null;
                }

                @Override
                public void release() {
                    held.release();
                }
            };
        }
    }
}
