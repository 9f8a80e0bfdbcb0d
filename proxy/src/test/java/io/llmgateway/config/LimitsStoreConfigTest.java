package io.llmgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code limits_store}, {@code limits_store_timeout}, {@code limits_store_fallback_share}. */
class LimitsStoreConfigTest {
    private static final String VALID = """
            api_provider:
              a:
                base_url: https://a.example.com/v1
            model_config:
              m:
                a:
            """;

    private static LimitsStoreSettings parse(String extra) throws ConfigException {
        return ConfigLoader.parse(VALID + extra, Map.of()).limitsStore();
    }

    private static List<String> problems(String extra) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(VALID + extra, Map.of()))
                .problems();
    }

    @Test
    void parse_absent_memoryWithDefaults() throws Exception {
        LimitsStoreSettings s = parse("");
        assertFalse(s.shared());
        assertNull(s.uri());
        assertEquals(Duration.ofMillis(50), s.timeout());
        assertEquals(0.5, s.fallbackShare());
        assertEquals("memory", s.location());
    }

    @Test
    void parse_emptyVariable_memory() throws Exception {
        LimitsStoreSettings s = ConfigLoader.parse(VALID + "limits_store: ${LIMITS_STORE:-}\n", Map.of())
                .limitsStore();
        assertFalse(s.shared());
    }

    @Test
    void parse_redisUriWithOptions() throws Exception {
        LimitsStoreSettings s = parse("""
                limits_store: redis://:s3cr%40t@redis.internal:6380/2
                limits_store_timeout: 120ms
                limits_store_fallback_share: 1/3
                """);
        assertTrue(s.shared());
        assertEquals(URI.create("redis://:s3cr%40t@redis.internal:6380/2"), s.uri());
        assertEquals(Duration.ofMillis(120), s.timeout());
        assertEquals(1.0 / 3, s.fallbackShare(), 1e-12);
        assertEquals("redis://redis.internal:6380/2", s.location());
        assertFalse(s.toString().contains("s3cr"), s.toString());
    }

    @Test
    void parse_tlsDefaultsPortAndDatabase() throws Exception {
        LimitsStoreSettings s = parse("limits_store: rediss://cache.example.com\n");
        assertEquals("rediss://cache.example.com:6379/0", s.location());
        assertEquals(0, s.database());
        assertEquals(6379, s.port());
    }

    @Test
    void parse_ipv6Host() throws Exception {
        assertEquals(
                "redis://[::1]:6379/0",
                parse("limits_store: redis://[::1]:6379\n").location());
    }

    @Test
    void parse_shareAsPercent() throws Exception {
        assertEquals(0.25, parse("limits_store_fallback_share: 25%\n").fallbackShare());
        assertEquals(1.0, parse("limits_store_fallback_share: 1\n").fallbackShare());
    }

    @Test
    void parse_badShare_namesThePath() throws Exception {
        assertEquals(
                List.of("limits_store_fallback_share: expected a share greater than 0 and at most 1, "
                        + "like 0.5, 50% or 1/3, got 1.5"),
                problems("limits_store_fallback_share: 1.5\n"));
        assertEquals(
                List.of("limits_store_fallback_share: expected a share greater than 0 and at most 1, "
                        + "like 0.5, 50% or 1/3, got \"half\""),
                problems("limits_store_fallback_share: half\n"));
        assertEquals(1, problems("limits_store_fallback_share: 0\n").size());
    }

    @Test
    void parse_badTimeout_namesThePath() throws Exception {
        assertEquals(
                List.of("limits_store_timeout: expected a duration like 500ms, 30s, 5m, got \"fast\""),
                problems("limits_store_timeout: fast\n"));
    }

    @Test
    void parse_wrongScheme_neverShowsThePassword() throws Exception {
        List<String> p = problems("limits_store: http://:hunter2@redis:6379/0\n");
        assertEquals(1, p.size());
        assertTrue(p.get(0).startsWith("limits_store: expected a URI like redis://host:6379/0"), p.get(0));
        assertTrue(p.get(0).contains("scheme must be redis (plain) or rediss (TLS)"), p.get(0));
        assertFalse(p.get(0).contains("hunter2"), p.get(0));
    }

    @Test
    void parse_badDatabaseOrQuery_rejected() throws Exception {
        assertTrue(problems("limits_store: redis://redis:6379/cache\n").get(0).contains("database number"));
        assertTrue(problems("limits_store: redis://redis:6379/0?timeout=1s\n")
                .get(0)
                .contains("query options are not supported"));
    }

    @Test
    void parse_unencodedPassword_explainsEncoding() throws Exception {
        List<String> p = problems("limits_store: redis://:pa#ss@redis:6379/0\n");
        assertEquals(1, p.size());
        assertFalse(p.get(0).contains("pa#ss"), p.get(0));
    }
}
