package io.llmgateway.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.MockUpstream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Budgets from the shaded jar: a key's request past its budget is refused with insufficient_quota. */
class BudgetIT {
    private static final String KEY = "sk-budget-it-0123456789";

    @TempDir
    Path dir;

    @Test
    void shadedJar_keyBudget_refusesARequestPastIt_andEveryAnswerCarriesWhatIsLeft() throws Exception {
        try (MockUpstream upstream = GatewayClient.provider()) {
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, """
                    server:
                      host: 127.0.0.1
                    routing:
                      time_zone: UTC
                    gateway:
                      spend_file: spend.db
                      api_keys:
                        - {name: team-it, key: %s, budget: {usd: 0.01, period: month}}
                    pricing:
                      gpt-4o-artifact: {input: 2.50, output: 10.00}
                    api_provider:
                      mock:
                        base_url: %s
                    model_config:
                      gpt-4o:
                        mock: {alias: gpt-4o-artifact}
                    """.formatted(KEY, upstream.baseUrl()));
            try (GatewayProcess gateway = GatewayProcess.start(dir, "--config", config.toString(), "--port", "0")) {
                GatewayClient client = gateway.client();
                // max_tokens 10: a worst case far below the budget.
                HttpResponse<String> ok = client.post(
                        "/v1/chat/completions",
                        "{\"model\":\"gpt-4o\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                        "authorization",
                        "Bearer " + KEY);
                assertEquals(200, ok.statusCode(), ok.body());
                assertTrue(
                        ok.headers()
                                .firstValue("x-gateway-budget-remaining-usd")
                                .isPresent(),
                        ok.headers().toString());

                // No max_tokens: 4096 output tokens at USD 10 per 1M are reserved, more than the budget.
                HttpResponse<String> refused = client.post(
                        "/v1/chat/completions",
                        GatewayClient.chatBody("gpt-4o", false),
                        "authorization",
                        "Bearer " + KEY);
                assertEquals(429, refused.statusCode(), refused.body());
                assertTrue(refused.body().contains("\"code\":\"insufficient_quota\""), refused.body());
                assertTrue(refused.body().contains("client key 'team-it' (0.01 USD per month)"), refused.body());
                assertTrue(
                        refused.headers().firstValue("retry-after").isPresent(),
                        refused.headers().toString());
                String left = refused.headers()
                        .firstValue("x-gateway-budget-remaining-usd")
                        .orElseThrow();
                // The first request cost 10 prompt and 5 completion tokens (the mock's usage): USD 0.000075.
                assertEquals("0.009925", left);
                assertEquals(1, upstream.requests().size());
                gateway.assertStopsCleanly();
            }
        }
    }
}
