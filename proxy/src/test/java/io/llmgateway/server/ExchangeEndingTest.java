package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.UpstreamSettings;
import io.llmgateway.observe.RequestRecord;
import io.llmgateway.openai.OpenAiClientDialect;
import io.llmgateway.openai.OpenAiProviderDialect;
import io.llmgateway.protocol.RequestFacts;
import io.llmgateway.route.Attempt;
import io.llmgateway.route.Failure;
import io.llmgateway.route.Router;
import io.llmgateway.tokens.TokenEstimator;
import io.llmgateway.upstream.UpstreamClient;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Ticker;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The endings of an exchange on an embedded client channel: each answers, publishes once, releases, reports. */
class ExchangeEndingTest {
    private static final String YAML = "api_provider:\n  p:\n    base_url: http://127.0.0.1:1/v1\n"
            + "model_config:\n  m:\n    p: {alias: m-alias}\n";

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final UpstreamClient pools = new UpstreamClient(UpstreamSettings.DEFAULT, Ticker.systemTicker());
    private final List<RequestRecord> published = new ArrayList<>();
    private final int[] done = {0};
    private final Failover failover = new Failover();
    private final FullHttpRequest request = new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            HttpMethod.POST,
            "/v1/chat/completions",
            HeadText.wire("{\"model\":\"m\",\"messages\":[]}"));
    private Router router;
    private Attempt attempt;
    private ExchangeEnding ending;

    @AfterEach
    void close() {
        if (request.refCnt() > 0) {
            request.release();
        }
        channel.finishAndReleaseAll();
        pools.close();
    }

    private ExchangeEnding ending() throws Exception {
        GatewayConfig config = ConfigLoader.parse(YAML, Map.of());
        router = new Router(config, Clock.systemUTC());
        channel.pipeline().addLast(GatewayInitializer.ENCODER, new HttpResponseEncoder());
        channel.pipeline().addLast("front", new ChannelInboundHandlerAdapter());
        ChannelHandlerContext ctx = channel.pipeline().context("front");
        OpenAiProviderDialect dialect = new OpenAiProviderDialect(new TokenEstimator(Runnable::run));
        Gateway.Snapshot snapshot =
                new Gateway.Snapshot(config, Clock.systemUTC(), ClientKeys.NONE, new TokenEstimator(Runnable::run));
        AnswerRelay relay = new AnswerRelay(ctx, router, HttpVersion.HTTP_1_1, true, "req-1");
        ExchangeRecord record = new ExchangeRecord(Ticker.systemTicker(), 0, "req-1", null, "/chat/completions", 0);
        ExchangeTimer timer = new ExchangeTimer(channel.eventLoop(), Ticker.systemTicker(), () -> {});
        UpstreamLeg leg = new UpstreamLeg(channel.eventLoop(), pools, new UnusedLegOwner(), "req-1");
        AnswerReader reader = new AnswerReader(ctx.alloc(), snapshot, relay, record, timer, leg);
        ending = new ExchangeEnding(
                ctx.alloc(),
                router,
                published::add,
                OpenAiClientDialect.INSTANCE,
                request,
                null,
                new ExchangeEnding.Spend(null, snapshot.prices, ZoneOffset.UTC),
                true,
                "req-1",
                relay,
                record,
                failover,
                timer,
                reader,
                leg,
                () -> done[0]++);
        RequestFacts info = OpenAiClientDialect.INSTANCE.read(request.content());
        ending.facts(info);
        attempt = (Attempt) router.admit("m", 10, Set.of());
        reader.begin(info, attempt, dialect);
        return ending;
    }

    @Test
    void error_answersInTheClientsShape_publishesOnce_andReleasesTheRequest() throws Exception {
        ending().error(400, "bad input", "model", null);
        String out = HeadText.outbound(channel);
        assertTrue(out.startsWith("HTTP/1.1 400 Bad Request\r\n"), out);
        assertTrue(out.contains("\"message\":\"bad input\""), out);
        assertEquals(1, published.size());
        assertEquals(400, published.get(0).status());
        assertEquals("m", published.get(0).modelAsked());
        assertEquals(0, request.refCnt());
        assertEquals(1, done[0]);
    }

    @Test
    void withLastError_namesEveryFailedAttempt() throws Exception {
        ExchangeEnding e = ending();
        e.attempt(attempt);
        failover.started("p");
        failover.failed(Failure.CONNECT, "p: connection refused");
        attempt.failed(Failure.CONNECT, 0);
        e.withLastError();
        String out = HeadText.outbound(channel);
        assertTrue(out.startsWith("HTTP/1.1 502 Bad Gateway\r\n"), out);
        assertTrue(out.contains("failed on every provider tried (1 attempt): p: connection refused"), out);
        assertTrue(out.contains("upstream_unavailable"), out);
        assertEquals(1, published.size());
        assertEquals(1, done[0]);
    }

    @Test
    void clientClosed_settlesTheAttemptAsCancelled_andWritesNothing() throws Exception {
        ExchangeEnding e = ending();
        e.attempt(attempt);
        e.clientClosed(true, 5);
        assertEquals("", HeadText.outbound(channel));
        RequestRecord r = published.get(0);
        assertEquals("client_closed", r.errorType());
        assertEquals(5, r.promptTokens());
        assertTrue(r.tokensEstimated());
        assertEquals(0, request.refCnt());
        assertEquals(1, done[0]);
    }
}
