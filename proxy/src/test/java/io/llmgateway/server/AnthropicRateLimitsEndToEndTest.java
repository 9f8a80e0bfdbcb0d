package io.llmgateway.server;

import static io.llmgateway.testing.ChatBodies.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.limit.MutableClock;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A provider that reports through Anthropic's {@code anthropic-ratelimit-*} headers that it has nothing left is
 * set aside until the reset time it names, and its headers never reach the client.
 */
class AnthropicRateLimitsEndToEndTest {
    @RegisterExtension
    final MockUpstream main = MockUpstream.start();

    @RegisterExtension
    final MockUpstream spare = MockUpstream.start();

    @Test
    void requestsRemainingZero_setsTheProviderAsideUntilItsReset() throws Exception {
        MutableClock clock = MutableClock.at("2025-01-01T00:00:00Z");
        main.enqueue(Behaviour.chatCompletion("last one")
                .withHeader("anthropic-ratelimit-requests-limit", "50")
                .withHeader("anthropic-ratelimit-requests-remaining", "0")
                .withHeader("anthropic-ratelimit-requests-reset", "2025-01-01T00:00:30Z"));
        try (TestGateway g = TestGateway.start("""
                api_provider:
                  main:
                    base_url: %s
                  spare:
                    base_url: %s
                model_config:
                  gpt-4o:
                    main: {}
                    spare: {}
                """.formatted(main.baseUrl(), spare.baseUrl()), clock)) {
            HttpResponse<String> first = g.post("/v1/chat/completions", CHAT);
            assertEquals(200, first.statusCode());
            assertTrue(
                    first.headers()
                            .firstValue("anthropic-ratelimit-requests-remaining")
                            .isEmpty(),
                    "a provider's own limits reached the client");

            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
            assertEquals(1, main.requests().size(), "main said it had nothing left until 00:00:30");
            assertEquals(1, spare.requests().size());

            clock.advance(Duration.ofSeconds(30));
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
            assertEquals(2, main.requests().size(), "main is back after its reset");
        }
    }
}
