package io.llmgateway.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.ZoneId;

/**
 * The {@code routing} section.
 *
 * @param strategy default strategy for models that set none (default {@code priority})
 * @param maxAttempts most providers tried for one request, failovers included (default 3)
 * @param failureThreshold consecutive failures that open a provider's circuit (default 3)
 * @param baseCooldown first open period of a circuit; doubles on each re-open (default 5s)
 * @param maxCooldown cap of the doubling (default 5m)
 * @param badKeyCooldown how long a provider whose key was refused (401/403) is skipped (default 30m)
 * @param rpdRolling true: rpd counts a rolling 24 h window; false: calendar days in {@link #timeZone()}
 * @param timeZone zone whose midnight resets rpd (default: the server's)
 */
public record RoutingSettings(
        Strategy strategy,
        int maxAttempts,
        int failureThreshold,
        Duration baseCooldown,
        Duration maxCooldown,
        Duration badKeyCooldown,
        boolean rpdRolling,
        ZoneId timeZone) {

    public static RoutingSettings defaults() {
        return new RoutingSettings(
                Strategy.PRIORITY,
                3,
                3,
                Duration.ofSeconds(5),
                Duration.ofMinutes(5),
                Duration.ofMinutes(30),
                false,
                ZoneId.systemDefault());
    }

    public RoutingSettings {
        requireNonNull(strategy, "strategy");
        requireNonNull(baseCooldown, "baseCooldown");
        requireNonNull(maxCooldown, "maxCooldown");
        requireNonNull(badKeyCooldown, "badKeyCooldown");
        requireNonNull(timeZone, "timeZone");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: >= 1)");
        }
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failureThreshold: " + failureThreshold + " (expected: >= 1)");
        }
    }
}
