package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.ServerSettings;
import io.llmgateway.openai.OpenAiClientDialect;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection's request deadline and idle timeout, on a channel whose event loop runs on a ticker the test
 * moves (the timer reads the time of the loop that schedules it). Over real sockets, ClientFaultsEndToEndTest
 * checks that the pipeline answers 408 and closes idle connections.
 */
class ConnectionTimerTest {
    private final MockTicker ticker = Ticker.newMockTicker();
    private final ConnectionTimer timer = new ConnectionTimer(settings(), () -> OpenAiClientDialect.INSTANCE);
    private final EmbeddedChannel channel =
            EmbeddedChannel.builder().ticker(ticker).handlers(timer).build();

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

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private void receive(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
        channel.releaseInbound(); // what the decoder would see
    }

    private void advanceMillis(long millis) {
        ticker.advance(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    private void assertTimedOutWith408() {
        FullHttpResponse r = channel.readOutbound();
        try {
            assertEquals(408, r.status().code());
            assertTrue(r.content().toString(StandardCharsets.UTF_8).contains("server.request_timeout"));
        } finally {
            r.release();
        }
        assertFalse(channel.isActive());
    }

    @Test
    void slowloris_gets408AtTheDeadlineFromItsFirstByte() {
        receive("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\n");
        advanceMillis(150);
        receive("X-Slow: 1\r\n"); // trickling headers does not move the deadline
        advanceMillis(249);
        assertNull(channel.readOutbound());
        assertTrue(channel.isActive());

        advanceMillis(1);

        assertTimedOutWith408();
    }

    @Test
    void slowRequestOnAnIdledKeepAliveConnection_gets408FromItsOwnFirstByte() {
        receive("GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n");
        timer.requestReceived();
        timer.responseDone();
        advanceMillis(700); // idle longer than request_timeout (400 ms), shorter than idle_timeout (1 s)
        assertTrue(channel.isActive());

        receive("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\n");
        advanceMillis(399);
        assertNull(channel.readOutbound(), "the deadline runs from the request's first byte, not from the idle time");
        assertTrue(channel.isActive());
        advanceMillis(1);

        assertTimedOutWith408();
    }

    @Test
    void keepAliveConnectionInUse_outlivesTheIdleTimeout() {
        for (int i = 0; i < 4; i++) { // 4 x 450 ms: longer than idle_timeout (1 s), never idle that long
            receive("GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n");
            timer.requestReceived();
            timer.responseDone();
            advanceMillis(450);
            assertTrue(channel.isActive(), "after request " + i);
        }
    }

    @Test
    void idleConnection_isClosedAtTheIdleTimeout() {
        advanceMillis(999);
        assertTrue(channel.isActive());

        advanceMillis(1);

        assertFalse(channel.isActive());
        assertNull(channel.readOutbound(), "an idle connection is closed without an answer");
    }

    @Test
    void answeringRequest_hasNoDeadline() {
        receive("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\n\r\n");
        timer.requestReceived();

        advanceMillis(60_000); // a long stream: the exchange's own upstream timeouts apply

        assertTrue(channel.isActive());
    }
}
