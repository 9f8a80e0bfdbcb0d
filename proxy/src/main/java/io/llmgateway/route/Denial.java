package io.llmgateway.route;

import static java.util.Objects.requireNonNull;

/**
 * No provider can take the request now.
 *
 * @param status the HTTP status to answer with: 429 (wait {@code retryAfterSeconds}), 400 (the request
 *               is too large for every provider, retrying cannot help), 503 (no enabled or untried
 *               provider left), 404 (unknown model)
 * @param message for the client; names the model and, per provider, why it cannot serve
 * @param retryAfterSeconds for 429: whole seconds ({@code >= 1}) until some provider frees capacity, or 0
 *                          when waiting cannot help (a budget of period {@code total}); otherwise 0
 * @param code the error's {@code code} for the client ({@code insufficient_quota} for a spent budget), or
 *             null for the status's usual one
 */
public record Denial(int status, String message, long retryAfterSeconds, String code) implements Admission {
    /** The error code of a refusal by a budget: OpenAI's for an account out of credit. */
    public static final String INSUFFICIENT_QUOTA = "insufficient_quota";

    public Denial {
        requireNonNull(message, "message");
    }

    /** A denial with the status's usual code. */
    public Denial(int status, String message, long retryAfterSeconds) {
        this(status, message, retryAfterSeconds, null);
    }
}
