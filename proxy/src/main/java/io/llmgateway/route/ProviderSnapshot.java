package io.llmgateway.route;

/**
 * One provider's state at one moment, for the admin page and metrics. A limit of
 * {@code Long.MAX_VALUE} means unlimited; a learned value of -1 means the provider reported none (or
 * its report has expired).
 *
 * @param name the provider
 * @param rpm requests in the last 60 s
 * @param rpmLimit requests allowed per 60 s
 * @param tpm tokens in the last 60 s (reservations in flight included)
 * @param tpmLimit tokens allowed per 60 s
 * @param rpd requests today (or in the last 24 h when rpd is rolling)
 * @param rpdLimit requests allowed per day
 * @param tpr the most tokens one request may use
 * @param circuit the circuit breaker's state
 * @param keyRejected true while the circuit is open because the provider refused our key (401/403)
 * @param consecutiveFailures failures counted toward opening the circuit
 * @param retryInMillis while the circuit is not closed: milliseconds until a request may try it again
 * @param learnedRemainingRequests {@code x-ratelimit-remaining-requests} last reported
 * @param learnedLimitRequests {@code x-ratelimit-limit-requests} last reported
 * @param learnedRemainingTokens {@code x-ratelimit-remaining-tokens} last reported
 * @param learnedLimitTokens {@code x-ratelimit-limit-tokens} last reported
 * @param headroom remaining fraction of the tightest limit, local or learned (0.0-1.0)
 */
public record ProviderSnapshot(
        String name,
        long rpm,
        long rpmLimit,
        long tpm,
        long tpmLimit,
        long rpd,
        long rpdLimit,
        long tpr,
        CircuitState circuit,
        boolean keyRejected,
        int consecutiveFailures,
        long retryInMillis,
        long learnedRemainingRequests,
        long learnedLimitRequests,
        long learnedRemainingTokens,
        long learnedLimitTokens,
        double headroom) {}
