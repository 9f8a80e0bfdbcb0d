package io.llmgateway.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.MockUpstream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The response cache from the shaded jar: Caffeine is in it, a repeated request is a hit, a stream replays. */
class CacheIT {
    private static final String TOKEN = "admin-token-for-the-cache-it-0123456789";

    @TempDir
    Path dir;

    @Test
    void shadedJar_cachedModel_answersARepeatFromMemory_asJsonAndAsAStream() throws Exception {
        try (MockUpstream upstream = GatewayClient.provider()) {
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, """
                    server:
                      host: 127.0.0.1
                    admin: {token: %s}
                    cache: {max_size: 8MiB, ttl: 5m}
                    api_provider:
                      mock:
                        base_url: %s
                    model_config:
                      gpt-4o:
                        cache: true
                        mock: {}
                    """.formatted(TOKEN, upstream.baseUrl()));
            try (GatewayProcess gateway = GatewayProcess.start(dir, "--config", config.toString(), "--port", "0")) {
                GatewayClient client = gateway.client();
                HttpResponse<String> miss =
                        client.post("/v1/chat/completions", GatewayClient.chatBody("gpt-4o", false));
                assertEquals(200, miss.statusCode(), miss.body());
                assertEquals(
                        "miss", miss.headers().firstValue("x-gateway-cache").orElseThrow());
                HttpResponse<String> hit = client.post("/v1/chat/completions", GatewayClient.chatBody("gpt-4o", false));
                assertEquals("hit", hit.headers().firstValue("x-gateway-cache").orElseThrow());
                assertEquals(miss.body(), hit.body());
                HttpResponse<String> stream =
                        client.post("/v1/chat/completions", GatewayClient.chatBody("gpt-4o", true));
                assertEquals(
                        "hit", stream.headers().firstValue("x-gateway-cache").orElseThrow());
                assertTrue(stream.body().endsWith("data: [DONE]\n\n"), stream.body());
                assertEquals(1, upstream.requests().size());
                HttpResponse<String> view = client.get("/api/cache", "authorization", "Bearer " + TOKEN);
                assertEquals(200, view.statusCode(), view.body());
                assertTrue(view.body().contains("\"entries\":1"), view.body());
                assertTrue(view.body().contains("\"hits\":2"), view.body());
                gateway.assertStopsCleanly();
            }
        }
    }
}
