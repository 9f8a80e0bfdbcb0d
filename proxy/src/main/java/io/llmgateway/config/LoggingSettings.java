package io.llmgateway.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The {@code logging} section: where {@code app.log} and {@code agent_interactions.log} go, how they roll,
 * and what the interaction log may contain.
 *
 * @param directory folder of the log files (default {@code log}); read at start-up
 * @param level the application log's level: trace, debug, info, warn or error (default info)
 * @param maxFileBytes a log file rolls over when it reaches this size (default 100 MiB); it also rolls daily
 * @param retentionDays rolled-over files older than this many days are deleted (default 14)
 * @param interactions whether {@code agent_interactions.log} is written (default true)
 * @param queueSize interaction records waiting for the writer; when full, new ones are dropped and counted
 *                  (default 10000)
 * @param logBodies whether request and response bodies are written to the interaction log (default false)
 * @param maxBodyBytes cap of a logged body (default 16 KiB)
 */
public record LoggingSettings(
        String directory,
        String level,
        int maxFileBytes,
        int retentionDays,
        boolean interactions,
        int queueSize,
        boolean logBodies,
        int maxBodyBytes) {
    /** The levels {@code logging.level} accepts, least severe first. */
    public static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error");

    public static final LoggingSettings DEFAULT =
            new LoggingSettings("log", "info", 100 * 1024 * 1024, 14, true, 10_000, false, 16 * 1024);

    public LoggingSettings {
        requireNonNull(directory, "directory");
        requireNonNull(level, "level");
        if (!LEVELS.contains(level)) {
            throw new IllegalArgumentException("level: " + level + " (expected: one of " + LEVELS + ')');
        }
        if (maxFileBytes < 1) {
            throw new IllegalArgumentException("maxFileBytes: " + maxFileBytes + " (expected: >= 1)");
        }
        if (retentionDays < 1) {
            throw new IllegalArgumentException("retentionDays: " + retentionDays + " (expected: >= 1)");
        }
        if (queueSize < 1) {
            throw new IllegalArgumentException("queueSize: " + queueSize + " (expected: >= 1)");
        }
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: >= 1)");
        }
    }

    public LoggingSettings withDirectory(String newDirectory) {
        return new LoggingSettings(
                newDirectory, level, maxFileBytes, retentionDays, interactions, queueSize, logBodies, maxBodyBytes);
    }
}
