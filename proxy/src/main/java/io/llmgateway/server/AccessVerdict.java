package io.llmgateway.server;

/**
 * The answer to one request's management credentials (see {@link ManagementAccess}).
 *
 * @param message           for a refusal, what the client is told (never what would have worked)
 * @param retryAfterSeconds for THROTTLED, when the address may try again
 */
public record AccessVerdict(Outcome outcome, String message, long retryAfterSeconds) {
    public static final AccessVerdict ALLOWED = new AccessVerdict(Outcome.ALLOWED, null, 0);

    /** What one request's credentials earn it. */
    public enum Outcome {
        ALLOWED,
        REFUSED,
        THROTTLED
    }

    public boolean allowed() {
        return outcome == Outcome.ALLOWED;
    }
}
