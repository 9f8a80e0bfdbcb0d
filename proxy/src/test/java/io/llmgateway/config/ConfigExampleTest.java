package io.llmgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Keeps {@code config.yaml.example} at the repository root valid and complete. */
class ConfigExampleTest {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)");

    private static Path exampleFile() {
        // Surefire runs in the module directory (proxy/); an IDE may run from the repository root.
        return Stream.of(Path.of("..", "config.yaml.example"), Path.of("config.yaml.example"))
                .filter(Files::isRegularFile)
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "config.yaml.example not found from " + Path.of("").toAbsolutePath()));
    }

    @Test
    void load_exampleWithItsVariablesSet() throws Exception {
        Path file = exampleFile();
        Map<String, String> env = new HashMap<>();
        Matcher m = REFERENCE.matcher(Files.readString(file));
        while (m.find()) {
            env.put(m.group(1), "test-value-" + m.group(1));
        }
        env.remove("BACKUP_BASE_URL"); // exercise the ${VAR:-default} form
        env.remove("LIMITS_STORE"); // empty: counters in memory
        env.remove("OTLP_ENDPOINT"); // empty: tracing off

        GatewayConfig config = ConfigLoader.load(file, env);

        assertFalse(config.providers().isEmpty());
        assertFalse(config.models().isEmpty());
        for (ProviderConfig provider : config.providers().values()) {
            assertTrue(
                    provider.apiKey().startsWith("test-value-"), provider.name() + ": key is not a ${VAR} reference");
        }
        assertTrue(
                config.models().values().stream()
                        .flatMap(model -> model.routes().stream())
                        .anyMatch(route -> !route.enabled()),
                "the example shows enable: false");
        assertFalse(config.spend().pricing().isEmpty());
        assertFalse(config.spend().providerBudgets().isEmpty());
        assertTrue(config.access().apiKeys().stream().anyMatch(k -> k.budget() != null), "a key with a budget");
        assertTrue(
                config.models().values().stream()
                        .flatMap(model -> model.routes().stream())
                        .anyMatch(route -> route.price() != null),
                "a route with a price");
    }

    @Test
    void load_exampleWithoutVariablesNamesThem() throws Exception {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(
                ConfigException.class, () -> ConfigLoader.load(exampleFile(), Map.of()));

        assertEquals(
                List.of(
                        "api_provider.openai.api_key: environment variable OPENAI_API_KEY is not set",
                        "api_provider.backup.api_key: environment variable BACKUP_API_KEY is not set",
                        "api_provider.anthropic.api_key: environment variable ANTHROPIC_API_KEY is not set",
                        "api_provider.azure-east.api_key: environment variable AZURE_OPENAI_KEY is not set",
                        "api_provider.gemini.api_key: environment variable GEMINI_API_KEY is not set"),
                e.problems());
    }

    @Test
    void exampleDocumentsEveryKey() throws Exception {
        String text = Files.readString(exampleFile());
        List<String> keys = new ArrayList<>();
        keys.addAll(ConfigKeys.SECTIONS);
        keys.addAll(
                ConfigKeys.SERVER_OPTIONS.stream().filter(k -> !k.equals("tls")).toList());
        keys.addAll(ConfigKeys.UPSTREAM_OPTIONS);
        keys.addAll(ConfigKeys.ROUTING_OPTIONS);
        keys.addAll(ConfigKeys.PROVIDER_OPTIONS);
        keys.addAll(ConfigKeys.LIMITS_OPTIONS);
        keys.addAll(ConfigKeys.MODEL_OPTIONS);
        keys.addAll(ConfigKeys.ROUTE_OPTIONS);
        keys.addAll(ConfigKeys.ADMIN_OPTIONS);
        keys.addAll(ConfigKeys.GATEWAY_OPTIONS);
        keys.addAll(ConfigKeys.CLIENT_KEY_OPTIONS);
        keys.addAll(ConfigKeys.LOGGING_OPTIONS);
        keys.addAll(ConfigKeys.METRICS_OPTIONS);
        keys.addAll(ConfigKeys.TRACING_OPTIONS);
        keys.addAll(ConfigKeys.PRICE_OPTIONS);
        keys.addAll(ConfigKeys.BUDGET_OPTIONS);

        List<String> missing = keys.stream()
                .filter(key -> !Pattern.compile("(?m)^\\s*(- )?" + key + ":")
                        .matcher(text)
                        .find())
                .toList();

        assertEquals(List.of(), missing);
    }

    /** server.tls needs certificate files, so the example shows it commented out; every key is still there. */
    @Test
    void exampleShowsTheTlsSection() throws Exception {
        String text = Files.readString(exampleFile());
        List<String> keys = new ArrayList<>(List.of("tls"));
        keys.addAll(ConfigKeys.TLS_OPTIONS);

        List<String> missing = keys.stream()
                .filter(key -> !Pattern.compile("(?m)^\\s*#?\\s*" + key + ":")
                        .matcher(text)
                        .find())
                .toList();

        assertEquals(List.of(), missing);
    }
}
