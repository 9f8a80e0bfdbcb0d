package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.ServerSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/2 connection's idle and request-head deadlines, on a channel whose event loop runs on a ticker the test
 * moves; the codec's streams are stood in for by a connection the test opens streams on. Over real sockets,
 * Http2AbuseEndToEndTest checks the same through the gateway's pipeline.
 */
class Http2ConnectionTimerTest {
    private static final byte[] PREFACE = bytes(Http2CodecUtil.connectionPrefaceBuf());
    /** An empty SETTINGS frame. */
    private static final byte[] SETTINGS = {0, 0, 0, 0x4, 0, 0, 0, 0, 0};
    /** A PING frame. */
    private static final byte[] PING = {0, 0, 8, 0x6, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8};
    /** A HEADERS frame on stream 1 with a 5-byte block, END_HEADERS not set. */
    private static final byte[] HEADERS_NO_END = {0, 0, 5, 0x1, 0, 0, 0, 0, 1, 1, 2, 3, 4, 5};
    /** A CONTINUATION frame on stream 1 with a 2-byte block and END_HEADERS. */
    private static final byte[] CONTINUATION_END = {0, 0, 2, 0x9, 0x4, 0, 0, 0, 1, 1, 2};

    private final MockTicker ticker = Ticker.newMockTicker();
    private final Http2Connection connection = new DefaultHttp2Connection(true);
    private final EmbeddedChannel channel = EmbeddedChannel.builder()
            .ticker(ticker)
            .handlers(new Http2ConnectionTimer(settings(), connection))
            .build();

    private static ServerSettings settings() {
        try {
            return ConfigLoader.parse("""
                    server:
                      request_timeout: 400ms
                      idle_timeout: 1s
                    api_provider:
                      p:
                        base_url: http://127.0.0.1:9/v1
                    model_config:
                      gpt-4o:
                        p: {}
                    """, Map.of()).server();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(ByteBuf buf) {
        byte[] b = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), b);
        return b;
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private void receive(byte[]... parts) {
        for (byte[] part : parts) {
            channel.writeInbound(Unpooled.wrappedBuffer(part));
        }
        channel.releaseInbound(); // what the codec would read
    }

    private static byte[] slice(byte[] b, int from, int to) {
        return java.util.Arrays.copyOfRange(b, from, to);
    }

    private void advanceMillis(long millis) {
        ticker.advance(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    private Http2Stream openStream(int id) throws Http2Exception {
        return connection.remote().createStream(id, false);
    }

    @Test
    void silentConnection_isClosedAtTheIdleTimeout() {
        advanceMillis(999);
        assertTrue(channel.isActive(), "opening a connection is not starting a request head");
        advanceMillis(1);
        assertFalse(channel.isActive());
    }

    @Test
    void partialPreface_isClosedAtTheRequestTimeout() {
        receive(slice(PREFACE, 0, 10));
        advanceMillis(399);
        assertTrue(channel.isActive());
        advanceMillis(1);
        assertFalse(channel.isActive());
    }

    @Test
    void headerBlockWithoutEnd_isClosedAtTheRequestTimeoutFromItsFirstByte() {
        receive(PREFACE, SETTINGS);
        advanceMillis(700); // idle, shorter than idle_timeout
        receive(HEADERS_NO_END);
        advanceMillis(200);
        receive(slice(CONTINUATION_END, 0, 4)); // trickling does not move the deadline
        advanceMillis(199);
        assertTrue(channel.isActive());
        advanceMillis(1);
        assertFalse(channel.isActive());
    }

    @Test
    void partialFrameHeader_isClosedAtTheRequestTimeout() {
        receive(PREFACE, SETTINGS, slice(PING, 0, 5));
        advanceMillis(400);
        assertFalse(channel.isActive());
    }

    @Test
    void completedHeaderBlock_endsTheHeadDeadline() throws Http2Exception {
        receive(PREFACE, SETTINGS, HEADERS_NO_END);
        advanceMillis(300);
        receive(CONTINUATION_END);
        openStream(1); // what the codec does with the complete block
        advanceMillis(5_000); // a long answer: the exchange's own timeouts apply
        assertTrue(channel.isActive());
    }

    @Test
    void pingsOnAnIdleConnection_doNotKeepItOpen() {
        receive(PREFACE, SETTINGS);
        for (int i = 0; i < 3; i++) {
            advanceMillis(300);
            receive(PING);
        }
        assertTrue(channel.isActive());
        advanceMillis(100);
        assertFalse(channel.isActive(), "closed idle_timeout after the connection opened, pings or not");
    }

    @Test
    void idleTimeout_runsFromTheLastStreamsEnd() throws Http2Exception {
        receive(PREFACE, SETTINGS);
        Http2Stream stream = openStream(1);
        advanceMillis(3_000);
        stream.close();
        advanceMillis(999);
        assertTrue(channel.isActive());
        advanceMillis(1);
        assertFalse(channel.isActive());
    }

    @Test
    void headSplitOverReads_afterACompletedOne_getsItsOwnDeadline() {
        receive(PREFACE, SETTINGS, slice(PING, 0, 5));
        advanceMillis(300);
        byte[] rest = new byte[PING.length - 5 + 3];
        System.arraycopy(PING, 5, rest, 0, PING.length - 5);
        System.arraycopy(SETTINGS, 0, rest, PING.length - 5, 3); // the ping ends, a SETTINGS starts
        receive(rest);
        advanceMillis(399);
        assertTrue(channel.isActive(), "the new frame's deadline runs from the read it started in");
        advanceMillis(1);
        assertFalse(channel.isActive());
    }
}
