package io.llmgateway.route;

import static java.util.Objects.requireNonNull;

/**
 * No provider can take the request now.
 *
 * @param status the HTTP status to answer with: 429 (wait {@code retryAfterSeconds}), 400 (the request
 *               is too large for every provider, retrying cannot help), 503 (no enabled or untried
 *               provider left), 404 (unknown model)
 * @param message for the client; names the model and, per provider, why it cannot serve
 * @param retryAfterSeconds for 429: whole seconds ({@code >= 1}) until some provider frees capacity;
 *                          otherwise 0
 */
public record Denial(int status, String message, long retryAfterSeconds) implements Admission {
    public Denial {
        requireNonNull(message, "message");
    }
}
