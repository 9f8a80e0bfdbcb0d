package io.llmgateway.server;

import static io.llmgateway.testing.ChatBodies.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.Await;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RawHttp;
import io.llmgateway.testing.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 8: broken providers. Each fault ends in a clean client error or a failover, and the broken
 * upstream connection is closed, never pooled (the next request arrives on a new connection).
 */
class UpstreamFaultsEndToEndTest {
    private MockUpstream upstream;
    private TestGateway gateway;

    @BeforeEach
    void start() throws Exception {
        upstream = MockUpstream.start();
        gateway = TestGateway.start("""
                upstream:
                  response_timeout: 500ms
                routing:
                  max_attempts: 1
                  failure_threshold: 100
                api_provider:
                  p:
                    base_url: %s
                model_config:
                  gpt-4o:
                    p: {}
                """.formatted(upstream.baseUrl()));
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
    }

    /** Sends a fault, then a normal request, and checks the second did not reuse the broken connection. */
    private HttpResponse<String> faultThenHealthy(Behaviour fault) throws Exception {
        upstream.enqueue(fault);
        HttpResponse<String> faulty = gateway.post("/v1/chat/completions", CHAT);
        HttpResponse<String> healthy = gateway.post("/v1/chat/completions", CHAT);

        assertEquals(200, healthy.statusCode(), healthy.body());
        List<RecordedRequest> seen = upstream.requests();
        RecordedRequest broken = seen.get(seen.size() - 2);
        RecordedRequest next = seen.get(seen.size() - 1);
        assertNotEquals(broken.connectionId(), next.connectionId(), "a broken connection went back to the pool");
        return faulty;
    }

    @Test
    void garbageInsteadOfHttp_is502() throws Exception {
        HttpResponse<String> r = faultThenHealthy(Behaviour.garbage());

        assertEquals(502, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"error\":{"), r.body());
    }

    @Test
    void halfSentHeaders_is502() throws Exception {
        HttpResponse<String> r = faultThenHealthy(Behaviour.halfHeaders());

        assertEquals(502, r.statusCode(), r.body());
    }

    @Test
    void connectionDroppedWithoutAnswer_is502() throws Exception {
        HttpResponse<String> r = faultThenHealthy(Behaviour.dropConnection());

        assertEquals(502, r.statusCode(), r.body());
    }

    @Test
    void stall_is504() throws Exception {
        HttpResponse<String> r = faultThenHealthy(Behaviour.stall());

        assertEquals(504, r.statusCode(), r.body());
    }

    @Test
    void streamResetMidBody_endsWithErrorEvent_andConnectionIsNotReused() throws Exception {
        upstream.enqueue(Behaviour.sse(List.of("a", "b", "c", "d")).resetAfter(2));
        HttpResponse<String> r =
                gateway.post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}");
        HttpResponse<String> next = gateway.post("/v1/chat/completions", CHAT);

        assertTrue(r.body().contains("\"error\":{"), r.body());
        assertEquals(200, next.statusCode());
        List<RecordedRequest> seen = upstream.requests();
        assertNotEquals(seen.get(0).connectionId(), seen.get(1).connectionId());
    }

    @Test
    void streamOfAnnouncedLengthBrokenMidBody_isCutWithoutAnEventPastThatLength() throws Exception {
        // An error event after part of a body of announced length would be read as the start of the next
        // answer on this connection: the client must see the connection end instead. HTTP/1.1 clients get the
        // head the gateway writes as bytes, a kept-alive HTTP/1.0 client the one Netty's encoder writes.
        String events = "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n"
                + "data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}\n\n";
        try (ServerSocket provider = new ServerSocket(0)) {
            Thread answers = new Thread(
                    () -> {
                        while (!provider.isClosed()) {
                            try (Socket s = provider.accept()) {
                                readRequest(s.getInputStream());
                                s.getOutputStream()
                                        .write(("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                                                        + "content-length: 10000\r\n\r\n" + events)
                                                .getBytes(StandardCharsets.US_ASCII));
                                s.getOutputStream().flush();
                            } catch (IOException ignored) {
                                // closed at the end of the test; the assertions tell anything else that went wrong
                            }
                        }
                    },
                    "short-stream-provider");
            answers.setDaemon(true);
            answers.start();
            try (TestGateway g = TestGateway.start("""
                    api_provider:
                      short:
                        base_url: http://127.0.0.1:%d/v1
                    model_config:
                      gpt-4o:
                        short: {}
                    """.formatted(provider.getLocalPort()))) {
                String request = RawHttp.post(
                        "/v1/chat/completions",
                        "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                                + "\"messages\":[]}");
                for (String version : List.of("HTTP/1.1", "HTTP/1.0")) {
                    String sent = version.equals("HTTP/1.1")
                            ? request
                            : request.replace(" HTTP/1.1\r\n", " HTTP/1.0\r\nConnection: keep-alive\r\n");
                    try (RawHttp client = RawHttp.connect(g.port())) {
                        String got = client.send(sent).readUntilClose(5_000);

                        assertTrue(got.startsWith(version + " 200 OK\r\n"), got);
                        assertTrue(got.toLowerCase().contains("\r\ncontent-length: 10000\r\n"), got);
                        assertTrue(
                                got.endsWith("\r\n\r\n" + events) || got.endsWith("\r\n\r\n" + events + "\n<<reset>>"),
                                version + ": " + got);
                    }
                }
            }
        }
    }

    /** Reads a request's head and its Content-Length body. */
    private static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.indexOf("\r\n\r\n") < 0) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("request ended early: " + head);
            }
            head.append((char) b);
        }
        Matcher length = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)").matcher(head);
        in.readNBytes(length.find() ? Integer.parseInt(length.group(1)) : 0);
    }

    @Test
    void slowDripWithinTheTimeout_arrivesWhole() throws Exception {
        upstream.enqueue(Behaviour.chatCompletion("dripped answer").slowDrip(64, Duration.ofMillis(5)));

        HttpResponse<String> r = gateway.post("/v1/chat/completions", CHAT);

        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("dripped answer"), r.body());
    }

    @Test
    void slowDripPastTheTimeout_cutsTheResponse() throws Exception {
        upstream.enqueue(Behaviour.chatCompletion("x".repeat(2000)).slowDrip(16, Duration.ofMillis(20)));

        CompletableFuture<HttpResponse<String>> r = gateway.http()
                .sendAsync(
                        HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions")))
                                .header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(CHAT))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

        // Either the headers never came (504) or the body was cut: never a silently complete-looking answer.
        try {
            HttpResponse<String> response = r.get();
            assertEquals(504, response.statusCode(), response.body());
        } catch (java.util.concurrent.ExecutionException cut) {
            assertTrue(cut.getCause() instanceof java.io.IOException, cut.toString());
        }
    }

    @Test
    void hugeResponse_isStreamedThrough() throws Exception {
        String big = "y".repeat(8 * 1024 * 1024);
        upstream.enqueue(Behaviour.chatCompletion(big));
        // This test's shared gateway gives a response 500 ms; 8 MiB on a busy machine may need more.
        try (TestGateway patient = TestGateway.start("""
                api_provider:
                  p:
                    base_url: %s
                model_config:
                  gpt-4o:
                    p: {}
                """.formatted(upstream.baseUrl()))) {
            HttpResponse<String> r = patient.post("/v1/chat/completions", CHAT);

            assertEquals(200, r.statusCode());
            assertTrue(r.body().length() > big.length(), "length " + r.body().length());
        }
    }

    @Test
    void manyFaultsInARow_leaveNoOpenUpstreamConnectionsBehind() throws Exception {
        List<Behaviour> faults = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            faults.add(Behaviour.garbage());
            faults.add(Behaviour.halfHeaders());
            faults.add(Behaviour.dropConnection());
        }
        for (Behaviour f : faults) {
            upstream.enqueue(f);
            gateway.post("/v1/chat/completions", CHAT);
        }
        Await.until(
                "every provider connection closed",
                () -> gateway.gateway().upstream().openConnections() == 0,
                Duration.ofSeconds(2));
    }
}
