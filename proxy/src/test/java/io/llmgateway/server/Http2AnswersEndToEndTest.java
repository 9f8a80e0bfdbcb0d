package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.H2Client;
import io.llmgateway.testing.MockUpstream;
import io.netty.handler.codec.http2.Http2Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A provider's answer on an HTTP/2 stream (Http2AnswerWriter) carries the headers the same answer has on HTTP/1.1
 * (ForwardingEndToEndTest): the provider's end-to-end headers, in lower case; none of its hop-by-hop ones or
 * those the gateway replaces; the gateway's own; the body's length when the gateway sends it unchanged. The
 * answers the codec writes (a provider's error) take turns with them on one connection.
 */
class Http2AnswersEndToEndTest {
    private static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void providersAnswer_hasTheHeadersOfAnHttp11Answer() throws Exception {
        Behaviour answer = Behaviour.chatCompletion("Hello there", 12, 3)
                .withHeader("Openai-Processing-Ms", "7")
                .withHeader("Keep-Alive", "timeout=5")
                .withHeader("Proxy-Authenticate", "Basic")
                .withHeader("X-RateLimit-Remaining-Requests", "1")
                .withHeader("x-request-id", "provider-own-id")
                .withHeader("x-gateway-model", "spoofed");
        try (MockUpstream upstream = MockUpstream.start();
                TestGateway g = TestGateway.start("""
                        api_provider:
                          p: {base_url: "%s", api_key: provider-key}
                        model_config:
                          gpt-4o: {p: {}}
                        """.formatted(upstream.baseUrl()));
                H2Client h2 = H2Client.connect(g.port())) {
            upstream.enqueue(
                    answer,
                    Behaviour.error(400, "invalid_request_error", "messages: too short"),
                    answer,
                    Behaviour.sse("Hel", "lo"));

            for (String id : List.of("r-1", "r-2")) {
                H2Client.Stream s = h2.open(true);
                s.request("POST", "/v1/chat/completions", CHAT + "}", "x-request-id", id);
                Http2Headers head = s.head(WAIT).headers();
                String body = s.body(WAIT);
                assertEquals("200", head.status().toString());
                assertTrue(body.contains("Hello there"), body);
                assertEquals("7", text(head, "openai-processing-ms"));
                assertEquals(id, text(head, "x-request-id"));
                assertEquals("gpt-4o", text(head, "x-gateway-model"));
                assertEquals(
                        Integer.toString(body.getBytes(StandardCharsets.UTF_8).length), text(head, "content-length"));
                assertEquals("application/json", text(head, "content-type"));
                assertTrue(text(head, "server-timing").startsWith(ServerTiming.PRE + ";dur="), head.toString());
                for (String gone : List.of("keep-alive", "proxy-authenticate", "connection", "transfer-encoding")) {
                    assertNull(head.get(gone), gone + " in " + head);
                }
                assertNull(head.get("x-ratelimit-remaining-requests"), "a provider's own limits stay in the gateway");
                assertEquals(1, head.getAll("x-request-id").size());
                for (Map.Entry<CharSequence, CharSequence> e : head) {
                    String name = e.getKey().toString();
                    assertEquals(name.toLowerCase(java.util.Locale.ROOT), name, "HTTP/2 names are lower case");
                }

                if (id.equals("r-1")) {
                    H2Client.Stream error = h2.open(true);
                    error.request("POST", "/v1/chat/completions", CHAT + "}");
                    assertEquals("400", error.head(WAIT).status());
                    assertTrue(error.body(WAIT).contains("messages: too short"));
                }
            }

            H2Client.Stream stream = h2.open(true);
            stream.request("POST", "/v1/chat/completions", CHAT + ",\"stream\":true}");
            Http2Headers head = stream.head(WAIT).headers();
            String events = stream.body(WAIT);
            assertEquals("200", head.status().toString());
            assertEquals("text/event-stream", text(head, "content-type").split(";")[0]);
            assertNull(head.get("content-length"), "a stream's length is not known");
            assertNull(head.get("transfer-encoding"));
            assertTrue(events.contains("\"Hel\"") && events.contains("[DONE]"), events);
            assertFalse(text(head, "x-request-id").isEmpty());
        }
    }

    private static String text(Http2Headers head, String name) {
        CharSequence v = head.get(name);
        if (v == null) {
            throw new AssertionError(name + " missing from " + head);
        }
        return v.toString();
    }
}
