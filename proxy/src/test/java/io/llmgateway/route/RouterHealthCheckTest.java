package io.llmgateway.route;

import static io.llmgateway.route.TestConfigs.route;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.limit.MutableClock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link Router#recordHealthCheck}: health-check results move the circuit like request outcomes. */
class RouterHealthCheckTest {

    private final MutableClock clock = MutableClock.at("2024-05-01T10:00:00Z");
    private final Router router = new Router(
            new TestConfigs()
                    .provider("acme")
                    .provider("beta")
                    .model("gpt-4o", route("acme"), route("beta"))
                    .build(),
            clock);

    private ProviderSnapshot acme() {
        return router.snapshot().stream()
                .filter(s -> s.name().equals("acme"))
                .findFirst()
                .orElseThrow();
    }

    private void openAcme() {
        for (int i = 0; i < 3; i++) {
            Attempt a = assertInstanceOf(Attempt.class, router.admit("gpt-4o", 1, Set.of()));
            assertEquals("acme", a.provider());
            a.failed(Failure.SERVER_ERROR, 0);
        }
        assertEquals(CircuitState.OPEN, acme().circuit());
    }

    @Test
    void recordHealthCheck_successClosesAnOpenCircuitAtOnce() {
        openAcme();
        assertEquals("beta", ((Attempt) router.admit("gpt-4o", 1, Set.of())).provider());

        assertTrue(router.recordHealthCheck("acme", null, 0));

        assertEquals(CircuitState.CLOSED, acme().circuit());
        assertEquals(0, acme().retryInMillis());
        assertEquals("acme", ((Attempt) router.admit("gpt-4o", 1, Set.of())).provider());
    }

    @Test
    void recordHealthCheck_successClearsARejectedKey() {
        router.recordHealthCheck("acme", Failure.AUTH, 0);
        assertTrue(acme().keyRejected());
        router.recordHealthCheck("acme", null, 0);
        assertFalse(acme().keyRejected());
        assertEquals(CircuitState.CLOSED, acme().circuit());
    }

    @Test
    void recordHealthCheck_failuresCountTowardTheThreshold() {
        router.recordHealthCheck("acme", Failure.TIMEOUT, 0);
        router.recordHealthCheck("acme", Failure.CONNECT, 0);
        assertEquals(CircuitState.CLOSED, acme().circuit());
        assertEquals(2, acme().consecutiveFailures());
        router.recordHealthCheck("acme", Failure.SERVER_ERROR, 0);
        assertEquals(CircuitState.OPEN, acme().circuit());
        assertEquals(5_000, acme().retryInMillis());
    }

    @Test
    void recordHealthCheck_authOpensForTheBadKeyCooldown() {
        router.recordHealthCheck("acme", Failure.AUTH, 0);
        assertEquals(CircuitState.OPEN, acme().circuit());
        assertEquals(Duration.ofMinutes(30).toMillis(), acme().retryInMillis());
    }

    @Test
    void recordHealthCheck_rateLimitedWithRetryAfterOpensThatLong() {
        router.recordHealthCheck("acme", Failure.RATE_LIMITED, 12_000);
        assertEquals(CircuitState.OPEN, acme().circuit());
        assertEquals(12_000, acme().retryInMillis());
    }

    @Test
    void recordHealthCheck_clientErrorChangesNothing() {
        router.recordHealthCheck("acme", Failure.TIMEOUT, 0);
        router.recordHealthCheck("acme", Failure.CLIENT_ERROR, 0);
        assertEquals(1, acme().consecutiveFailures());
        assertEquals(CircuitState.CLOSED, acme().circuit());
    }

    @Test
    void recordHealthCheck_unknownProvider_false() {
        assertFalse(router.recordHealthCheck("nope", null, 0));
    }
}
