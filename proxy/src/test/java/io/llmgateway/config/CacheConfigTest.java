package io.llmgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code cache} section, a model's {@code cache} and a key's {@code cache_scope}. */
class CacheConfigTest {
    private static final String PROVIDERS = """
            api_provider:
              a: {base_url: "https://a.example.com/v1", api_key: key-a}
            """;

    private static GatewayConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, Map.of());
    }

    private static List<String> problems(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).problems();
    }

    @Test
    void parse_defaults_cacheOffForEveryModel() throws Exception {
        GatewayConfig c = parse(PROVIDERS + "model_config:\n  m:\n    a:\n");
        assertEquals(CacheSettings.DEFAULT, c.cache());
        assertEquals(256L * 1024 * 1024, c.cache().maxBytes());
        assertEquals(Duration.ofMinutes(10), c.cache().ttl());
        assertFalse(c.models().get("m").cached());
    }

    @Test
    void parse_modelCacheTrueTakesTheSectionsTtl_aMappingItsOwn() throws Exception {
        GatewayConfig c = parse(PROVIDERS + """
                cache: {max_size: 64MiB, ttl: 2m}
                gateway:
                  api_keys:
                    - {name: own, key: sk-own-0123456789}
                    - {name: both, key: sk-both-0123456789, cache_scope: shared}
                model_config:
                  m1: {cache: true, a: {}}
                  m2: {cache: {ttl: 1h}, a: {}}
                  m3: {cache: false, a: {}}
                """);
        assertEquals(64L * 1024 * 1024, c.cache().maxBytes());
        assertEquals(Duration.ofMinutes(2), c.models().get("m1").cacheTtl());
        assertEquals(Duration.ofHours(1), c.models().get("m2").cacheTtl());
        assertNull(c.models().get("m3").cacheTtl());
        assertFalse(c.access().apiKeys().get(0).sharedCache());
        assertTrue(c.access().apiKeys().get(1).sharedCache());
        assertEquals(
                List.of("a"),
                c.models().get("m1").routes().stream().map(ModelRoute::provider).toList());
    }

    @Test
    void parse_badValues_nameTheField() {
        assertEquals(
                List.of(
                        "cache.keep: unknown option (expected one of: max_size, ttl)",
                        "cache.max_size: expected a size like 32MiB, 512KiB or 1048576 (bytes), got \"lots\"",
                        "cache.ttl: expected a positive duration, got 0",
                        "model_config.m.cache: expected true, false or a mapping like {ttl: 1h}, got \"maybe\"",
                        "model_config.n.cache.size: unknown option (expected one of: ttl)",
                        "gateway.api_keys[0].cache_scope: expected one of key, shared, got \"everyone\""),
                problems(PROVIDERS + """
                        cache: {max_size: lots, ttl: 0, keep: 1}
                        gateway:
                          api_keys:
                            - {name: k, key: sk-k-0123456789, cache_scope: everyone}
                        model_config:
                          m: {cache: maybe, a: {}}
                          n: {cache: {size: 1}, a: {}}
                        """));
    }
}
