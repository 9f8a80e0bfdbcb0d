package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.ConfigLoader;
import io.llmgateway.observe.RequestRecord;
import io.llmgateway.protocol.Usage;
import io.llmgateway.route.Attempt;
import io.llmgateway.route.Failure;
import io.llmgateway.route.Router;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.Ticker;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The small pieces of a proxied exchange: its record, its failover memory, its timer. */
class ExchangePiecesTest {
    private final long[] now = {1_000_000};
    /** Reads {@link #now}: the tests move time by hand. */
    private final Ticker ticker = new Ticker() {
        @Override
        public long initialNanoTime() {
            return 0;
        }

        @Override
        public long nanoTime() {
            return now[0];
        }

        @Override
        public void sleep(long delay, TimeUnit unit) {
            throw new UnsupportedOperationException("no sleeping in these tests");
        }
    };

    private final EmbeddedChannel channel = new EmbeddedChannel();

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private static Attempt attempt() throws Exception {
        Router router = new Router(
                ConfigLoader.parse(
                        "api_provider:\n  p:\n    base_url: http://127.0.0.1:1/v1\n"
                                + "model_config:\n  m:\n    p: {alias: m-alias}\n",
                        Map.of()),
                Clock.systemUTC());
        return (Attempt) router.admit("m", 10, Set.of());
    }

    @Test
    void record_timesWithTheTicker_andReportsTheLastAttempt() throws Exception {
        ExchangeRecord r = new ExchangeRecord(ticker, 42, "req-1", "team", "/chat/completions?x=1", 0);
        Attempt a = attempt();
        r.attemptStarted();
        now[0] += TimeUnit.MILLISECONDS.toNanos(5);
        r.answered(200);
        now[0] += TimeUnit.MILLISECONDS.toNanos(7);
        r.settled(new Usage(1, 2, 3, false));
        r.attemptEnded(a, "ok", 200);

        RequestRecord rec = r.toRecord("m", true, "m", RequestRecord.UNPRICED);
        assertEquals(42, rec.startEpochMillis());
        assertEquals("/chat/completions", rec.path());
        assertEquals("team", rec.clientKeyId());
        assertEquals("p", rec.provider());
        assertEquals(5, rec.firstByteMillis());
        assertEquals(12, rec.totalMillis());
        assertEquals(12, rec.attempts().get(0).millis());
        assertEquals(3, rec.totalTokens());
        assertNull(rec.errorType());
    }

    @Test
    void record_gatewayTime_leavesOutWhatProvidersTook_acrossAFailover() throws Exception {
        ExchangeRecord r = new ExchangeRecord(ticker, 0, "req-1", null, "/chat/completions", 0);
        Attempt a = attempt();
        now[0] += 300_000; // reading, estimating, routing
        r.attemptStarted();
        now[0] += 100_000;
        r.requestWritten();
        now[0] += TimeUnit.SECONDS.toNanos(2); // the first provider, awaited
        r.providerRead();
        now[0] += 10_000;
        r.attemptEnded(a, Failure.SERVER_ERROR, 500);
        now[0] += 50_000; // the next choice
        r.attemptStarted();
        r.requestWritten();
        now[0] += TimeUnit.SECONDS.toNanos(1); // the second provider, awaited
        r.providerRead();
        now[0] += 20_000;
        r.providerRead(); // the held head goes with the first body bytes
        now[0] += 7_000;
        r.answered(200);

        assertEquals(450_000, r.preNanos());
        assertEquals(7_000, r.postNanos());
        assertEquals("gw-pre;dur=0.450, gw-post;dur=0.007", r.serverTiming());
        RequestRecord rec = r.toRecord("m", true, "m", RequestRecord.UNPRICED);
        assertEquals(450_000, rec.gatewayPreNanos());
        assertEquals(7_000, rec.gatewayPostNanos());
    }

    @Test
    void record_gatewayTime_ofAnAnswerNoProviderGave_isTheTotalWithoutProviderWaits() throws Exception {
        ExchangeRecord r = new ExchangeRecord(ticker, 0, "req-1", null, "/chat/completions", 0);
        now[0] += 200_000;
        r.attemptStarted();
        r.requestWritten();
        now[0] += TimeUnit.SECONDS.toNanos(30); // a provider that never answered
        r.attemptEnded(attempt(), Failure.TIMEOUT, 0);
        now[0] += 40_000;
        r.replied(504, "timeout", "no answer");

        assertEquals(-1, r.postNanos());
        assertEquals("gw-total;dur=0.240", r.serverTiming());
        RequestRecord rec = r.toRecord("m", false, null, RequestRecord.UNPRICED);
        assertEquals(200_000, rec.gatewayPreNanos());
        assertEquals(-1, rec.gatewayPostNanos());

        ExchangeRecord refused = new ExchangeRecord(ticker, 0, "req-2", null, "/chat/completions", 0);
        now[0] += 90_000;
        refused.replied(400, "invalid_request_error", "bad");
        assertEquals("gw-total;dur=0.090", refused.serverTiming());
        assertEquals(
                -1, refused.toRecord(null, false, null, RequestRecord.UNPRICED).gatewayPreNanos());
    }

    @Test
    void record_keepsTheFirstErrorOnly_whenAskedNotToOverwrite() throws Exception {
        ExchangeRecord r = new ExchangeRecord(ticker, 0, "req-1", null, "/x", 0);
        r.replied(502, "upstream_error", "broke");
        r.failedUnlessNoted("client_closed", "gone");
        Attempt a = attempt();
        r.attemptEnded(a, Failure.SERVER_ERROR, 502);

        RequestRecord rec = r.toRecord(null, false, null, RequestRecord.UNPRICED);
        assertEquals("upstream_error", rec.errorType());
        assertEquals(502, rec.status());
        assertEquals("server_error", rec.attempts().get(0).outcome());
        assertNull(rec.modelUsed()); // no usage settled
    }

    @Test
    void record_keepsBodiesOnlyWhenAsked() {
        ByteBuf body = Unpooled.copiedBuffer("{\"a\":1}", StandardCharsets.UTF_8);
        try {
            ExchangeRecord off = new ExchangeRecord(ticker, 0, "r", null, "/x", 0);
            off.request(body);
            off.keepAnswerBytes();
            off.answerBytes(body);
            off.answerEnded(null);
            assertNull(off.toRecord("m", false, null, RequestRecord.UNPRICED).requestBody());

            ExchangeRecord on = new ExchangeRecord(ticker, 0, "r", null, "/x", 100);
            on.request(body);
            on.keepAnswerBytes();
            on.answerBytes(body);
            on.answerEnded(null);
            RequestRecord rec = on.toRecord("m", false, null, RequestRecord.UNPRICED);
            assertEquals("{\"a\":1}", rec.requestBody());
            assertEquals("{\"a\":1}", rec.responseBody());
        } finally {
            body.release();
        }
    }

    private Failover failover() {
        return new Failover(new ExchangeRecord(ticker, 0, "req-1", null, "/x", 0), Clock.systemUTC());
    }

    @Test
    void failover_remembersTheLatestProviderError_andReleasesIt() {
        Failover f = failover();
        f.started("a");
        f.started("b");
        assertEquals(Set.of("a", "b"), f.tried());
        assertEquals(2, f.attempts());

        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.TOO_MANY_REQUESTS);
        ByteBuf first = Unpooled.copiedBuffer("1", StandardCharsets.UTF_8);
        ByteBuf second = Unpooled.copiedBuffer("2", StandardCharsets.UTF_8);
        f.providerError("a: HTTP 429", 429, head, first);
        f.providerError("b: HTTP 429", 429, head, second);

        assertEquals(0, first.refCnt());
        assertTrue(f.hasProviderError());
        assertSame(head, f.errorHead());
        assertEquals("a: HTTP 429; b: HTTP 429", f.failures());
        f.release();
        assertEquals(0, second.refCnt());
        assertFalse(f.hasProviderError());
    }

    @Test
    void failover_isOverloadedOnlyWhenEveryAttemptFoundThePoolFull_andTimedOutOnlyBeforeAProviderError() {
        Failover f = failover();
        f.failed(Failure.LOCAL_OVERLOAD, "a: pool full");
        assertTrue(f.onlyOverloaded());
        f.failed(Failure.TIMEOUT, "b: slow");
        assertFalse(f.onlyOverloaded());
        assertTrue(f.timedOut());

        Failover g = failover();
        g.providerError("a: HTTP 500", 500, null, Unpooled.buffer(1));
        g.failed(Failure.TIMEOUT, "b: slow");
        assertFalse(g.timedOut());
        g.release();
    }

    @Test
    void timer_deadline_expiresOnce() {
        AtomicInteger expired = new AtomicInteger();
        ExchangeTimer t = new ExchangeTimer(channel.eventLoop(), ticker, expired::incrementAndGet);
        channel.freezeTime();
        t.deadline(TimeUnit.SECONDS.toNanos(2));

        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(0, expired.get());
        channel.advanceTimeBy(1, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(1, expired.get());
    }

    @Test
    void timer_idle_isPushedBackByActivity_andCancelStopsIt() {
        AtomicInteger expired = new AtomicInteger();
        ExchangeTimer t = new ExchangeTimer(channel.eventLoop(), ticker, expired::incrementAndGet);
        channel.freezeTime();
        t.idle(TimeUnit.SECONDS.toNanos(2));

        advance(1);
        t.activity();
        advance(1); // two seconds since it was set, one since the activity: re-armed for the rest
        assertEquals(0, expired.get());
        advance(1);
        assertEquals(1, expired.get());

        t.deadline(TimeUnit.SECONDS.toNanos(1));
        t.cancel();
        advance(5);
        assertEquals(1, expired.get());
    }

    private void advance(int seconds) {
        now[0] += TimeUnit.SECONDS.toNanos(seconds);
        channel.advanceTimeBy(seconds, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
    }
}
