package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.UpstreamSettings;
import io.llmgateway.openai.OpenAiClientDialect;
import io.llmgateway.openai.OpenAiProviderDialect;
import io.llmgateway.protocol.RequestFacts;
import io.llmgateway.protocol.Usage;
import io.llmgateway.route.Attempt;
import io.llmgateway.route.Router;
import io.llmgateway.tokens.TokenEstimator;
import io.llmgateway.upstream.UpstreamClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Ticker;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The answer reader on an embedded client channel: relaying a 2xx answer, reading an error answer whole. */
class AnswerReaderTest {
    private static final String YAML = "api_provider:\n  p:\n    base_url: http://127.0.0.1:1/v1\n"
            + "model_config:\n  m:\n    p: {alias: m-alias}\n";

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final UpstreamClient pools = new UpstreamClient(UpstreamSettings.DEFAULT, Ticker.systemTicker());
    private ExchangeRecord record;
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

    private AnswerReader reader() throws Exception {
        GatewayConfig config = ConfigLoader.parse(YAML, Map.of());
        Router router = new Router(config, Clock.systemUTC());
        channel.pipeline().addLast(GatewayInitializer.ENCODER, new HttpResponseEncoder());
        channel.pipeline().addLast("front", new ChannelInboundHandlerAdapter());
        ChannelHandlerContext ctx = channel.pipeline().context("front");
        OpenAiProviderDialect dialect = new OpenAiProviderDialect(new TokenEstimator(Runnable::run));
        Gateway.Snapshot snapshot =
                new Gateway.Snapshot(config, Clock.systemUTC(), ClientKeys.NONE, new TokenEstimator(Runnable::run));
        relay = new AnswerRelay(ctx, router, HttpVersion.HTTP_1_1, true, "req-1");
        record = new ExchangeRecord(Ticker.systemTicker(), 0, "req-1", null, "/chat/completions", 0);
        ExchangeTimer timer = new ExchangeTimer(channel.eventLoop(), Ticker.systemTicker(), () -> {});
        UpstreamLeg leg = new UpstreamLeg(channel.eventLoop(), pools, new UnusedLegOwner(), "req-1");
        reader = new AnswerReader(ctx.alloc(), snapshot, relay, record, timer, leg);
        RequestFacts info = OpenAiClientDialect.INSTANCE.read(HeadText.wire("{\"model\":\"m\",\"messages\":[]}"));
        Attempt attempt = (Attempt) router.admit("m", 10, Set.of());
        reader.begin(info, attempt, dialect);
        return reader;
    }

    @Test
    void head_interimAnswer_isSkipped() throws Exception {
        assertFalse(reader().head(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE)));
    }

    @Test
    void content_relaysTheAnswer_andReportsItsEnd() throws Exception {
        AnswerReader r = reader();
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set("content-type", "application/json").set("content-length", "9");
        assertTrue(r.head(head));
        assertFalse(r.isError());
        assertFalse(r.streaming());
        assertEquals("", HeadText.outbound(channel), "the head waits for the body");
        assertFalse(r.content(new DefaultHttpContent(HeadText.wire("{\"a\":"))));
        assertTrue(r.content(new DefaultLastHttpContent(HeadText.wire("\"b\"}"))));
        relay.flush();
        String out = HeadText.outbound(channel);
        assertTrue(out.startsWith("HTTP/1.1 200 OK\r\n"), out);
        assertTrue(out.endsWith("{\"a\":\"b\"}"), out);
        assertEquals(200, r.status());
        Usage u = r.usage(7);
        assertEquals(7, u.promptTokens());
        assertTrue(u.estimated());
    }

    @Test
    void errorContent_readsTheAnswerWhole_andCapsIt() throws Exception {
        AnswerReader r = reader();
        assertTrue(r.head(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.TOO_MANY_REQUESTS)));
        assertTrue(r.isError());
        assertFalse(
                r.errorContent(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[AnswerReader.MAX_ERROR_BODY]))));
        assertTrue(r.errorContent(new DefaultLastHttpContent(HeadText.wire("more"))));
        assertEquals(429, r.takeErrorHead().status().code());
        ByteBuf body = r.takeErrorBody();
        assertEquals(AnswerReader.MAX_ERROR_BODY, body.readableBytes());
        body.release();
        assertEquals("", HeadText.outbound(channel), "nothing reaches the client");
        assertEquals(0, r.status());
    }

    @Test
    void reset_releasesAnUnfinishedErrorBody() throws Exception {
        AnswerReader r = reader();
        r.head(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_GATEWAY));
        r.errorContent(new DefaultHttpContent(HeadText.wire("half")));
        r.reset(); // the leak detector fails the build if the body is kept
        assertFalse(r.isError());
    }
}
