package io.llmgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 7: the logging and metrics sections. */
class ObservabilityConfigTest {
    private static final String VALID = """
            api_provider:
              a:
                base_url: https://a.example.com/v1
            model_config:
              m:
                a:
            """;

    @Test
    void absentSections_takeTheDefaults() throws Exception {
        GatewayConfig c = ConfigLoader.parse(VALID, Map.of());

        assertEquals(LoggingSettings.DEFAULT, c.logging());
        assertEquals(
                new LoggingSettings("log", "info", 100 * 1024 * 1024, 14, true, 10_000, false, 16 * 1024), c.logging());
        assertEquals(new MetricsSettings(true, true), c.metrics());
    }

    @Test
    void everyOption_isRead() throws Exception {
        GatewayConfig c = ConfigLoader.parse(VALID + """
                logging:
                  directory: /var/log/gateway
                  level: DEBUG
                  max_file_size: 10MiB
                  retention_days: 3
                  interactions: false
                  queue_size: 500
                  log_bodies: yes
                  max_body_bytes: 1KiB
                metrics:
                  enabled: false
                  require_admin: false
                """, Map.of());

        assertEquals(
                new LoggingSettings("/var/log/gateway", "debug", 10 * 1024 * 1024, 3, false, 500, true, 1024),
                c.logging());
        assertEquals(new MetricsSettings(false, false), c.metrics());
    }

    @Test
    void badValues_areReportedWithTheirPaths() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(VALID + """
                logging:
                  directory: ""
                  level: loud
                  max_file_size: huge
                  retention_days: 0
                  queue_size: -1
                  log_bodies: maybe
                  colour: blue
                metrics:
                  enabled: sometimes
                """, Map.of()));

        assertEquals(
                List.of(
                        "logging.colour: unknown option (expected one of: directory, level, max_file_size, retention_days, "
                                + "interactions, queue_size, log_bodies, max_body_bytes)",
                        "logging.directory: expected a directory path, got \"\"",
                        "logging.level: expected one of trace, debug, info, warn, error, got \"loud\"",
                        "logging.max_file_size: expected a size like 32MiB, 512KiB or 1048576 (bytes), got \"huge\"",
                        "logging.retention_days: expected a number of days from 1 to 36500, got 0",
                        "logging.queue_size: expected a positive integer up to 10000000, got -1",
                        "logging.log_bodies: expected true or false, got \"maybe\"",
                        "metrics.enabled: expected true or false, got \"sometimes\""),
                e.problems());
    }
}
