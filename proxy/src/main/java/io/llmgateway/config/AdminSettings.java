package io.llmgateway.config;

import java.time.Duration;

/**
 * The {@code admin} section: access to the admin page, its JSON API and (by default) {@code /metrics}.
 *
 * @param token the admin token (from an env var, e.g. {@code ${ADMIN_TOKEN}}), at least
 *              {@link #MIN_TOKEN_LENGTH} characters, or null: then the admin page and API answer only on
 *              loopback
 * @param healthCheckInterval how often every provider is health-checked, or null for never (default)
 */
public record AdminSettings(String token, Duration healthCheckInterval) {
    public static final AdminSettings DEFAULT = new AdminSettings(null, null);
    /** The shortest token accepted: shorter ones fall to guessing even at a few tries a minute. */
    public static final int MIN_TOKEN_LENGTH = 16;

    /** Keeps the token out of logs and error messages. */
    @Override
    public String toString() {
        return "AdminSettings[token=" + (token == null ? "none" : "***") + ", healthCheckInterval="
                + healthCheckInterval + ']';
    }
}
