package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.limit.MutableClock;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** What the gateway dates comes from its injected clock, not from the machine's. */
class GatewayClockEndToEndTest {
    @Test
    void modelList_isDatedByTheGatewaysClockAtStart() throws Exception {
        MutableClock clock = MutableClock.at("2025-01-02T03:04:05Z");
        try (TestGateway g = TestGateway.start("""
                api_provider:
                  p:
                    base_url: http://127.0.0.1:9/v1
                model_config:
                  gpt-4o:
                    p: {}
                """, clock)) {
            clock.advanceMillis(60_000);

            HttpResponse<String> all = g.get("/v1/models");
            HttpResponse<String> one = g.get("/v1/models/gpt-4o");

            assertEquals(200, all.statusCode(), all.body());
            assertTrue(
                    all.body().contains("\"id\":\"gpt-4o\",\"object\":\"model\",\"created\":1735787045,"), all.body());
            assertTrue(one.body().contains("\"created\":1735787045,"), one.body());
        }
    }
}
