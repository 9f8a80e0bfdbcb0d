package io.llmgateway.observe;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.LoggingSettings;

/**
 * Hands the {@code logging} section to log4j2 ({@code log4j2.xml} reads these system properties). Must run
 * before the first logger is created, because log4j2 reads its configuration once, at that moment: Main
 * calls it right after loading the config. This class must therefore never log itself.
 */
public final class LogSetup {
    static final String DIR = "llmgateway.log.dir";
    static final String LEVEL = "llmgateway.log.level";
    static final String MAX_FILE_SIZE = "llmgateway.log.maxFileSize";
    static final String RETENTION = "llmgateway.log.retention";

    private LogSetup() {}

    /** Sets the properties from the config (the config file is the one place these are chosen). */
    public static void apply(LoggingSettings settings) {
        requireNonNull(settings, "settings");
        System.setProperty(DIR, settings.directory());
        System.setProperty(LEVEL, settings.level());
        System.setProperty(MAX_FILE_SIZE, Integer.toString(settings.maxFileBytes()));
        System.setProperty(RETENTION, settings.retentionDays() + "d");
    }
}
