package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AnswerWriterTest {
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

    private static HttpResponse answer(String... headers) {
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        for (int i = 0; i < headers.length; i += 2) {
            r.headers().add(headers[i], headers[i + 1]);
        }
        return r;
    }

    @Test
    void aBodyOfKnownLength_goesUnchanged_andEndsWithNothingMore() {
        AnswerWriter w = AnswerWriter.forAnswer(clientPipeline(), answer("Content-Length", "11"), false);

        assertEquals(11, w.contentLength());
        assertFalse(w.chunked());
        w.head(HeadText.wire("HEAD\r\n\r\n"));
        w.content(HeadText.wire("hello "));
        w.content(HeadText.wire("world"));
        w.end();
        channel.flushOutbound();
        assertEquals("HEAD\r\n\r\nhello world", HeadText.outbound(channel));
    }

    @Test
    void aChunkedBody_orOneTheGatewayChanges_goesInChunks() {
        ChannelHandlerContext ctx = clientPipeline();
        assertTrue(AnswerWriter.forAnswer(ctx, answer("Transfer-Encoding", "Chunked"), false)
                .chunked());
        assertTrue(AnswerWriter.forAnswer(ctx, answer("Content-Length", "11"), true)
                .chunked());
        AnswerWriter w = AnswerWriter.forAnswer(ctx, answer(), true);

        w.content(HeadText.wire("data: a\n\n"));
        w.content(HeadText.wire("x".repeat(300)));
        w.end();
        channel.flushOutbound();
        assertEquals("9\r\ndata: a\n\n\r\n12c\r\n" + "x".repeat(300) + "\r\n0\r\n\r\n", HeadText.outbound(channel));
    }

    @Test
    void otherFramings_andAPipelineWithoutTheEncoder_areLeftToNettysEncoder() {
        ChannelHandlerContext ctx = clientPipeline();
        assertNull(AnswerWriter.forAnswer(ctx, answer("Transfer-Encoding", "gzip, chunked"), false));
        assertNull(AnswerWriter.forAnswer(
                ctx, answer("Transfer-Encoding", "gzip", "Transfer-Encoding", "chunked"), false));
        assertNull(AnswerWriter.forAnswer(ctx, answer(), false)); // ends when the provider closes

        ctx.pipeline().remove(GatewayInitializer.ENCODER);
        assertNull(AnswerWriter.forAnswer(ctx, answer("Content-Length", "11"), false));
    }

    @Test
    void chunkSize_isTheLengthInLowerCaseHex_thenALineEnd() {
        for (int length : new int[] {0, 1, 9, 10, 15, 16, 255, 256, 4096, 65535, 1 << 20, Integer.MAX_VALUE}) {
            ByteBuf line = AnswerWriter.chunkSize(channel.alloc(), length);
            try {
                assertEquals(Integer.toHexString(length) + "\r\n", line.toString(StandardCharsets.US_ASCII));
            } finally {
                line.release();
            }
        }
    }
}
