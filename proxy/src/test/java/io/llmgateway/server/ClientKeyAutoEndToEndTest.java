package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.TestJson;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** "auto" chooses only among the models the calling client key may use. */
class ClientKeyAutoEndToEndTest {
    private static final String AUTO = "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String TEAM = "Bearer sk-team-a-0123456789";
    private static final String ADMIN = "Bearer sk-anything-0123456789";

    @RegisterExtension
    final MockUpstream small = MockUpstream.start();

    @RegisterExtension
    final MockUpstream big = MockUpstream.start();

    private TestGateway start() throws Exception {
        return TestGateway.start("""
                gateway:
                  api_keys:
                    - {name: team-a, key: sk-team-a-0123456789, models: [gpt-4o-mini, auto]}
                    - {name: anything, key: sk-anything-0123456789}
                api_provider:
                  small: {base_url: "%s", limits: {rpm: 1}}
                  big: {base_url: "%s"}
                model_config:
                  gpt-4o-mini: {small: {}}
                  gpt-4o: {big: {}}
                auto: [gpt-4o-mini, gpt-4o]
                """.formatted(small.baseUrl(), big.baseUrl()));
    }

    @Test
    void auto_withTheAllowedModelLimited_is429_neverAModelTheKeyMayNotUse() throws Exception {
        try (TestGateway g = start()) {
            HttpResponse<String> first = g.post("/v1/chat/completions", AUTO, "authorization", TEAM);
            HttpResponse<String> second = g.post("/v1/chat/completions", AUTO, "authorization", TEAM);

            assertEquals(200, first.statusCode(), first.body());
            assertEquals(
                    "gpt-4o-mini", first.headers().firstValue("x-gateway-model").orElseThrow());
            assertEquals(429, second.statusCode(), second.body());
            String message = (String) TestJson.at(TestJson.parse(second.body()), "error", "message");
            assertTrue(message.contains("gpt-4o-mini") && message.contains("rpm 1/1"), message);
            assertFalse(message.contains("gpt-4o'"), message);
            assertTrue(second.headers().firstValue("retry-after").isPresent());
            assertEquals(List.of(), big.requests(), "gpt-4o is not among team-a's models");
        }
    }

    @Test
    void auto_forAKeyWithoutAModelList_stillFallsBackToTheNextModel() throws Exception {
        try (TestGateway g = start()) {
            assertEquals(
                    200,
                    g.post("/v1/chat/completions", AUTO, "authorization", TEAM).statusCode());
            HttpResponse<String> r = g.post("/v1/chat/completions", AUTO, "authorization", ADMIN);

            assertEquals(200, r.statusCode(), r.body());
            assertEquals("gpt-4o", r.headers().firstValue("x-gateway-model").orElseThrow());
            assertEquals(1, big.requests().size());
        }
    }
}
