package io.llmgateway.artifact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.MockUpstream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spend from the shaded jar: a request priced by {@code pricing:} shows its cost in /metrics. */
class SpendIT {
    private static final Pattern COST = Pattern.compile(
            "(?m)^llm_gateway_cost_usd_total\\{key=\"none\",model=\"gpt-4o\",provider=\"mock\"} (\\S+)$");

    @TempDir
    Path dir;

    private Path config(String baseUrl, String spendFile) throws Exception {
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, """
                server:
                  host: 127.0.0.1
                gateway:
                  spend_file: %s
                metrics:
                  require_admin: false
                pricing:
                  gpt-4o-artifact: {input: 2.50, output: 10.00}
                api_provider:
                  mock:
                    base_url: %s
                model_config:
                  gpt-4o:
                    mock: {alias: gpt-4o-artifact}
                """.formatted(spendFile, baseUrl));
        return config;
    }

    @Test
    void shadedJar_pricesARequest_andMetricsShowItsCost() throws Exception {
        try (MockUpstream upstream = GatewayClient.provider()) {
            Path config = config(upstream.baseUrl().toString(), "data/spend.db");
            try (GatewayProcess gateway = GatewayProcess.start(dir, "--config", config.toString(), "--port", "0")) {
                GatewayClient client = gateway.client();
                assertTrue(client.assertChat("gpt-4o").contains(GatewayClient.ANSWER));
                HttpResponse<String> metrics = client.get("/metrics");
                Matcher m = COST.matcher(metrics.body());
                assertTrue(m.find(), metrics.body());
                // The mock's usage: 10 prompt tokens at 2.50 and 5 completion tokens at 10.00 per 1M.
                assertEquals(0.000075, Double.parseDouble(m.group(1)), 1e-12);
                gateway.assertStopsCleanly();
            }
            assertTrue(Files.size(dir.resolve("data/spend.db")) > 0, "the spend file, created with its directory");
        }
    }

    @Test
    void shadedJar_spendFileNotADatabase_refusesToStart_namingTheField() throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "not a database, just notes ".repeat(100));
        try (MockUpstream upstream = GatewayClient.provider()) {
            Path config = config(upstream.baseUrl().toString(), "notes.txt");
            GatewayProcess gateway = GatewayProcess.launch(dir, "--config", config.toString(), "--port", "0");
            try {
                AssertionError e = assertThrows(AssertionError.class, gateway::awaitReady);
                assertTrue(e.getMessage().contains("gateway.spend_file"), e.getMessage());
            } finally {
                gateway.close();
            }
        }
    }
}
