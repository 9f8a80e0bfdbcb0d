package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.observe.RequestRecord;
import io.llmgateway.testing.Await;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.H2Client;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.TestCa;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28: each HTTP/2 stream is an exchange of its own. Streams of one connection run side by side, a
 * RST_STREAM cancels that stream's provider request (recorded as a client abort) and leaves the connection
 * usable, a stream whose client grants no window stops the gateway reading its provider, and the admin API works
 * over h2 with TLS, its session cookie Secure.
 */
class Http2StreamsEndToEndTest {
    private static final String CHAT = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String STREAM =
            "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private static String config(Object baseUrl) {
        return """
                api_provider:
                  p: {base_url: "%s", api_key: provider-key}
                model_config:
                  m: {p: {}}
                """.formatted(baseUrl);
    }

    @Test
    void streamsOfOneConnection_areAnsweredSideBySide() throws Exception {
        try (MockUpstream upstream = MockUpstream.start();
                TestGateway g = TestGateway.start(config(upstream.baseUrl()));
                H2Client h2 = H2Client.connect(g.port())) {
            upstream.setDefault(Behaviour.chatCompletion("side by side").withDelay(Duration.ofMillis(200)));
            List<H2Client.Stream> streams = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                H2Client.Stream s = h2.open(true);
                s.request("POST", "/v1/chat/completions", CHAT);
                streams.add(s);
            }
            for (H2Client.Stream s : streams) {
                H2Client.Frame head = s.head(WAIT);
                assertEquals("200", head.status());
                assertNull(head.headers().get("connection"));
                assertTrue(s.body(WAIT).contains("side by side"));
            }
            assertEquals(8, upstream.requests().size());
            assertFalse(
                    upstream.requests().get(0).headers().keySet().stream()
                            .anyMatch(n -> n.toLowerCase(java.util.Locale.ROOT).startsWith("x-http2")),
                    "Netty's conversion headers stay in the gateway");
        }
    }

    @Test
    void rstStream_cancelsTheProviderRequest_andTheConnectionGoesOn() throws Exception {
        try (MockUpstream upstream = MockUpstream.start();
                TestGateway g = TestGateway.start(config(upstream.baseUrl()));
                H2Client h2 = H2Client.connect(g.port())) {
            List<String> deltas = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                deltas.add("word" + i + ' ');
            }
            upstream.enqueue(Behaviour.sse(deltas).paced(Duration.ofMillis(20)));
            BlockingQueue<RequestRecord> records = new LinkedBlockingQueue<>();
            g.gateway().observers().add(records::add);

            H2Client.Stream s = h2.open(true);
            s.request("POST", "/v1/chat/completions", STREAM);
            assertEquals("200", s.head(WAIT).status());
            assertTrue(s.next(WAIT).data().contains("data:"), "some events arrive");
            s.reset();

            RequestRecord record = records.poll(10, TimeUnit.SECONDS);
            assertEquals("client_closed", record.errorType(), record.toString());
            assertEquals("cancelled", record.attempts().get(0).outcome());
            assertTrue(upstream.awaitConnectionsClosed(1, WAIT), "the provider's request was cancelled");

            upstream.enqueue(Behaviour.chatCompletion("still here"));
            H2Client.Stream next = h2.open(true);
            next.request("POST", "/v1/chat/completions", CHAT);
            assertEquals("200", next.head(WAIT).status());
            assertTrue(next.body(WAIT).contains("still here"));
        }
    }

    @Test
    void gracefulShutdown_sendsGoAway_andTheStreamUnderWayFinishes() throws Exception {
        try (MockUpstream upstream = MockUpstream.start();
                TestGateway g = TestGateway.start(config(upstream.baseUrl()));
                H2Client h2 = H2Client.connect(g.port())) {
            upstream.enqueue(Behaviour.sse(List.of("one ", "two ", "three")).paced(Duration.ofMillis(100)));
            H2Client.Stream s = h2.open(true);
            s.request("POST", "/v1/chat/completions", STREAM);
            assertEquals("200", s.head(WAIT).status());

            int left = g.server().shutdownGracefully(Duration.ofSeconds(10));

            assertEquals(0, left);
            assertTrue(h2.awaitGoAway(WAIT), "GOAWAY tells the client to go elsewhere");
            String body = s.body(WAIT);
            assertTrue(body.contains("three") && body.contains("[DONE]"), body);
        }
    }

    @Test
    void streamThatNeverSendsItsBody_gets408_andTheConnectionGoesOn() throws Exception {
        try (MockUpstream upstream = MockUpstream.start();
                TestGateway g = TestGateway.start("""
                        server:
                          request_timeout: 300ms
                        """ + config(upstream.baseUrl()));
                H2Client h2 = H2Client.connect(g.port())) {
            H2Client.Stream stalled = h2.open(true);
            stalled.headOnly("POST", "/v1/chat/completions");
            assertEquals("408", stalled.head(WAIT).status());
            assertTrue(stalled.body(WAIT).contains("server.request_timeout"));

            upstream.enqueue(Behaviour.chatCompletion("after the 408"));
            H2Client.Stream next = h2.open(true);
            next.request("POST", "/v1/chat/completions", CHAT);
            assertEquals("200", next.head(WAIT).status());
            assertTrue(next.body(WAIT).contains("after the 408"));
        }
    }

    @Test
    void streamWithoutWindow_stopsReadingTheProvider_untilTheClientReads() throws Exception {
        try (ServerSocket provider = new ServerSocket(0)) {
            AtomicLong written = new AtomicLong();
            CountDownLatch finished = new CountDownLatch(1);
            Thread writer =
                    new Thread(() -> BackpressureEndToEndTest.serveHugeStream(provider, written, finished), "huge-sse");
            writer.setDaemon(true);
            writer.start();
            try (TestGateway g =
                            TestGateway.start("""
                            upstream:
                              stream_idle_timeout: 30s
                            """ + config("http://127.0.0.1:" + provider.getLocalPort() + "/v1"));
                    H2Client h2 = H2Client.connect(g.port())) {
                H2Client.Stream slow = h2.open(false); // reads nothing: no WINDOW_UPDATE goes back
                slow.request("POST", "/v1/chat/completions", STREAM);
                Await.until("the provider writes", () -> written.get() > 0);
                long stalledAt = Await.settled(
                        "the provider's writes", written::get, Duration.ofMillis(500), Duration.ofSeconds(20));
                assertTrue(
                        stalledAt < 24L * 1024 * 1024,
                        "the gateway kept reading for a stream without window: " + (stalledAt >> 20) + " MiB");

                slow.readAll();
                assertEquals("200", slow.head(WAIT).status());
                long received = slow.drain(Duration.ofSeconds(60));
                assertTrue(finished.await(30, TimeUnit.SECONDS), "the provider never got to write everything");
                assertTrue(received >= 64L * 1024 * 1024, "received only " + received + " bytes");
            }
        }
    }

    @Test
    void adminApiOverTlsAndH2_sessionCookieIsSecure() throws Exception {
        TestCa ca = TestCa.create("test-ca");
        TestCa.ServerFiles server = ca.issue(dir, "server", "gateway");
        String token = "admin-token-for-the-h2-test-0123456789";
        try (MockUpstream upstream = MockUpstream.start();
                TestGateway g = TestGateway.start(
                        """
                        server:
                          tls: {cert_file: %s, key_file: %s}
                        admin:
                          token: %s
                        """.formatted(server.cert(), server.key(), token) + config(upstream.baseUrl()))) {
            HttpClient h2 = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_2)
                    .sslContext(ca.sslContext())
                    .build();
            String base = g.tlsUrl("").replace("127.0.0.1", "localhost");
            HttpResponse<String> page = h2.send(
                    HttpRequest.newBuilder(URI.create(base + "/admin")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(HttpClient.Version.HTTP_2, page.version());
            assertEquals(200, page.statusCode());

            HttpResponse<String> login = h2.send(
                    HttpRequest.newBuilder(URI.create(base + "/api/login"))
                            .header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token + "\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(HttpClient.Version.HTTP_2, login.version());
            assertEquals(204, login.statusCode(), login.body());
            String cookie = login.headers().firstValue("set-cookie").orElseThrow();
            assertTrue(cookie.contains("; Secure;"), cookie);

            HttpResponse<String> overview = h2.send(
                    HttpRequest.newBuilder(URI.create(base + "/api/session"))
                            .header("cookie", cookie.substring(0, cookie.indexOf(';')))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(overview.body().contains("\"authenticated\":true"), overview.body());
            HttpResponse<String> metrics = h2.send(
                    HttpRequest.newBuilder(URI.create(base + "/metrics"))
                            .header("authorization", "Bearer " + token)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(HttpClient.Version.HTTP_2, metrics.version());
            assertEquals(200, metrics.statusCode(), metrics.body());
        }
    }
}
