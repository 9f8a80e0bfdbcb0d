package io.llmgateway.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LearnedLimitsTest {

    @ParameterizedTest
    @CsvSource({
        "1s, 1000",
        "6m0s, 360000",
        "20ms, 20",
        "1h2m3.5s, 3723500",
        "0.5, 500",
        "17, 17000",
        "1.2345s, 1235",
        "500us, 1",
        "'  2s ', 2000",
    })
    void parseDurationMillis_providerFormats_parsed(String value, long expected) {
        assertEquals(expected, LearnedLimits.parseDurationMillis(value));
    }

    @ParameterizedTest
    @CsvSource({"abc", "1x", "s", "1s2", "'', ", "1..2s", "-1s"})
    void parseDurationMillis_malformed_minusOne(String value) {
        assertEquals(-1, LearnedLimits.parseDurationMillis(value));
    }

    @Test
    void observe_remainingZero_blocksUntilReset() {
        LearnedLimits l = new LearnedLimits();
        l.observe(
                Map.of(
                        "x-ratelimit-remaining-requests",
                        "0",
                        "x-ratelimit-limit-requests",
                        "60",
                        "x-ratelimit-reset-requests",
                        "1.5s")::get,
                1_000);
        assertTrue(l.blocked(1_000));
        assertEquals(1_500, l.millisUntilUnblocked(1_000));
        assertTrue(l.blocked(2_499));
        assertFalse(l.blocked(2_500));
        assertEquals(1.0, l.fraction(2_500));
    }

    @Test
    void observe_tokens_fractionIsTightestDimension() {
        LearnedLimits l = new LearnedLimits();
        l.observe(
                Map.of(
                        "x-ratelimit-remaining-requests",
                        "50",
                        "x-ratelimit-limit-requests",
                        "100",
                        "x-ratelimit-remaining-tokens",
                        "1000",
                        "x-ratelimit-limit-tokens",
                        "10000",
                        "x-ratelimit-reset-tokens",
                        "6m0s")::get,
                0);
        assertFalse(l.blocked(0));
        assertEquals(0.1, l.fraction(0), 1e-9);
        // requests had no reset header: trusted for the default validity only
        assertEquals(0.1, l.fraction(LearnedLimits.DEFAULT_VALIDITY_MILLIS));
        assertEquals(1.0, l.fraction(360_000));
    }

    @Test
    void observe_noHeadersOrGarbage_keepsPreviousObservation() {
        LearnedLimits l = new LearnedLimits();
        l.observe(Map.of("x-ratelimit-remaining-tokens", "0", "x-ratelimit-reset-tokens", "10s")::get, 0);
        l.observe(Map.<String, String>of()::get, 100);
        l.observe(Map.of("x-ratelimit-remaining-tokens", "lots")::get, 200);
        assertTrue(l.blocked(300));
        l.clear();
        assertFalse(l.blocked(300));
    }

    @Test
    void observe_nettyHeadersInAnyCase_readAsTheLowerCaseNames() {
        LearnedLimits l = new LearnedLimits();
        HttpHeaders h = new DefaultHttpHeaders()
                .set("X-RateLimit-Remaining-Tokens", "250")
                .set("X-RATELIMIT-LIMIT-TOKENS", "1000")
                .set("x-ratelimit-reset-tokens", "2s")
                .set("x-ratelimit-remaining-requests", "0")
                .set("X-Ratelimit-Reset-Requests", "500ms");
        l.observe(h, 10_000);
        assertEquals(250, l.tokens().remaining());
        assertEquals(1000, l.tokens().limit());
        assertEquals(12_000, l.tokens().until());
        assertTrue(l.blocked(10_499));
        assertFalse(l.blocked(10_500));
        assertEquals(0.25, l.fraction(10_500), 1e-9);
    }
}
