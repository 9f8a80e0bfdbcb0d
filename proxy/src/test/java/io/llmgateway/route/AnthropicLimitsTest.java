package io.llmgateway.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Learning a provider's capacity from Anthropic's {@code anthropic-ratelimit-*} headers. */
class AnthropicLimitsTest {
    /** 2025-01-01T00:00:00Z. */
    private static final long NOW = 1_735_689_600_000L;

    private static Map<String, String> family(String what, long limit, long remaining, String reset) {
        Map<String, String> h = new HashMap<>();
        h.put("anthropic-ratelimit-" + what + "-limit", Long.toString(limit));
        h.put("anthropic-ratelimit-" + what + "-remaining", Long.toString(remaining));
        h.put("anthropic-ratelimit-" + what + "-reset", reset);
        return h;
    }

    @Test
    void requestsExhausted_blocksUntilTheResetTime() {
        LearnedLimits l = new LearnedLimits();

        l.observe(family("requests", 50, 0, "2025-01-01T00:00:30Z")::get, NOW);

        assertTrue(l.blocked(NOW));
        assertEquals(30_000, l.millisUntilUnblocked(NOW));
        assertEquals(50, l.requests().limit());
        assertFalse(l.blocked(NOW + 30_000));
    }

    @Test
    void tokens_theTightestOfTokensInputAndOutput() {
        Map<String, String> h = new HashMap<>();
        h.putAll(family("tokens", 10_000, 5_000, "2025-01-01T00:01:00Z"));
        h.putAll(family("input-tokens", 1_000, 100, "2025-01-01T00:00:10Z"));
        h.putAll(family("output-tokens", 1_000, 900, "2025-01-01T00:00:20Z"));
        LearnedLimits l = new LearnedLimits();

        l.observe(h::get, NOW);

        assertEquals(0.1, l.fraction(NOW), 1e-9);
        assertEquals(100, l.tokens().remaining());
        assertEquals(NOW + 10_000, l.tokens().until());
    }

    @Test
    void outputTokensExhausted_blocks_evenWhenOthersAreLow() {
        Map<String, String> h = new HashMap<>();
        h.putAll(family("input-tokens", 1_000, 1, "2025-01-01T00:00:10Z"));
        h.putAll(family("output-tokens", 1_000, 0, "2025-01-01T00:00:45.5+00:00"));
        LearnedLimits l = new LearnedLimits();

        l.observe(h::get, NOW);

        assertTrue(l.blocked(NOW));
        assertEquals(45_500, l.millisUntilUnblocked(NOW));
    }

    @Test
    void resetUnreadable_trustedForOneWindow() {
        LearnedLimits l = new LearnedLimits();

        l.observe(family("requests", 50, 0, "in a while")::get, NOW);

        assertEquals(LearnedLimits.DEFAULT_VALIDITY_MILLIS, l.millisUntilUnblocked(NOW));
    }

    @Test
    void openAisNamesPresent_anthropicsAreNotRead() {
        Map<String, String> h = new HashMap<>(family("requests", 50, 0, "2025-01-01T00:00:30Z"));
        h.put("x-ratelimit-remaining-requests", "10");
        h.put("x-ratelimit-limit-requests", "20");
        LearnedLimits l = new LearnedLimits();

        l.observe(h::get, NOW);

        assertFalse(l.blocked(NOW));
        assertEquals(0.5, l.fraction(NOW), 1e-9);
    }

    @Test
    void nettyHeadersInAnyCase() {
        DefaultHttpHeaders h = new DefaultHttpHeaders();
        h.add("Anthropic-RateLimit-Requests-Remaining", "0");
        h.add("anthropic-ratelimit-requests-reset", "2025-01-01T00:00:02Z");
        LearnedLimits l = new LearnedLimits();

        l.observe(h, NOW);

        assertEquals(2_000, l.millisUntilUnblocked(NOW));
    }

    @Test
    void millisUntil_pastIsZero_malformedIsMinusOne() {
        assertEquals(0, AnthropicLimits.millisUntil("2024-12-31T23:59:59Z", NOW));
        assertEquals(1_000, AnthropicLimits.millisUntil("2025-01-01T01:00:01+01:00", NOW));
        assertEquals(-1, AnthropicLimits.millisUntil("1s", NOW));
        assertEquals(-1, AnthropicLimits.millisUntil(null, NOW));
    }
}
