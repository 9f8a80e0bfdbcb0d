package io.llmgateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.llmgateway.config.Limits;
import io.llmgateway.route.ModelWindows;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {

    @Test
    void duration_isWrittenLikeOpenAi() {
        assertEquals("0s", RateLimitHeaders.duration(0));
        assertEquals("1ms", RateLimitHeaders.duration(1));
        assertEquals("20ms", RateLimitHeaders.duration(20));
        assertEquals("999ms", RateLimitHeaders.duration(999));
        assertEquals("1s", RateLimitHeaders.duration(1000));
        assertEquals("1.5s", RateLimitHeaders.duration(1500));
        assertEquals("1.25s", RateLimitHeaders.duration(1250));
        assertEquals("1.125s", RateLimitHeaders.duration(1125));
        assertEquals("1.005s", RateLimitHeaders.duration(1005));
        assertEquals("59.9s", RateLimitHeaders.duration(59_900));
        assertEquals("1m0s", RateLimitHeaders.duration(60_000));
        assertEquals("6m0s", RateLimitHeaders.duration(360_000));
        assertEquals("6m0.5s", RateLimitHeaders.duration(360_500));
        assertEquals("1h0m0s", RateLimitHeaders.duration(3_600_000));
        assertEquals("1h2m3s", RateLimitHeaders.duration(3_723_000));
        assertEquals("24h0m0s", RateLimitHeaders.duration(86_400_000));
    }

    @Test
    void apply_setsBothPairs() {
        HttpHeaders h = new DefaultHttpHeaders();

        RateLimitHeaders.apply(h, new ModelWindows(10, 7, 59_900, 1000, 955, 20));

        assertEquals("10", h.get("x-ratelimit-limit-requests"));
        assertEquals("7", h.get("x-ratelimit-remaining-requests"));
        assertEquals("59.9s", h.get("x-ratelimit-reset-requests"));
        assertEquals("1000", h.get("x-ratelimit-limit-tokens"));
        assertEquals("955", h.get("x-ratelimit-remaining-tokens"));
        assertEquals("20ms", h.get("x-ratelimit-reset-tokens"));
    }

    @Test
    void apply_leavesOutAnUnlimitedPair_andRemovesTheProvidersOwn() {
        HttpHeaders h = new DefaultHttpHeaders()
                .set("x-ratelimit-limit-tokens", "123")
                .set("x-ratelimit-remaining-tokens", "45")
                .set("x-ratelimit-reset-tokens", "1s")
                .set("x-ratelimit-limit-requests", "9");

        RateLimitHeaders.apply(h, new ModelWindows(10, 7, 0, Limits.UNLIMITED, 0, 0));

        assertEquals("10", h.get("x-ratelimit-limit-requests"));
        assertNull(h.get("x-ratelimit-limit-tokens"));
        assertNull(h.get("x-ratelimit-remaining-tokens"));
        assertNull(h.get("x-ratelimit-reset-tokens"));
    }

    @Test
    void apply_withoutWindows_onlyRemoves() {
        HttpHeaders h = new DefaultHttpHeaders()
                .set("x-ratelimit-remaining-requests", "3")
                .set("other", "kept");

        RateLimitHeaders.apply(h, null);

        assertFalse(h.contains("x-ratelimit-remaining-requests"));
        assertEquals("kept", h.get("other"));
    }
}
