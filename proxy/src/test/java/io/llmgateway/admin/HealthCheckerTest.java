package io.llmgateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmgateway.route.Failure;
import org.junit.jupiter.api.Test;

class HealthCheckerTest {

    @Test
    void scrub_removesTheKeyAndKeyShapedTokens() {
        assertEquals(
                "Incorrect API key provided: ***.",
                HealthChecker.scrub("Incorrect API key provided: sk-abc123xyz.", "sk-abc123xyz"));
        assertEquals(
                "Incorrect API key provided: sk-***.",
                HealthChecker.scrub("Incorrect API key provided: sk-proj-********************abcd.", "sk-other"));
        assertEquals("bad key gsk-*** here", HealthChecker.scrub("bad key gsk-abcdefghij here", ""));
        assertEquals("model not found", HealthChecker.scrub("model not found", "sk-abc123xyz"));
    }

    @Test
    void classify_likeRequestOutcomes() {
        assertEquals(Failure.AUTH, HealthChecker.classify(401));
        assertEquals(Failure.AUTH, HealthChecker.classify(403));
        assertEquals(Failure.RATE_LIMITED, HealthChecker.classify(429));
        assertEquals(Failure.SERVER_ERROR, HealthChecker.classify(500));
        assertEquals(Failure.SERVER_ERROR, HealthChecker.classify(503));
        assertEquals(Failure.SERVER_ERROR, HealthChecker.classify(529)); // Anthropic: overloaded
        assertEquals(Failure.CLIENT_ERROR, HealthChecker.classify(400));
        assertEquals(Failure.CLIENT_ERROR, HealthChecker.classify(404));
        assertEquals(Failure.PROTOCOL, HealthChecker.classify(302));
    }
}
