package io.llmgateway.observe;

import static io.llmgateway.testing.ChatBodies.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.server.TestGateway;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.TestJson;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 7: GET /api/usage after known traffic. */
class UsageEndToEndTest {
    @RegisterExtension
    final MockUpstream main = MockUpstream.start();

    @RegisterExtension
    final MockUpstream spare = MockUpstream.start();

    private TestGateway gateway(String extra) throws Exception {
        return TestGateway.start(extra + """
                api_provider:
                  main:
                    base_url: %s
                  spare:
                    base_url: %s
                model_config:
                  gpt-4o:
                    main: {}
                    spare: {}
                  gpt-4o-mini:
                    spare: {}
                """.formatted(main.baseUrl(), spare.baseUrl()));
    }

    @Test
    void usage_afterKnownTraffic() throws Exception {
        try (TestGateway g = gateway("")) {
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
            main.enqueue(Behaviour.error(503, "server_error", "down"));
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
            spare.enqueue(Behaviour.chatCompletion("x", 20, 2));
            assertEquals(
                    200,
                    g.post("/v1/chat/completions", CHAT.replace("gpt-4o", "gpt-4o-mini"))
                            .statusCode());
            assertEquals(
                    404,
                    g.post("/v1/chat/completions", CHAT.replace("gpt-4o", "made-up"))
                            .statusCode());

            HttpResponse<String> r = g.get("/api/usage");

            assertEquals(200, r.statusCode(), r.body());
            assertEquals(
                    "application/json", r.headers().firstValue("content-type").orElse(""));
            Object json = TestJson.parse(r.body());
            assertEquals(
                    List.of("since", "uptime_seconds", "providers", "models", "spend"),
                    List.copyOf(((Map<?, ?>) json).keySet()));
            for (String window : List.of("last_minute", "last_hour", "last_day", "total")) {
                assertEquals(counts(2, 15, 1), TestJson.at(json, "providers", "main", window), window);
                assertEquals(counts(2, 37, 0), TestJson.at(json, "providers", "spare", window), window);
                assertEquals(counts(2, 30, 0), TestJson.at(json, "models", "gpt-4o", window), window);
                assertEquals(counts(1, 22, 0), TestJson.at(json, "models", "gpt-4o-mini", window), window);
                assertEquals(counts(1, 0, 1), TestJson.at(json, "models", "other", window), window);
            }
            assertEquals(List.of("main", "spare"), List.copyOf(((Map<?, ?>) TestJson.at(json, "providers")).keySet()));
            assertTrue(r.body().indexOf("made-up") < 0, r.body());
        }
    }

    @Test
    void usage_listsConfiguredRowsWithZeros() throws Exception {
        try (TestGateway g = gateway("")) {
            Object json = TestJson.parse(g.get("/api/usage").body());

            assertEquals(counts(0, 0, 0), TestJson.at(json, "providers", "spare", "last_day"));
            assertEquals(
                    List.of("gpt-4o", "gpt-4o-mini"), List.copyOf(((Map<?, ?>) TestJson.at(json, "models")).keySet()));
        }
    }

    @Test
    void usage_requiresAdminAccess() throws Exception {
        try (TestGateway g = gateway("admin:\n  token: usage-test-token\n")) {
            assertEquals(401, g.get("/api/usage").statusCode());
            HttpResponse<String> ok = g.http()
                    .send(
                            HttpRequest.newBuilder(URI.create(g.url("/api/usage")))
                                    .header("authorization", "Bearer usage-test-token")
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode());
            assertEquals(
                    405,
                    g.http()
                            .send(
                                    HttpRequest.newBuilder(URI.create(g.url("/api/usage")))
                                            .header("authorization", "Bearer usage-test-token")
                                            .DELETE()
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode());
        }
    }

    private static Map<String, Object> counts(long requests, long tokens, long errors) {
        return Map.of("requests", requests, "tokens", tokens, "errors", errors);
    }
}
