package io.llmgateway.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RedisServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two jars sharing one provider's limit through a real redis-server ({@code limits_store}): the Redis client and
 * everything it loads (its logging included) must be in the jar, and the shared count must be exact across
 * processes. Skipped, saying so, only when redis-server is not installed.
 */
class SharedLimitsIT {
    private static final int RPM = 10;
    private static final int RACERS = 40;

    @TempDir
    Path dir;

    @Test
    void twoJarsOnOneRedis_admitExactlyTheSharedRpm_ofFortyRacingRequests() throws Exception {
        try (RedisServer redis = RedisServer.startOrSkip();
                MockUpstream upstream = GatewayClient.provider()) {
            // A generous store timeout: this case is about exactness, and a loaded machine must not fall back.
            // A fallback share of 1 would let each instance admit the whole rpm alone: 20, not 10.
            String yaml = """
                    server:
                      host: 127.0.0.1
                    limits_store: %s
                    limits_store_timeout: 2s
                    limits_store_fallback_share: 1
                    api_provider:
                      limited:
                        base_url: %s
                        limits: {rpm: %d}
                      open:
                        base_url: %s
                    model_config:
                      gpt-4o:
                        limited: {}
                      gpt-4o-mini:
                        open: {}
                    """.formatted(redis.uri(), upstream.baseUrl(), RPM, upstream.baseUrl());
            try (GatewayProcess a = launch(dir.resolve("a"), yaml);
                    GatewayProcess b = launch(dir.resolve("b"), yaml)) {
                a.awaitReady();
                b.awaitReady();
                GatewayClient[] clients = {a.client(), b.client()};

                List<CompletableFuture<HttpResponse<String>>> race = new ArrayList<>();
                for (int i = 0; i < RACERS; i++) {
                    race.add(clients[i % 2].postAsync("/v1/chat/completions", GatewayClient.chatBody("gpt-4o", false)));
                }
                int admitted = 0;
                int limited = 0;
                for (CompletableFuture<HttpResponse<String>> f : race) {
                    HttpResponse<String> r = f.join();
                    if (r.statusCode() == 200) {
                        admitted++;
                    } else {
                        assertEquals(429, r.statusCode(), r.body());
                        assertTrue(
                                r.headers().firstValue("retry-after").isPresent(),
                                r.headers().toString());
                        limited++;
                    }
                }
                assertEquals(RPM, admitted, "admitted of " + RACERS + " racing requests over two instances");
                assertEquals(RACERS - RPM, limited);
                assertEquals(RPM, upstream.requests().size());

                for (GatewayClient client : clients) {
                    assertTrue(client.assertChat("gpt-4o-mini").contains(GatewayClient.ANSWER));
                    client.assertStream("gpt-4o-mini");
                    String metrics = client.get("/metrics").body();
                    assertTrue(metrics.contains("llm_gateway_limits_store_mode{mode=\"shared\"} 1.0"), metrics);
                }

                a.assertStopsCleanly();
                b.assertStopsCleanly();
            }
        }
    }

    /**
     * The case across processes: a client key's budget worth exactly 10 requests (no input price, and
     * the client's max_tokens equal to the mock's 5 completion tokens, so worst case and real cost agree), 40
     * racing requests over two jars sharing Redis: exactly 10 served, 30 refused with insufficient_quota.
     */
    @Test
    void twoJarsOnOneRedis_keyBudgetWorthTen_servesExactlyTenOfFortyRacing() throws Exception {
        try (RedisServer redis = RedisServer.startOrSkip();
                MockUpstream upstream = GatewayClient.provider()) {
            // 5 completion tokens at 100 USD per 1M: 0.0005 USD per request, so 0.005 USD pays for exactly 10.
            String yaml = """
                    server:
                      host: 127.0.0.1
                    limits_store: %s
                    limits_store_timeout: 2s
                    limits_store_fallback_share: 1
                    gateway:
                      spend_file: spend.db
                      api_keys:
                        - name: team
                          key: sk-team-budget-it
                          budget: {usd: 0.005, period: month}
                    api_provider:
                      mock:
                        base_url: %s
                    model_config:
                      gpt-4o:
                        mock: {price: {input: 0, output: 100}}
                    """.formatted(redis.uri(), upstream.baseUrl());
            try (GatewayProcess a = launch(dir.resolve("a"), yaml);
                    GatewayProcess b = launch(dir.resolve("b"), yaml)) {
                a.awaitReady();
                b.awaitReady();
                GatewayClient[] clients = {a.client(), b.client()};
                String body =
                        "{\"model\":\"gpt-4o\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"ping\"}]}";

                List<CompletableFuture<HttpResponse<String>>> race = new ArrayList<>();
                for (int i = 0; i < RACERS; i++) {
                    race.add(clients[i % 2].postAsync(
                            "/v1/chat/completions", body, "authorization", "Bearer sk-team-budget-it"));
                }
                int served = 0;
                int refused = 0;
                for (CompletableFuture<HttpResponse<String>> f : race) {
                    HttpResponse<String> r = f.join();
                    assertTrue(
                            r.headers()
                                    .firstValue("x-gateway-budget-remaining-usd")
                                    .isPresent(),
                            r.headers().toString());
                    if (r.statusCode() == 200) {
                        served++;
                    } else {
                        assertEquals(429, r.statusCode(), r.body());
                        assertTrue(r.body().contains("\"code\":\"insufficient_quota\""), r.body());
                        assertTrue(r.body().contains("client key 'team'"), r.body());
                        refused++;
                    }
                }
                assertEquals(10, served, "served of " + RACERS + " racing requests over two instances");
                assertEquals(RACERS - 10, refused);
                assertEquals(10, upstream.requests().size());
                for (GatewayClient client : clients) {
                    HttpResponse<String> r =
                            client.post("/v1/chat/completions", body, "authorization", "Bearer sk-team-budget-it");
                    assertEquals(429, r.statusCode(), r.body());
                    assertEquals(
                            "0",
                            r.headers()
                                    .firstValue("x-gateway-budget-remaining-usd")
                                    .orElse(null));
                }
                a.assertStopsCleanly();
                b.assertStopsCleanly();
            }
        }
    }

    private static GatewayProcess launch(Path workDir, String yaml) throws Exception {
        Files.createDirectories(workDir);
        Path config = workDir.resolve("config.yaml");
        Files.writeString(config, yaml);
        return GatewayProcess.launch(workDir, "--config", config.toString(), "--port", "0");
    }
}
