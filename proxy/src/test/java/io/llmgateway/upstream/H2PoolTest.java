package io.llmgateway.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.UpstreamSettings;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RecordedRequest;
import io.llmgateway.transport.Transport;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.concurrent.Ticker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gateway's own calls (health checks) to an HTTP/2 origin go as streams of one pooled h2c connection. */
class H2PoolTest {
    private final MockUpstream h2 = MockUpstream.startHttp2(null, Http2Settings.defaultSettings());
    private final EventLoopGroup group = Transport.newGroup(1);
    private final EventLoop loop = group.next();
    private final UpstreamClient client = new UpstreamClient(UpstreamSettings.DEFAULT, Ticker.systemTicker());
    private final Origin origin = new Origin(false, "127.0.0.1", h2.port(), "/v1", null, true);

    @AfterEach
    void stop() {
        client.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        h2.close();
    }

    private UpstreamAnswer call(String method, String body) throws Exception {
        UpstreamCall call = new UpstreamCall(
                method,
                "/v1/models",
                Map.of("Authorization", "Bearer k"),
                body.getBytes(StandardCharsets.UTF_8),
                Duration.ofSeconds(5),
                1024);
        return client.call(loop, origin, call).get(10, TimeUnit.SECONDS);
    }

    @Test
    void calls_areStreamsOfOneConnection() throws Exception {
        h2.setDefault(Behaviour.json(200, "{\"data\":[]}"));

        UpstreamAnswer get = call("GET", "");
        UpstreamAnswer post = call("POST", "{\"x\":1}");
        UpstreamAnswer again = call("GET", "");

        for (UpstreamAnswer a : new UpstreamAnswer[] {get, post, again}) {
            assertEquals(200, a.status());
            assertEquals("{\"data\":[]}", a.body());
            assertFalse(a.truncated());
            assertFalse(a.headers().contains("x-http2-stream-id"), a.headers().toString());
        }
        assertEquals(1, h2.connectionsAccepted());
        RecordedRequest first = h2.requests().get(0);
        assertEquals("GET", first.method());
        assertEquals("Bearer k", first.header("authorization"));
        assertTrue(first.headers().containsKey("x-http2-stream-id"));
        assertEquals("{\"x\":1}", h2.requests().get(1).body());
    }

    @Test
    void truncatedAnswer_resetsItsStream_andTheConnectionStays() throws Exception {
        h2.setDefault(Behaviour.json(200, "{\"data\":\"" + "x".repeat(4000) + "\"}"));

        UpstreamAnswer a = call("GET", "");

        assertTrue(a.truncated());
        assertEquals(1024, a.body().length());
        assertEquals(200, call("GET", "").status());
        assertEquals(1, h2.connectionsAccepted());
    }
}
