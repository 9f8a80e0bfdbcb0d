package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.ConfigException;
import io.llmgateway.config.ConfigLoader;
import io.llmgateway.route.Router;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AnswerRelayTest {
    private static final Router ROUTER =
            router("api_provider:\n  p:\n    base_url: http://127.0.0.1:1/v1\n    limits: {rpm: 10}\n"
                    + "model_config:\n  m:\n    p: {alias: m}\n");

    private static Router router(String yaml) {
        try {
            return new Router(ConfigLoader.parse(yaml, Map.of()), Clock.systemUTC());
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    private final EmbeddedChannel channel = new EmbeddedChannel();

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private ChannelHandlerContext clientPipeline() {
        channel.pipeline().addLast(GatewayInitializer.ENCODER, new HttpResponseEncoder());
        channel.pipeline().addLast("front", new ChannelInboundHandlerAdapter());
        return channel.pipeline().context("front");
    }

    private AnswerRelay relay(HttpVersion clientVersion) {
        return new AnswerRelay(clientPipeline(), ROUTER, clientVersion, true, "req-1");
    }

    private static HttpResponse answer(String... headers) {
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        for (int i = 0; i < headers.length; i += 2) {
            r.headers().add(headers[i], headers[i + 1]);
        }
        return r;
    }

    @Test
    void open_holdsTheHeadBack_untilCommit() {
        AnswerRelay r = relay(HttpVersion.HTTP_1_1);
        r.open(answer("Content-Type", "application/json", "Content-Length", "2"), false, "m", "m-alias");
        channel.flushOutbound();

        assertEquals("", HeadText.outbound(channel));
        assertFalse(r.committed());
        assertTrue(r.lengthAnnounced());
    }

    @Test
    void anHttp11Answer_goesAsBytes_withTheGatewaysHeaders() {
        AnswerRelay r = relay(HttpVersion.HTTP_1_1);
        r.open(answer("Content-Type", "application/json", "Content-Length", "2"), false, "m", "m-alias");
        r.commit(0, 0);
        r.content(HeadText.wire("{}"));
        r.end();
        r.flush();

        String out = HeadText.outbound(channel);
        assertTrue(out.startsWith("HTTP/1.1 200 OK\r\n"), out);
        assertTrue(out.contains("content-length: 2\r\n"), out);
        assertTrue(out.contains("x-request-id: req-1\r\n"), out);
        assertTrue(out.contains(ProxyExchange.MODEL_HEADER + ": m-alias\r\n"), out);
        assertTrue(out.contains("x-ratelimit-limit-requests: 10\r\n"), out);
        assertTrue(out.endsWith("\r\n\r\n{}"), out);
        assertFalse(r.closesAfter());
    }

    @Test
    void aBodyTheGatewayChanges_goesInChunks() {
        AnswerRelay r = relay(HttpVersion.HTTP_1_1);
        r.open(answer("Content-Type", "text/event-stream", "Content-Length", "99"), true, "m", "m");
        r.commit(0, 0);
        r.content(HeadText.wire("data: x\n\n"));
        r.content(Unpooled.EMPTY_BUFFER); // nothing to write: released, not framed
        r.end();
        r.flush();

        String out = HeadText.outbound(channel);
        assertTrue(out.contains("transfer-encoding: chunked\r\n"), out);
        assertFalse(out.contains("content-length"), out);
        assertTrue(out.endsWith("\r\n\r\n9\r\ndata: x\n\n\r\n0\r\n\r\n"), out);
        assertFalse(r.lengthAnnounced());
    }

    @Test
    void anHttp10Client_getsTheBodyRaw_andTheConnectionEndsIt() {
        AnswerRelay r = relay(HttpVersion.HTTP_1_0);
        r.open(answer("Content-Type", "text/event-stream", "Transfer-Encoding", "chunked"), false, "m", "m");
        r.commit(0, 0);
        r.content(HeadText.wire("data: x\n\n"));
        r.end();
        r.flush();

        String out = HeadText.outbound(channel);
        assertTrue(out.startsWith("HTTP/1.0 200 OK\r\n"), out);
        assertFalse(out.toLowerCase().contains("chunked"), out);
        assertTrue(out.endsWith("\r\n\r\ndata: x\n\n"), out);
        assertTrue(r.closesAfter());
    }

    @Test
    void flushLater_flushesOncePerReadBatch() {
        AnswerRelay r = relay(HttpVersion.HTTP_1_1);
        r.open(answer("Transfer-Encoding", "chunked"), false, "m", "m");
        r.commit(0, 0);
        r.content(HeadText.wire("a"));
        r.flushLater();
        assertEquals(0, channel.outboundMessages().size());

        r.flushIfPending();
        assertTrue(HeadText.outbound(channel).endsWith("1\r\na\r\n"));
        r.flushIfPending(); // nothing pending: no second flush needed
        assertEquals("", HeadText.outbound(channel));
    }

    @Test
    void endWith_writesTheEventAndEndsTheBody() {
        AnswerRelay r = relay(HttpVersion.HTTP_1_1);
        r.open(answer("Transfer-Encoding", "chunked"), false, "m", "m");
        r.commit(0, 0);
        r.endWith(HeadText.wire("data: {}\n\n"));

        assertTrue(HeadText.outbound(channel).endsWith("a\r\ndata: {}\n\n\r\n0\r\n\r\n"));
    }

    @Test
    void reset_forgetsAnUncommittedAnswer() {
        AnswerRelay r = relay(HttpVersion.HTTP_1_1);
        r.open(answer("Content-Length", "2"), false, "m", "m");
        r.reset();
        channel.flushOutbound();

        assertEquals("", HeadText.outbound(channel));
        assertFalse(r.committed());
    }
}
