package io.llmgateway.route;

/** Why an attempt at a provider failed; decides what the circuit breaker makes of it. */
public enum Failure {
    /** TCP/TLS connect failed or the connection was reset before a response. Counts toward the circuit. */
    CONNECT,
    /** The provider did not answer in time. Counts toward the circuit. */
    TIMEOUT,
    /** HTTP 429. With a Retry-After it opens the circuit for at least that long; without, it counts. */
    RATE_LIMITED,
    /** HTTP 5xx. Counts toward the circuit. */
    SERVER_ERROR,
    /** HTTP 401/403: the provider refused our key. Opens the circuit for the bad-key cooldown. */
    AUTH,
    /** Any other 4xx: the client's request was at fault. No penalty. */
    CLIENT_ERROR,
    /** Our own resources were exhausted (connection pool), the provider is not to blame. No penalty. */
    LOCAL_OVERLOAD,
    /** The provider answered something that is not a valid response. Counts toward the circuit. */
    PROTOCOL
}
