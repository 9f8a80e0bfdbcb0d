package io.llmgateway.route;

/** The state of a provider's circuit breaker. */
public enum CircuitState {
    /** Requests flow. */
    CLOSED,
    /** The provider is skipped until its cooldown ends. */
    OPEN,
    /** The cooldown ended and a single trial request is deciding. */
    HALF_OPEN
}
