package io.llmgateway.config;

import static java.util.Objects.requireNonNull;

/**
 * The {@code logging} section: where {@code app.log} and {@code agent_interactions.log} go and what the
 * interaction log may contain.
 *
 * @param directory folder of the log files (default {@code log})
 * @param logBodies whether request and response bodies are written to the interaction log (default false)
 * @param maxBodyBytes cap of a logged body (default 16 KiB)
 */
public record LoggingSettings(String directory, boolean logBodies, int maxBodyBytes) {
    public static final LoggingSettings DEFAULT = new LoggingSettings("log", false, 16 * 1024);

    public LoggingSettings {
        requireNonNull(directory, "directory");
    }
}
