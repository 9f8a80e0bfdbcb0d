package io.llmgateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What a provider stream's handler makes of resets, GOAWAY and the request body. */
class H2StreamHandlerTest {
    private final H2StreamHandler handler = new H2StreamHandler();
    private Throwable caught;
    private final EmbeddedChannel ch = new EmbeddedChannel(handler, new ChannelInboundHandlerAdapter() {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            caught = cause;
        }
    });

    @Test
    void refusedStream_beforeAnyAnswer_mayGoAgain() {
        ch.pipeline().fireUserEventTriggered(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM));

        assertTrue(handler.unprocessed(1));
        assertInstanceOf(StreamResetException.class, caught);
        assertTrue(caught.getMessage().contains("REFUSED_STREAM"), caught.getMessage());
    }

    @Test
    void otherReset_isAFailure_notARetry() {
        ch.pipeline().fireUserEventTriggered(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR));

        assertFalse(handler.unprocessed(1));
        assertTrue(caught.getMessage().contains("reset the stream (INTERNAL_ERROR) before answering"));
    }

    @Test
    void goAwayAboveTheStream_mayGoAgain_andTheFrameIsReleased() {
        DefaultHttp2GoAwayFrame goAway = new DefaultHttp2GoAwayFrame(
                Http2Error.NO_ERROR, Unpooled.buffer().writeByte('!'));

        ch.pipeline().fireUserEventTriggered(goAway);

        assertTrue(handler.unprocessed(1));
        assertEquals(0, goAway.refCnt());
        assertNull(caught);
    }

    @Test
    void answerBegun_isNeverRetried_andTheStreamIdHeaderIsDropped() {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set("x-http2-stream-id", "3");

        ch.writeInbound(head);
        ch.pipeline().fireUserEventTriggered(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM));

        assertFalse(handler.unprocessed(1));
        HttpResponse read = ch.readInbound();
        assertFalse(read.headers().contains("x-http2-stream-id"));
    }

    @Test
    void body_goesAsTheLastDataFrame() {
        ByteBuf body = Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8);

        ch.writeOutbound(body);

        Http2DataFrame frame = ch.readOutbound();
        assertTrue(frame.isEndStream());
        assertEquals("{}", frame.content().toString(StandardCharsets.UTF_8));
        frame.release();
        assertFalse(ch.finish());
    }
}
