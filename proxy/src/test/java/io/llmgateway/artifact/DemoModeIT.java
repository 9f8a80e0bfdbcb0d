package io.llmgateway.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command: the jar started without a config file serves the built-in demo provider. */
class DemoModeIT {
    @TempDir
    Path dir;

    @Test
    void withoutConfig_servesTheDemoProvider_andStopsCleanly() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start(dir, "--port", "0")) {
            assertTrue(gateway.stdout().contains("DEMO MODE"), gateway.stdout());
            GatewayClient client = gateway.client();

            assertTrue(client.assertChat("gpt-4o-mini").contains("ping"), "the demo echoes the prompt");
            client.assertStream("gpt-4o-mini");
            assertEquals(200, client.get("/v1/models").statusCode());
            assertEquals(200, client.get("/healthz").statusCode());

            gateway.assertStopsCleanly();
        }
    }
}
