package io.llmgateway.admin;

import static io.llmgateway.admin.AdminClient.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.server.TestGateway;
import io.llmgateway.testing.MockUpstream;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /api/cache} and {@code POST /api/cache/clear}, and the cache's metrics. */
class CacheAdminTest {
    private static final String CHAT =
            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String TOKEN = "admin-token-for-the-cache-test-0123456789";

    @RegisterExtension
    final MockUpstream upstream = MockUpstream.start();

    private TestGateway gateway() throws Exception {
        return TestGateway.start("""
                admin: {token: %s}
                metrics: {require_admin: false}
                api_provider:
                  acme: {base_url: "%s", api_key: sk-cache-admin-provider}
                model_config:
                  gpt-4o-mini:
                    cache: true
                    acme: {price: {input: 1, output: 2}}
                """.formatted(TOKEN, upstream.baseUrl()));
    }

    @Test
    void view_showsSizeEntriesHitRatioAndSavings_clearDropsTheEntries() throws Exception {
        try (TestGateway g = gateway()) {
            AdminClient api = new AdminClient(g, "authorization", "Bearer " + TOKEN);
            g.post("/v1/chat/completions", CHAT);
            g.post("/v1/chat/completions", CHAT);
            g.post("/v1/chat/completions", CHAT);
            HttpResponse<String> view = api.get("/api/cache");
            assertEquals(200, view.statusCode(), view.body());
            assertEquals(1, ((Number) at(view, "entries")).intValue());
            assertEquals(2, ((Number) at(view, "hits")).intValue());
            assertEquals(1, ((Number) at(view, "misses")).intValue());
            assertEquals(0.667, ((Number) at(view, "hit_ratio")).doubleValue(), 1e-9);
            assertEquals(30, ((Number) at(view, "saved_tokens")).intValue());
            assertEquals("0.00004", at(view, "saved_usd"));
            assertTrue(((Number) at(view, "bytes")).longValue() > 0);
            assertEquals("gpt-4o-mini", at(view, "models", 0));

            String metrics = g.get("/metrics").body();
            assertTrue(metrics.contains("llm_gateway_cache_requests_total{result=\"hit\"} 2"), metrics);
            assertTrue(metrics.contains("llm_gateway_cache_requests_total{result=\"miss\"} 1"), metrics);
            assertTrue(metrics.contains("llm_gateway_cache_entries 1"), metrics);
            assertTrue(metrics.contains("llm_gateway_cache_saved_tokens_total 30"), metrics);

            assertEquals(401, new AdminClient(g).post("/api/cache/clear", "{}").statusCode());
            assertEquals(
                    415,
                    api.post("/api/cache/clear", "{}", "content-type", "text/plain")
                            .statusCode(),
                    "a state-changing call is JSON only (CSRF)");
            assertEquals(1, g.gateway().cache().entries());
            HttpResponse<String> cleared = api.post("/api/cache/clear", "{}");
            assertEquals(200, cleared.statusCode(), cleared.body());
            assertEquals(1, ((Number) at(cleared, "cleared")).intValue());
            assertEquals(0, ((Number) at(api.get("/api/cache"), "entries")).intValue());
            assertFalse(api.get("/api/cache").body().contains("sk-cache-admin-provider"));
        }
    }
}
