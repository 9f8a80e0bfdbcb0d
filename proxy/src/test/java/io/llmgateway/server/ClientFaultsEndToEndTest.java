package io.llmgateway.server;

import static io.llmgateway.testing.ChatBodies.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RawHttp;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 8: malformed, oversized, ambiguous, slow and hostile client requests, sent over raw sockets. */
class ClientFaultsEndToEndTest {
    private static MockUpstream upstream;
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = MockUpstream.start();
        gateway = TestGateway.start("""
                server:
                  max_body_size: 64KiB
                  max_request_line: 1KiB
                  max_header_size: 4KiB
                  max_headers: 20
                  request_timeout: 400ms
                  idle_timeout: 1s
                api_provider:
                  p:
                    base_url: %s
                model_config:
                  gpt-4o:
                    p: {}
                """.formatted(upstream.baseUrl()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private int forwardedBefore;

    @BeforeEach
    void noteForwardedSoFar() {
        forwardedBefore = upstream.requests().size();
    }

    private int forwarded() {
        return upstream.requests().size() - forwardedBefore;
    }

    private static String exchange(String raw) throws Exception {
        try (RawHttp c = RawHttp.connect(gateway.port())) {
            return c.send(raw).readUntilClose(3000);
        }
    }

    @Test
    void requestLineTooLong_is414() throws Exception {
        String r = exchange("GET /v1/models?" + "x".repeat(2000) + " HTTP/1.1\r\nHost: gw\r\n\r\n");

        assertTrue(r.startsWith("HTTP/1.1 414"), r);
        assertTrue(r.contains("\"error\":{"), r);
        assertFalse(r.contains("<<timeout"), "connection must be closed: " + r);
    }

    @Test
    void headersTooLarge_is431() throws Exception {
        String r = exchange("GET /v1/models HTTP/1.1\r\nHost: gw\r\nX-Big: " + "y".repeat(5000) + "\r\n\r\n");

        assertTrue(r.startsWith("HTTP/1.1 431"), r);
    }

    @Test
    void tooManyHeaders_is431() throws Exception {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            headers.append("X-H").append(i).append(": v\r\n");
        }
        String r = exchange("GET /v1/models HTTP/1.1\r\nHost: gw\r\n" + headers + "\r\n");

        assertTrue(r.startsWith("HTTP/1.1 431"), r);
        assertTrue(r.contains("server.max_headers"), r);
    }

    @Test
    void bodyTooLarge_is413_beforeTheBodyIsSent() throws Exception {
        try (RawHttp c = RawHttp.connect(gateway.port())) {
            // Only the head: the verdict must come without waiting for 10 MB that never arrive.
            String r = c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
                            + "Content-Length: 10000000\r\n\r\n")
                    .readUntilClose(3000);

            assertTrue(r.startsWith("HTTP/1.1 413"), r);
            assertTrue(r.contains("\"code\":\"request_too_large\""), r);
        }
        assertEquals(0, forwarded());
    }

    @Test
    void slowBody_gets408() throws Exception {
        try (RawHttp c = RawHttp.connect(gateway.port())) {
            c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"model\":");
            String r = c.readUntilClose(5000);

            assertTrue(r.startsWith("HTTP/1.1 408"), r);
        }
        assertEquals(0, forwarded());
    }

    @Test
    void longStreamingResponse_isNotCutByTheRequestDeadline() throws Exception {
        upstream.enqueue(Behaviour.sse(List.of("a", "b", "c", "d", "e", "f")).paced(Duration.ofMillis(200)));

        HttpResponse<String> r =
                gateway.post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}");

        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("[DONE]"), r.body());
    }

    @Test
    void idleKeepAliveConnection_isClosed() throws Exception {
        try (RawHttp c = RawHttp.connect(gateway.port())) {
            String r = c.send("GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n").readResponse();
            assertTrue(r.startsWith("HTTP/1.1 200"), r);

            assertTrue(c.isClosedByPeer(3000), "idle connection should be closed after idle_timeout");
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
                "Content-Length: 5\r\nContent-Length: 6\r\n",
                "Content-Length: 5, 5\r\n",
                "Transfer-Encoding: xchunked\r\n",
                "Transfer-Encoding: chunked, identity\r\n",
                "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
                "Content-Length: +5\r\n",
            })
    void ambiguousFraming_is400_andNothingIsForwarded(String framing) throws Exception {
        String r = exchange("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\n" + framing
                + "\r\n0\r\n\r\nPOST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Length: "
                + CHAT.length() + "\r\n\r\n" + CHAT);

        assertTrue(r.startsWith("HTTP/1.1 400"), r);
        assertFalse(r.contains("<<timeout"), "connection must be closed: " + r);
        assertEquals(
                1,
                Pattern.compile("(^|\r\n)HTTP/1\\.1 \\d{3} ")
                        .matcher(r)
                        .results()
                        .count(),
                "exactly one response: " + r);
        assertEquals(0, forwarded(), "nothing ambiguous may be forwarded");
    }

    @Test
    void http10Client_getsAStreamWithoutChunkedFraming_endedByClose() throws Exception {
        upstream.enqueue(Behaviour.sse(List.of("old", "client")));
        byte[] body = "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}".getBytes(StandardCharsets.UTF_8);

        String r = exchange("POST /v1/chat/completions HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n\r\n" + new String(body, StandardCharsets.ISO_8859_1));

        assertTrue(r.startsWith("HTTP/1.0 200"), r);
        assertFalse(r.toLowerCase().contains("transfer-encoding"), r);
        assertTrue(r.contains("data: {") && r.contains("[DONE]"), r);
        assertFalse(r.contains("<<timeout"), "the end of the body is the close: " + r);
    }

    @Test
    void absoluteFormTarget_isRefused_noRequestLeavesForThatHost() throws Exception {
        String r = exchange(RawHttp.post("http://169.254.169.254/v1/chat/completions", CHAT));

        assertTrue(r.startsWith("HTTP/1.1 400"), r);
        assertTrue(r.contains("origin-form"), r);
        assertEquals(0, forwarded());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/v1/../admin",
                "/v1/%2e%2e/x",
                "/v1//chat/completions",
                "/v1/a%2fb",
                "/v1/%2E%2E/x",
                "/v1/a%5Cb",
                "/v1/a\\b",
                "/v1/.."
            })
    void dotSegmentsAndEncodedSlashes_areRefused(String path) throws Exception {
        String r = exchange(RawHttp.post(path, CHAT));

        assertTrue(r.startsWith("HTTP/1.1 400"), r);
        assertEquals(0, forwarded());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"model\": 5, \"messages\": []}",
                "{\"model\": \"gpt-4o\", \"messages\": \"x\"}",
                "{\"model\": \"gpt-4o\", \"stream\": \"yes\"}",
                "[1, 2, 3]",
                "{\"model\": \"gpt-4o\"",
                "",
            })
    void malformedBodies_are400_andTheConnectionStaysUsable(String body) throws Exception {
        try (RawHttp c = RawHttp.connect(gateway.port())) {
            String first = c.send(RawHttp.post("/v1/chat/completions", body)).readResponse();
            String second = c.send(RawHttp.post("/v1/chat/completions", CHAT)).readResponse();

            assertTrue(first.startsWith("HTTP/1.1 400"), first);
            assertTrue(first.contains("\"type\":\"invalid_request_error\""), first);
            assertTrue(second.startsWith("HTTP/1.1 200"), second);
        }
    }

    @Test
    void invalidUtf8_is400() throws Exception {
        byte[] body = "{\"model\":\"gpt-4o\",\"messages\":[\"\u00ff\u00fe\"]}".getBytes(StandardCharsets.ISO_8859_1);
        byte[] head = ("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        try (RawHttp c = RawHttp.connect(gateway.port())) {
            String r = c.send(all).readResponse();

            assertTrue(r.startsWith("HTTP/1.1 400"), r);
        }
    }

    @Test
    void deeplyNestedJson_is400() throws Exception {
        String bomb = "{\"model\":\"gpt-4o\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";

        HttpResponse<String> r = gateway.post("/v1/chat/completions", bomb);

        assertEquals(400, r.statusCode(), r.body());
    }

    @Test
    void manyConcurrentBadClients_doNotDisturbAGoodOne() throws Exception {
        List<RawHttp> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                slow.add(RawHttp.connect(gateway.port()).send("POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\n"));
            }
            CompletableFuture<HttpResponse<String>> good = CompletableFuture.supplyAsync(() -> {
                try {
                    return gateway.post("/v1/chat/completions", CHAT);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });

            assertEquals(200, good.get().statusCode());
        } finally {
            for (RawHttp c : slow) {
                c.close();
            }
        }
    }
}
