package io.llmgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final Map<String, String> NO_ENV = Map.of();

    /** Two providers and one model: tests append or replace sections around it. */
    private static final String PROVIDERS = """
            api_provider:
              a:
                base_url: https://a.example.com/v1
                api_key: key-a
              b:
                base_url: http://b.example.com:8080
            """;

    private static final String MODELS = """
            model_config:
              m:
                a:
            """;
    private static final String VALID = PROVIDERS + MODELS;

    private static List<String> problems(String yaml) {
        return problems(yaml, NO_ENV);
    }

    private static List<String> problems(String yaml, Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, env))
                .problems();
    }

    private static void assertProblem(String yaml, String expectedLine) {
        assertEquals(List.of(expectedLine), problems(yaml));
    }

    // ---- accepted input

    @Test
    void parse_basicFormatExampleUnchanged() throws Exception {
        String example = """
                api_provider:
                  your_provider:
                    base_url: https://api.example.com/v1
                    api_key: your_api_key_here
                    limits:
                      rpm: 60      # requests per minute
                      tpm: 10000   # tokens per minute
                      rpd: 1000    # requests per day
                      tpr: 4000    # max tokens per single request
                model_config:
                  gpt-4o:                # the model name clients send
                    your_provider:
                      alias: gpt-4o      # optional: the model name this provider uses
                      enable: true       # whether this provider serves this model
                """;
        GatewayConfig config = ConfigLoader.parse(example, NO_ENV);

        ProviderConfig provider = config.providers().get("your_provider");
        assertEquals(URI.create("https://api.example.com/v1"), provider.baseUrl());
        assertEquals("your_api_key_here", provider.apiKey());
        assertEquals(new Limits(60, 10000, 1000, 4000), provider.limits());
        assertEquals(
                List.of(new ModelRoute("your_provider", "gpt-4o", true, 1)),
                config.models().get("gpt-4o").routes());
        assertEquals(List.of("gpt-4o"), config.autoModels());
    }

    @Test
    void parse_defaultsWhenSectionsAbsent() throws Exception {
        GatewayConfig config = ConfigLoader.parse(VALID, NO_ENV);

        assertEquals(ServerSettings.DEFAULT, config.server());
        assertEquals(UpstreamSettings.DEFAULT, config.upstream());
        assertEquals(RoutingSettings.defaults(), config.routing());
        assertEquals(Limits.NONE, config.providers().get("a").limits());
        assertEquals("", config.providers().get("b").apiKey());
        ModelConfig model = config.models().get("m");
        assertEquals(List.of(new ModelRoute("a", "m", true, 1)), model.routes());
        assertNull(model.strategy());
        assertNull(model.encoding());
    }

    @Test
    void parse_emptySectionsAndOptionsKeepDefaults() throws Exception {
        GatewayConfig config = ConfigLoader.parse(
                "server:\nupstream: {}\nrouting: ~\n" + PROVIDERS
                        + "model_config:\n  m:\n    a: {alias: ~, weight: }\n",
                NO_ENV);

        assertEquals(ServerSettings.DEFAULT, config.server());
        assertEquals(UpstreamSettings.DEFAULT, config.upstream());
        assertEquals(
                new ModelRoute("a", "m", true, 1),
                config.models().get("m").routes().get(0));
    }

    @Test
    void parse_preservesFileOrder() throws Exception {
        String yaml = """
                api_provider:
                  zeta: {base_url: https://z.example.com}
                  alpha: {base_url: https://a.example.com}
                  mid: {base_url: https://m.example.com}
                model_config:
                  second:
                    mid:
                    zeta:
                    alpha:
                  first:
                    alpha:
                """;
        GatewayConfig config = ConfigLoader.parse(yaml, NO_ENV);

        assertEquals(
                List.of("zeta", "alpha", "mid"), List.copyOf(config.providers().keySet()));
        assertEquals(List.of("second", "first"), List.copyOf(config.models().keySet()));
        assertEquals(
                List.of("mid", "zeta", "alpha"),
                config.models().get("second").routes().stream()
                        .map(ModelRoute::provider)
                        .toList());
        assertEquals(List.of("second", "first"), config.autoModels());
    }

    @Test
    void parse_everyOption() throws Exception {
        String yaml = """
                server: {host: 127.0.0.1, port: 9000, max_body_size: 512KiB, io_threads: 2, max_request_line: 4KiB,
                  max_header_size: 16KiB, max_headers: 50, request_timeout: 20s, idle_timeout: 2m, max_in_flight: 500,
                  max_buffered_body_size: 64MiB, shutdown_grace_period: 10s, transport: EPOLL, http2: false,
                  http2_max_concurrent_streams: 64}
                upstream:
                  connect_timeout: 500ms
                  response_timeout: 2m
                  stream_first_byte_timeout: 1h
                  stream_idle_timeout: 45
                  max_connections_per_loop: 8
                  acquire_timeout: "3s"
                  idle_connection_timeout: 90s
                  max_pending_acquires: 12
                routing:
                  strategy: Weighted
                  max_attempts: 5
                  failure_threshold: 2
                  base_cooldown: 1s
                  max_cooldown: 1s
                  bad_key_cooldown: 10m
                  rpd_window: rolling
                  time_zone: Europe/Berlin
                """ + PROVIDERS + """
                model_config:
                  m:
                    strategy: headroom
                    encoding: cl100k_base
                    b: {alias: other, enable: false, weight: 7}
                    a:
                  n:
                    a:
                auto: [n, m]
                """;
        GatewayConfig config = ConfigLoader.parse(yaml, NO_ENV);

        assertEquals(
                new ServerSettings(
                        "127.0.0.1",
                        9000,
                        512 * 1024,
                        2,
                        4096,
                        16 * 1024,
                        50,
                        Duration.ofSeconds(20),
                        Duration.ofMinutes(2),
                        500,
                        64L * 1024 * 1024,
                        Duration.ofSeconds(10),
                        IoTransport.EPOLL,
                        null,
                        false,
                        64),
                config.server());
        assertEquals(
                new UpstreamSettings(
                        Duration.ofMillis(500),
                        Duration.ofMinutes(2),
                        Duration.ofHours(1),
                        Duration.ofSeconds(45),
                        8,
                        Duration.ofSeconds(3),
                        Duration.ofSeconds(90),
                        12),
                config.upstream());
        assertEquals(
                new RoutingSettings(
                        Strategy.WEIGHTED,
                        5,
                        2,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1),
                        Duration.ofMinutes(10),
                        true,
                        ZoneId.of("Europe/Berlin")),
                config.routing());
        ModelConfig m = config.models().get("m");
        assertEquals(Strategy.HEADROOM, m.strategy());
        assertEquals("cl100k_base", m.encoding());
        assertEquals(List.of(new ModelRoute("b", "other", false, 7), new ModelRoute("a", "m", true, 1)), m.routes());
        assertEquals(List.of("n", "m"), config.autoModels());
    }

    @Test
    void parse_integersAsDigitStrings() throws Exception {
        GatewayConfig config =
                ConfigLoader.parse(VALID.replace("api_key: key-a", "limits: {rpm: '60', tpm: \"1000\"}"), NO_ENV);

        assertEquals(
                new Limits(60, 1000, Limits.UNLIMITED, Limits.UNLIMITED),
                config.providers().get("a").limits());
    }

    @Test
    void parse_yamlOneOneBooleans() throws Exception {
        GatewayConfig config = ConfigLoader.parse(
                PROVIDERS + "model_config:\n  m:\n    a: {enable: no}\n    b: {enable: On}\n", NO_ENV);

        assertEquals(
                List.of(false, true),
                config.models().get("m").routes().stream()
                        .map(ModelRoute::enabled)
                        .toList());
    }

    @Test
    void parse_sizes() throws Exception {
        assertEquals(
                32 * 1024 * 1024,
                ConfigLoader.parse("server: {max_body_size: 32MiB}\n" + VALID, NO_ENV)
                        .server()
                        .maxBodyBytes());
        assertEquals(
                3 * 1024 * 1024,
                ConfigLoader.parse("server: {max_body_size: 3m}\n" + VALID, NO_ENV)
                        .server()
                        .maxBodyBytes());
        assertEquals(
                1000,
                ConfigLoader.parse("server: {max_body_size: 1000}\n" + VALID, NO_ENV)
                        .server()
                        .maxBodyBytes());
    }

    @Test
    void parse_baseUrlTrailingSlashStripped() throws Exception {
        GatewayConfig config = ConfigLoader.parse(
                VALID.replace("https://a.example.com/v1", "https://a.example.com/v1//")
                        .replace("http://b.example.com:8080", "http://b.example.com:8080/"),
                NO_ENV);

        assertEquals(
                URI.create("https://a.example.com/v1"),
                config.providers().get("a").baseUrl());
        assertEquals(
                URI.create("http://b.example.com:8080"),
                config.providers().get("b").baseUrl());
    }

    // ---- one test per kind of mistake

    @Test
    void parse_limitNotAnInteger() {
        assertProblem(
                VALID.replace("api_key: key-a", "limits: {rpm: ten}"),
                "api_provider.a.limits.rpm: expected a positive integer, got \"ten\"");
    }

    @Test
    void parse_limitNotPositive() {
        assertProblem(
                VALID.replace("api_key: key-a", "limits: {tpm: -3}"),
                "api_provider.a.limits.tpm: expected a positive integer, got -3");
    }

    @Test
    void parse_unknownOption() {
        assertProblem(
                VALID.replace("api_key: key-a", "limits: {rmp: 5}"),
                "api_provider.a.limits.rmp: unknown option (expected one of: rpm, tpm, rpd, tpr)");
    }

    @Test
    void parse_unknownRouteOption() {
        assertProblem(
                PROVIDERS + "model_config:\n  m:\n    a: {alais: x}\n",
                "model_config.m.a.alais: unknown option (expected one of: alias, enable, weight, price)");
    }

    @Test
    void parse_unknownSection() {
        assertProblem(
                VALID + "servr: {port: 1}\n",
                "servr: unknown section (expected one of: " + String.join(", ", ConfigKeys.SECTIONS) + ")");
    }

    @Test
    void parse_sectionNotAMapping() {
        assertProblem("server: 8100\n" + VALID, "server: expected a mapping, got 8100");
    }

    @Test
    void parse_missingProviders() {
        assertProblem(MODELS, "api_provider: missing (at least one provider is required)");
    }

    @Test
    void parse_emptyProviders() {
        assertProblem("api_provider: {}\n" + MODELS, "api_provider: empty (at least one provider is required)");
    }

    @Test
    void parse_missingModels() {
        assertProblem(PROVIDERS, "model_config: missing (at least one model is required)");
    }

    @Test
    void parse_baseUrlMissing() {
        assertProblem(
                VALID.replace("    base_url: https://a.example.com/v1\n", ""),
                "api_provider.a.base_url: missing (expected an absolute http or https URL like https://api.example.com/v1)");
    }

    @Test
    void parse_baseUrlNotAUrl() {
        assertProblem(
                VALID.replace("https://a.example.com/v1", "\"not a url\""),
                "api_provider.a.base_url: expected an absolute http or https URL like https://api.example.com/v1,"
                        + " got \"not a url\"");
    }

    @Test
    void parse_baseUrlWrongScheme() {
        assertProblem(
                VALID.replace("https://a.example.com/v1", "ftp://a.example.com/v1"),
                "api_provider.a.base_url: expected an absolute http or https URL like https://api.example.com/v1,"
                        + " got \"ftp://a.example.com/v1\"");
    }

    @Test
    void parse_baseUrlWithoutHost() {
        assertProblem(
                VALID.replace("https://a.example.com/v1", "https:///v1"),
                "api_provider.a.base_url: expected an absolute http or https URL like https://api.example.com/v1"
                        + " (with a valid host name), got \"https:///v1\"");
    }

    @Test
    void parse_baseUrlWithQuery() {
        assertProblem(
                VALID.replace("https://a.example.com/v1", "https://a.example.com/v1?x=1"),
                "api_provider.a.base_url: expected an absolute http or https URL like https://api.example.com/v1"
                        + " (without ?query or #fragment), got \"https://a.example.com/v1?x=1\"");
    }

    @Test
    void parse_baseUrlWithUserInfoNotEchoed() {
        List<String> problems = problems(VALID.replace("https://a.example.com/v1", "https://u:hunter2@a.example.com"));

        assertEquals(
                List.of("api_provider.a.base_url: must not contain user:password@ (put the key in api_key)"), problems);
    }

    @Test
    void parse_adminTokenShorterThan16_refusedWithoutTheValue() {
        List<String> problems =
                problems(VALID + "admin:\n  token: ${ADMIN_TOKEN}\n", Map.of("ADMIN_TOKEN", "hunter2-hunter2"));

        assertEquals(
                List.of("admin.token: too short (expected: at least 16 characters, e.g. from openssl rand -hex"
                        + " 24; value not shown)"),
                problems);
    }

    @Test
    void parse_adminToken16Characters_accepted_emptyMeansNone() throws Exception {
        String yaml = VALID + "admin:\n  token: ${ADMIN_TOKEN:-}\n";
        assertEquals(
                "0123456789abcdef",
                ConfigLoader.parse(yaml, Map.of("ADMIN_TOKEN", "0123456789abcdef"))
                        .admin()
                        .token());
        assertNull(ConfigLoader.parse(yaml, NO_ENV).admin().token());
    }

    @Test
    void parse_unknownProviderInModel() {
        assertProblem(
                PROVIDERS + "model_config:\n  gpt-4o:\n    acme:\n",
                "model_config.gpt-4o.acme: unknown provider (known: a, b)");
    }

    @Test
    void parse_modelWithoutProviders() {
        assertProblem(
                PROVIDERS + "model_config:\n  m:\n    strategy: headroom\n",
                "model_config.m: no providers (list at least one api_provider name under the model)");
    }

    @Test
    void parse_modelNamedAuto() {
        assertProblem(
                VALID + "  auto:\n    a:\n",
                "model_config.auto: reserved model name (\"auto\" lets the gateway choose; see the auto section)");
    }

    @Test
    void parse_providerNamedLikeModelOption() {
        assertProblem(
                PROVIDERS + "  strategy:\n    base_url: https://s.example.com\n" + MODELS,
                "api_provider.strategy: reserved name (model_config uses strategy, encoding and cache as model options);"
                        + " rename this provider");
    }

    @Test
    void parse_autoNamesUnknownModel() {
        assertProblem(VALID + "auto: [m, gpt-5]\n", "auto[1]: unknown model \"gpt-5\" (known: m)");
    }

    @Test
    void parse_autoDuplicate() {
        assertProblem(VALID + "auto: [m, m]\n", "auto[1]: duplicate model \"m\"");
    }

    @Test
    void parse_autoNotAList() {
        assertProblem(VALID + "auto: {m: 1}\n", "auto: expected a list, got a mapping");
    }

    @Test
    void parse_badStrategy() {
        assertProblem(
                "routing: {strategy: fastest}\n" + VALID,
                "routing.strategy: expected one of priority, headroom, weighted, got \"fastest\"");
    }

    @Test
    void parse_badTransport() {
        assertProblem(
                "server: {transport: kqueue}\n" + VALID,
                "server.transport: expected one of auto, io_uring, epoll, nio, got \"kqueue\"");
    }

    @Test
    void parse_badRpdWindow() {
        assertProblem(
                "routing: {rpd_window: weekly}\n" + VALID,
                "routing.rpd_window: expected one of calendar, rolling, got \"weekly\"");
    }

    @Test
    void parse_badEncoding() {
        assertProblem(
                PROVIDERS + "model_config:\n  m:\n    encoding: gpt2\n    a:\n",
                "model_config.m.encoding: expected one of r50k_base, p50k_base, p50k_edit, cl100k_base, o200k_base,"
                        + " got \"gpt2\"");
    }

    @Test
    void parse_badDuration() {
        assertProblem(
                "upstream: {connect_timeout: soon}\n" + VALID,
                "upstream.connect_timeout: expected a duration like 500ms, 30s, 5m, got \"soon\"");
    }

    @Test
    void parse_zeroDuration() {
        assertProblem(
                "upstream: {acquire_timeout: 0ms}\n" + VALID,
                "upstream.acquire_timeout: expected a positive duration, got \"0ms\"");
    }

    @Test
    void parse_maxCooldownBelowBase() {
        assertProblem(
                "routing: {base_cooldown: 10s, max_cooldown: 2s}\n" + VALID,
                "routing.max_cooldown: must not be shorter than base_cooldown (10s)");
    }

    @Test
    void parse_badTimeZone() {
        assertProblem(
                "routing: {time_zone: Mars/Olympus}\n" + VALID,
                "routing.time_zone: expected a time zone like Europe/Berlin or UTC, got \"Mars/Olympus\"");
    }

    @Test
    void parse_portOutOfRange() {
        assertProblem(
                "server: {port: 70000}\n" + VALID, "server.port: expected a port number from 0 to 65535, got 70000");
    }

    @Test
    void parse_badSize() {
        assertProblem(
                "server: {max_body_size: 32MB}\n" + VALID,
                "server.max_body_size: expected a size like 32MiB, 512KiB or 1048576 (bytes), got \"32MB\"");
        assertProblem(
                "server: {max_body_size: 2GiB}\n" + VALID,
                "server.max_body_size: expected a size from 1 byte to 2047MiB, got \"2GiB\"");
    }

    @Test
    void parse_booleanNotABoolean() {
        assertProblem(
                PROVIDERS + "model_config:\n  m:\n    a: {enable: maybe}\n",
                "model_config.m.a.enable: expected true or false, got \"maybe\"");
        assertProblem(
                PROVIDERS + "model_config:\n  m:\n    a: {enable: 1}\n",
                "model_config.m.a.enable: expected true or false, got 1");
    }

    @Test
    void parse_emptyAlias() {
        assertProblem(
                PROVIDERS + "model_config:\n  m:\n    a: {alias: ''}\n",
                "model_config.m.a.alias: expected a non-empty model name, got \"\"");
    }

    @Test
    void parse_badWeight() {
        assertProblem(
                PROVIDERS + "model_config:\n  m:\n    a: {weight: 0.5}\n",
                "model_config.m.a.weight: expected a positive integer, got 0.5");
    }

    @Test
    void parse_syntaxErrorHasLineAndColumnButNoText() {
        List<String> problems = problems("api_provider:\n  a:\n    api_key: sk-secret: x\n");

        assertEquals(List.of("YAML syntax error at line 3, column 23: mapping values are not allowed here"), problems);
    }

    @Test
    void parse_forbiddenCharacterHasLineAndColumnButNoText() {
        assertProblem(
                "api_provider:\n  a:\n    api_key: sk-\u0001secret\n",
                "YAML syntax error at line 3, column 17: character U+0001 is not allowed");
    }

    @Test
    void parse_duplicateKey() {
        assertProblem(VALID + "  m:\n    b:\n", "model_config: duplicate key \"m\" (line 10)");
    }

    @Test
    void parse_emptyDocument() {
        String expected = "the configuration is empty (expected at least the api_provider and model_config sections)";
        assertProblem("", expected);
        assertProblem("# nothing yet\n\n", expected);
    }

    @Test
    void parse_topLevelNotAMapping() {
        assertProblem(
                "- api_provider\n- model_config\n",
                "the configuration must be a mapping of sections" + " (" + String.join(", ", ConfigKeys.SECTIONS)
                        + ")");
    }

    @Test
    void parse_reportsEveryProblemInFileOrder() {
        List<String> problems =
                problems("server: {port: -1}\nrouting: {strategy: x}\n" + PROVIDERS + "model_config:\n  m:\n    c:\n");

        assertEquals(
                List.of(
                        "server.port: expected a port number from 0 to 65535, got -1",
                        "routing.strategy: expected one of priority, headroom, weighted, got \"x\"",
                        "model_config.m.c: unknown provider (known: a, b)"),
                problems);
    }

    // ---- environment substitution

    @Test
    void parse_envWholeValue() throws Exception {
        GatewayConfig config = ConfigLoader.parse(VALID.replace("key-a", "${KEY_A}"), Map.of("KEY_A", "s3cr3t"));

        assertEquals("s3cr3t", config.providers().get("a").apiKey());
    }

    @Test
    void parse_envEmbeddedAndDefault() throws Exception {
        GatewayConfig config = ConfigLoader.parse(
                VALID.replace("key-a", "Bearer-${X}-y")
                        .replace("https://a.example.com/v1", "https://${HOST:-fallback.example.com}/v1"),
                Map.of("X", "mid"));

        assertEquals("Bearer-mid-y", config.providers().get("a").apiKey());
        assertEquals(
                URI.create("https://fallback.example.com/v1"),
                config.providers().get("a").baseUrl());
    }

    @Test
    void parse_envIntoInteger() throws Exception {
        GatewayConfig config = ConfigLoader.parse(
                VALID.replace("api_key: key-a", "limits: {rpm: '${RPM}', tpm: '${TPM:-}'}"), Map.of("RPM", "42"));

        assertEquals(
                new Limits(42, Limits.UNLIMITED, Limits.UNLIMITED, Limits.UNLIMITED),
                config.providers().get("a").limits());
    }

    @Test
    void parse_envEscape() throws Exception {
        GatewayConfig config = ConfigLoader.parse(VALID.replace("key-a", "'a$${B}c'"), NO_ENV);

        assertEquals("a${B}c", config.providers().get("a").apiKey());
    }

    @Test
    void parse_envMissing() {
        assertProblem(
                VALID.replace("key-a", "${OPENAI_KEY}"),
                "api_provider.a.api_key: environment variable OPENAI_KEY is not set");
    }

    @Test
    void parse_envUnterminated() {
        assertProblem(
                "server: {host: '${HOST'}\n" + VALID, "server.host: unterminated ${ (write $${ for a literal ${)");
    }

    @Test
    void parse_envSubstitutedValueIsValidated_messageNamesTheReferenceNotItsValue() {
        assertProblem(
                VALID.replace("api_key: key-a", "limits: {rpm: '${RPM}'}"),
                "api_provider.a.limits.rpm: expected a positive integer, got \"${RPM}\" (from the environment;"
                        + " its value is not shown)",
                Map.of("RPM", "lots"));
    }

    private static void assertProblem(String yaml, String expectedLine, Map<String, String> env) {
        assertEquals(List.of(expectedLine), problems(yaml, env));
    }

    @Test
    void parse_badApiKeyNeverShown() {
        String key = "sk-live abc";
        List<String> problems = problems(VALID.replace("key-a", "${KEY_A}"), Map.of("KEY_A", key));

        assertEquals(
                List.of("api_provider.a.api_key: must not contain spaces or control characters (value not shown)"),
                problems);
    }

    @Test
    void parse_apiKeyNeverInAnyMessage() {
        String key = "sk-abcdefghijklmnop";
        String yaml = "server: {port: x}\n" + PROVIDERS.replace("key-a", key) + "    limits: {rpm: 0}\n"
                + "model_config:\n  m:\n    a: {weight: -1}\n";
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, NO_ENV));

        assertEquals(3, e.problems().size());
        assertFalse(e.getMessage().contains(key), e.getMessage());
    }

    // ---- load, demo, the example file

    @Test
    void load_readsFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, "\uFEFF" + VALID);

        assertEquals(
                List.of("a", "b"),
                List.copyOf(ConfigLoader.load(file, NO_ENV).providers().keySet()));
    }

    @Test
    void load_missingFile(@TempDir Path dir) {
        assertThrows(NoSuchFileException.class, () -> ConfigLoader.load(dir.resolve("absent.yaml"), NO_ENV));
    }

    @Test
    void load_unreadableNamesFile(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir, NO_ENV));

        assertTrue(e.getMessage().startsWith(dir + ": cannot read: "), e.getMessage());
    }

    @Test
    void demo_oneServerAsAnOpenAiAndAnAnthropicProvider() {
        GatewayConfig config = ConfigLoader.demo(URI.create("http://127.0.0.1:9999/v1/"));

        ProviderConfig demo = config.providers().get("demo");
        assertEquals(
                List.of("demo", "demo-anthropic"),
                List.copyOf(config.providers().keySet()));
        assertEquals(ProviderApi.OPENAI, demo.api());
        assertEquals(
                ProviderApi.ANTHROPIC, config.providers().get("demo-anthropic").api());
        assertEquals(demo.baseUrl(), config.providers().get("demo-anthropic").baseUrl());
        assertEquals(URI.create("http://127.0.0.1:9999/v1"), demo.baseUrl());
        assertEquals("demo-key", demo.apiKey());
        assertEquals(Limits.NONE, demo.limits());
        assertEquals(
                List.of("gpt-4o-mini", "demo-model", "claude-demo"),
                List.copyOf(config.models().keySet()));
        assertEquals(
                List.of(new ModelRoute("demo", "demo-model", true, 1)),
                config.models().get("demo-model").routes());
        assertEquals(ServerSettings.DEFAULT, config.server());
        assertEquals(RoutingSettings.defaults(), config.routing());
    }
}
