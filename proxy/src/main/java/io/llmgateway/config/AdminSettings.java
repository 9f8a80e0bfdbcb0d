package io.llmgateway.config;

import java.time.Duration;

/**
 * The {@code admin} section: access to the admin page, its JSON API and (by default) {@code /metrics}.
 *
 * @param token the admin token (from an env var, e.g. {@code ${ADMIN_TOKEN}}), or null: then the admin
 *              page and API answer only on loopback
 * @param healthCheckInterval how often every provider is health-checked, or null for never (default)
 */
public record AdminSettings(String token, Duration healthCheckInterval) {
    public static final AdminSettings DEFAULT = new AdminSettings(null, null);

    /** Keeps the token out of logs and error messages. */
    @Override
    public String toString() {
        return "AdminSettings[token=" + (token == null ? "none" : "***") + ", healthCheckInterval="
                + healthCheckInterval + ']';
    }
}
