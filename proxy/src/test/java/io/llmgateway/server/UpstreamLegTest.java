package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.UpstreamSettings;
import io.llmgateway.route.Attempt;
import io.llmgateway.route.Failure;
import io.llmgateway.route.Router;
import io.llmgateway.tokens.TokenEstimator;
import io.llmgateway.upstream.UpstreamClient;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.concurrent.Ticker;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UpstreamLegTest {
    private final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final UpstreamClient pools = new UpstreamClient(UpstreamSettings.DEFAULT, Ticker.systemTicker());
    private final CompletableFuture<String> failed = new CompletableFuture<>();

    @AfterEach
    void close() {
        pools.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void open_refusedConnection_reportsTheKindOnly() throws Exception {
        GatewayConfig config = ConfigLoader.parse(
                "api_provider:\n  p:\n    base_url: http://127.0.0.1:1/v1\n"
                        + "model_config:\n  m:\n    p: {alias: m}\n",
                Map.of());
        Attempt attempt = (Attempt) new Router(config, Clock.systemUTC()).admit("m", 10, Set.of());
        Gateway.Snapshot snapshot =
                new Gateway.Snapshot(config, Clock.systemUTC(), ClientKeys.NONE, new TokenEstimator(Runnable::run));
        EventLoop loop = group.next();
        UpstreamLeg leg = new UpstreamLeg(loop, pools, new Owner(), "req-1");
        loop.execute(() -> leg.open(attempt, snapshot));
        assertEquals("CONNECT connection refused", failed.get(10, TimeUnit.SECONDS));
    }

    @Test
    void withoutAChannel_nothingToRetryOrRelease() {
        EmbeddedChannel ch = new EmbeddedChannel();
        UpstreamLeg leg = new UpstreamLeg(ch.eventLoop(), pools, new Owner(), "req-1");
        assertFalse(leg.connected());
        assertFalse(leg.mayRetry());
        leg.finish(true);
        leg.discard();
        leg.reading(false);
        assertFalse(leg.connected());
        ch.finishAndReleaseAll();
    }

    private final class Owner implements UpstreamLeg.Owner {
        @Override
        public void leased(Channel ch) {
            failed.completeExceptionally(new AssertionError("leased " + ch));
        }

        @Override
        public void leaseFailed(Failure kind, String why) {
            failed.complete(kind + " " + why);
        }

        @Override
        public void sendFailed(Throwable cause) {
            failed.completeExceptionally(cause);
        }

        @Override
        public void onUpstreamMessage(HttpObject msg) {}

        @Override
        public void onUpstreamError(Throwable cause) {}

        @Override
        public void onUpstreamClosed() {}
    }
}
