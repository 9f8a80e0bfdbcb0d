package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.Await;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.H2Client;
import io.llmgateway.testing.LogCapture;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RawH2;
import io.llmgateway.testing.TestCa;
import io.netty.handler.codec.http2.Http2Error;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28: the h2 abuse cases as raw frames against the gateway (h2c on the plain port), each answered as RFC 9113
 * and Netty's codec intend, each leaving other connections working, none reaching the provider with a refused or
 * reset stream beyond the limits, and each closed connection logged once. The limits one by one, against a bare
 * codec: Http2LimitsTest; the connection timer's deadlines on a mock ticker: Http2ConnectionTimerTest.
 */
class Http2AbuseEndToEndTest {
    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String PATH = "/v1/chat/completions";
    private static final int MAX_STREAMS = 4;
    private static final int MAX_HEADER_BYTES = 4096;
    private static final int WAIT_MILLIS = 10_000;

    private static MockUpstream upstream;
    private static TestGateway gateway;
    private LogCapture abuseLog;

    @BeforeAll
    static void start() throws Exception {
        upstream = MockUpstream.start();
        gateway = TestGateway.start("""
                server:
                  http2_max_concurrent_streams: %d
                  max_header_size: %d
                  request_timeout: 2s
                api_provider:
                  p: {base_url: "%s", api_key: provider-key}
                model_config:
                  m: {p: {}}
                """.formatted(MAX_STREAMS, MAX_HEADER_BYTES, upstream.baseUrl()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @BeforeEach
    void capture() {
        upstream.setDefault(Behaviour.chatCompletion("fine"));
        abuseLog = LogCapture.of(Http2ConnectionLog.class);
    }

    @AfterEach
    void release() {
        abuseLog.close();
    }

    /** A conforming client on a new connection gets its answer: the abuse harmed only its own connection. */
    private static void assertAnotherConnectionWorks() throws Exception {
        try (H2Client h2 = H2Client.connect(gateway.port())) {
            H2Client.Stream s = h2.open(true);
            s.request("POST", PATH, CHAT);
            assertEquals("200", s.head(Duration.ofMillis(WAIT_MILLIS)).status());
            assertTrue(s.body(Duration.ofMillis(WAIT_MILLIS)).contains("fine"));
        }
    }

    private void assertClosedWithGoAway(RawH2 c, Http2Error expected) throws Exception {
        RawH2.Frame goAway = c.awaitGoAway(WAIT_MILLIS);
        assertNotNull(goAway, "no GOAWAY in " + c.received());
        assertEquals(expected.code(), goAway.code(), goAway.toString());
        assertTrue(c.awaitClose(WAIT_MILLIS), "the connection is closed after the GOAWAY");
        assertLoggedOnce(expected.name());
    }

    private void assertLoggedOnce(String what) throws InterruptedException {
        Await.until("a line in the log", () -> !abuseLog.messages().isEmpty(), Duration.ofSeconds(5));
        List<String> lines = abuseLog.messages();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains(what) && lines.get(0).contains("127.0.0.1"), lines.get(0));
        assertFalse(lines.get(0).contains("provider-key"), lines.get(0));
    }

    @Test
    void streamsBeyondTheLimit_areRefusedAndNeverReachTheProvider() throws Exception {
        upstream.setDefault(Behaviour.chatCompletion("fine").withDelay(Duration.ofMillis(1500)));
        int before = upstream.requests().size();
        try (RawH2 c = RawH2.connect(gateway.port()).preface()) {
            for (int i = 0; i < MAX_STREAMS; i++) {
                c.request(1 + 2 * i, PATH, CHAT);
            }
            int refused = 1 + 2 * MAX_STREAMS;
            // Without a body: Netty takes a DATA frame on a stream it refused for one that never existed, a
            // connection error (clients that heed the SETTINGS never open it).
            c.headers(refused, RawH2.post(PATH), true);

            RawH2.Frame reset = c.await(f -> f.isReset(refused), WAIT_MILLIS);
            assertNotNull(reset, c.received().toString());
            assertEquals(Http2Error.REFUSED_STREAM.code(), reset.code());
            Await.until(
                    "the streams within the limit at the provider",
                    () -> upstream.requests().size() - before == MAX_STREAMS,
                    Duration.ofSeconds(5));

            RawH2.Frame answered = c.await(f -> f.type().equals("HEADERS") && f.streamId() == 1, WAIT_MILLIS);
            assertNotNull(answered, c.received().toString());
            assertEquals("200", answered.headers().status().toString());
            int next = refused + 2;
            c.request(next, PATH, CHAT);
            assertNotNull(
                    c.await(f -> f.type().equals("HEADERS") && f.streamId() == next, WAIT_MILLIS),
                    "a stream opened after one ended is served: " + c.received());
            assertEquals(MAX_STREAMS + 1, upstream.requests().size() - before, "the refused stream never reached it");
        }
        upstream.setDefault(Behaviour.chatCompletion("fine"));
        assertAnotherConnectionWorks();
    }

    @Test
    void headerListOverTheLimit_gets431AndTheConnectionGoesOn() throws Exception {
        int before = upstream.requests().size();
        try (RawH2 c = RawH2.connect(gateway.port()).preface()) {
            c.headers(1, RawH2.post(PATH).set("x-big", "a".repeat(MAX_HEADER_BYTES)), true);

            RawH2.Frame answer = c.await(f -> f.streamId() == 1 && f.type().equals("HEADERS"), WAIT_MILLIS);
            assertNotNull(answer, c.received().toString());
            assertEquals("431", answer.headers().status().toString());

            c.request(3, PATH, CHAT);
            RawH2.Frame next = c.await(f -> f.type().equals("HEADERS") && f.streamId() == 3, WAIT_MILLIS);
            assertNotNull(next, c.received().toString());
            assertEquals("200", next.headers().status().toString());
        }
        assertEquals(1, upstream.requests().size() - before, "only the second request reached the provider");
    }

    @Test
    void headerBlockFarOverTheLimit_getsGoAwayProtocolError() throws Exception {
        try (RawH2 c = RawH2.connect(gateway.port()).preface()) {
            c.headersWithoutEnd(1, RawH2.post(PATH));
            for (int i = 0; i < 20 && !c.peerGone(); i++) {
                c.continuation(1, 1000, false); // 20 kB of block: past 1.25 times the 4 KiB limit
            }
            assertClosedWithGoAway(c, Http2Error.PROTOCOL_ERROR);
        }
        assertAnotherConnectionWorks();
    }

    @Test
    void continuationFlood_getsGoAwayEnhanceYourCalm() throws Exception {
        try (RawH2 c = RawH2.connect(gateway.port()).preface()) {
            c.headersWithoutEnd(1, RawH2.post(PATH));
            for (int i = 0; i < 1000 && !c.peerGone(); i++) {
                c.continuation(1, 1, false);
            }
            assertClosedWithGoAway(c, Http2Error.ENHANCE_YOUR_CALM);
        }
        assertAnotherConnectionWorks();
    }

    @Test
    void rapidReset_getsGoAwayAndStartsABoundedNumberOfProviderCalls() throws Exception {
        upstream.setDefault(Behaviour.chatCompletion("fine").withDelay(Duration.ofMillis(500)));
        int before = upstream.requests().size();
        int sent = 0;
        try (RawH2 c = RawH2.connect(gateway.port()).preface()) {
            for (int i = 0; i < 5 * Http2Limits.MAX_RESETS_PER_WINDOW && !c.peerGone(); i++) {
                int id = 1 + 2 * i;
                c.request(id, PATH, CHAT).rst(id, Http2Error.CANCEL);
                sent++;
            }
            assertClosedWithGoAway(c, Http2Error.ENHANCE_YOUR_CALM);
        }
        int reached = upstream.requests().size() - before;
        assertTrue(
                reached <= Http2Limits.MAX_RESETS_PER_WINDOW + MAX_STREAMS,
                reached + " of " + sent + " reset requests reached the provider");
        Await.until("every reset exchange ended", () -> gateway.gateway().inFlight() == 0, Duration.ofSeconds(10));
        upstream.setDefault(Behaviour.chatCompletion("fine"));
        assertAnotherConnectionWorks();
    }

    @Test
    void emptyDataFlood_getsGoAwayEnhanceYourCalm() throws Exception {
        try (RawH2 c = RawH2.connect(gateway.port()).preface()) {
            c.headers(1, RawH2.post(PATH), false);
            for (int i = 0; i < 10 && !c.peerGone(); i++) {
                c.data(1, "", false);
            }
            assertClosedWithGoAway(c, Http2Error.ENHANCE_YOUR_CALM);
        }
        assertAnotherConnectionWorks();
    }

    @Test
    void pingFloodNotReadingTheAcks_isClosed() throws Exception {
        try (RawH2 c = RawH2.connect(gateway.port(), 4096).preface()) {
            int sent = c.pingFlood(5_000_000);
            assertTrue(c.peerGone(), "still open after " + sent + " PINGs");
            assertTrue(c.awaitClose(WAIT_MILLIS));
        }
        assertLoggedOnce("ENHANCE_YOUR_CALM");
        assertAnotherConnectionWorks();
    }

    @Test
    void settingsFloodNotReadingTheAcks_isClosed() throws Exception {
        try (RawH2 c = RawH2.connect(gateway.port(), 4096).preface()) {
            int sent = c.settingsFlood(10_000_000);
            assertTrue(c.peerGone(), "still open after " + sent + " SETTINGS");
            assertTrue(c.awaitClose(WAIT_MILLIS));
        }
        assertLoggedOnce("ENHANCE_YOUR_CALM");
        assertAnotherConnectionWorks();
    }

    /** A gateway with short connection timeouts of its own (server.idle_timeout, server.request_timeout). */
    private static TestGateway startWithShortTimeouts() throws Exception {
        return TestGateway.start("""
                server:
                  request_timeout: 300ms
                  idle_timeout: 3s
                api_provider:
                  p: {base_url: "%s", api_key: provider-key}
                model_config:
                  m: {p: {}}
                """.formatted(upstream.baseUrl()));
    }

    @Test
    void idleConnection_getsGoAwayNoErrorAtTheIdleTimeout() throws Exception {
        try (TestGateway g = startWithShortTimeouts();
                RawH2 c = RawH2.connect(g.port()).preface()) {
            long start = System.nanoTime();
            c.request(1, PATH, CHAT);
            assertNotNull(c.await(f -> f.type().equals("DATA") && f.streamId() == 1, WAIT_MILLIS), "answered");
            RawH2.Frame goAway = c.awaitGoAway(WAIT_MILLIS);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertNotNull(goAway, c.received().toString());
            assertEquals(Http2Error.NO_ERROR.code(), goAway.code());
            assertEquals(1, goAway.streamId(), "the last stream it processed");
            assertTrue(millis >= 3000, "closed after " + millis + " ms, before the idle timeout");
            assertTrue(c.awaitClose(WAIT_MILLIS));
        }
    }

    @Test
    void headerBlockThatNeverEnds_isClosedAtTheRequestTimeoutAndLogged() throws Exception {
        try (TestGateway g = startWithShortTimeouts();
                LogCapture timerLog = LogCapture.of(Http2ConnectionTimer.class);
                RawH2 c = RawH2.connect(g.port()).preface()) {
            int before = upstream.requests().size();
            long start = System.nanoTime();
            c.headersWithoutEnd(1, RawH2.post(PATH)); // and no CONTINUATION

            assertTrue(c.awaitClose(WAIT_MILLIS), "closed");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 300 && millis < 2500, "closed after " + millis + " ms: by the request timeout");
            assertEquals(
                    Http2Error.NO_ERROR.code(),
                    c.awaitGoAway(0).code(),
                    c.received().toString());
            assertEquals(
                    List.of(),
                    upstream.requests().subList(before, upstream.requests().size()));
            Await.until("a line in the log", () -> !timerLog.messages().isEmpty(), Duration.ofSeconds(5));
            assertEquals(1, timerLog.messages().size(), timerLog.messages().toString());
            assertTrue(timerLog.messages().get(0).contains("a header block not complete within 300 ms"));
        }
    }

    @Test
    void frameCutShort_isClosedAtTheRequestTimeout() throws Exception {
        try (TestGateway g = startWithShortTimeouts();
                RawH2 c = RawH2.connect(g.port()).preface()) {
            long start = System.nanoTime();
            c.partialHeaders(1, RawH2.post(PATH), 12); // the frame header and 3 bytes of its block

            assertTrue(c.awaitClose(WAIT_MILLIS), "closed");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 300 && millis < 2500, "closed after " + millis + " ms: by the request timeout");
        }
    }

    @Test
    void overTlsWithAlpn_theSameLimitsAndTimersApply(@TempDir Path dir) throws Exception {
        TestCa ca = TestCa.create("test-ca");
        TestCa.ServerFiles files = ca.issue(dir, "server", "gateway");
        upstream.setDefault(Behaviour.chatCompletion("fine").withDelay(Duration.ofMillis(1000)));
        try (TestGateway g = TestGateway.start("""
                server:
                  tls: {cert_file: %s, key_file: %s}
                  http2_max_concurrent_streams: 1
                  request_timeout: 300ms
                api_provider:
                  p: {base_url: "%s", api_key: provider-key}
                model_config:
                  m: {p: {}}
                """.formatted(files.cert(), files.key(), upstream.baseUrl()))) {
            try (RawH2 c = RawH2.connectTls(g.tlsPort(), ca.sslContext()).preface()) {
                c.request(1, PATH, CHAT).headers(3, RawH2.post(PATH), true);
                RawH2.Frame reset = c.await(f -> f.isReset(3), WAIT_MILLIS);
                assertNotNull(reset, c.received().toString());
                assertEquals(Http2Error.REFUSED_STREAM.code(), reset.code());
                assertNotNull(c.await(f -> f.type().equals("DATA") && f.streamId() == 1, WAIT_MILLIS), "answered");

                long start = System.nanoTime();
                c.headersWithoutEnd(5, RawH2.post(PATH));
                assertTrue(c.awaitClose(WAIT_MILLIS), "closed");
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(millis >= 300 && millis < 2500, "closed after " + millis + " ms: by the request timeout");
            }
        }
    }
}
