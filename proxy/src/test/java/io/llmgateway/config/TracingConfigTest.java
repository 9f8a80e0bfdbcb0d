package io.llmgateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code tracing} section. */
class TracingConfigTest {
    private static final String VALID = """
            api_provider:
              a:
                base_url: https://a.example.com/v1
            model_config:
              m:
                a:
            """;

    private static TracingSettings parse(String extra, Map<String, String> env) throws ConfigException {
        return ConfigLoader.parse(VALID + extra, env).tracing();
    }

    private static List<String> problems(String extra) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(VALID + extra, Map.of("TOKEN", "s3cret")))
                .problems();
    }

    @Test
    void parse_absent_off() throws Exception {
        TracingSettings t = parse("", Map.of());
        assertFalse(t.enabled());
        assertNull(t.otlpEndpoint());
        assertEquals(1.0, t.sampleRatio());
        assertEquals("llm-gateway", t.serviceName());
        assertTrue(t.headers().isEmpty());
    }

    @Test
    void parse_emptyEndpointVariable_off() throws Exception {
        assertFalse(parse("tracing:\n  otlp_endpoint: ${OTLP:-}\n", Map.of()).enabled());
    }

    @Test
    void parse_everyOption_withHeaderFromTheEnvironment() throws Exception {
        TracingSettings t = parse("""
                tracing:
                  otlp_endpoint: http://otel-collector:4318/
                  sample_ratio: 0.25
                  service_name: gw-eu
                  headers:
                    Authorization: Bearer ${TOKEN}
                    x-tenant: acme
                """, Map.of("TOKEN", "s3cret"));
        assertTrue(t.enabled());
        assertEquals(URI.create("http://otel-collector:4318/"), t.otlpEndpoint());
        assertEquals("http://otel-collector:4318/v1/traces", t.tracesUrl());
        assertEquals(0.25, t.sampleRatio());
        assertEquals("gw-eu", t.serviceName());
        assertEquals(Map.of("authorization", "Bearer s3cret", "x-tenant", "acme"), t.headers());
        assertFalse(t.toString().contains("s3cret"), t.toString());
    }

    @Test
    void parse_badValues_eachNamedByItsField_secretsNotShown() {
        List<String> problems = problems("""
                tracing:
                  otlp_endpoint: grpc://collector:4317
                  sample_ratio: 1.5
                  service_name: ""
                  headers:
                    "bad name": x
                    authorization: [ "${TOKEN}" ]
                  exporter: otlp
                """);
        String all = String.join("\n", problems);
        assertTrue(all.contains("tracing.otlp_endpoint: expected an OTLP/HTTP URL"), all);
        assertTrue(all.contains("tracing.sample_ratio: expected a ratio from 0 to 1, like 0.1, got 1.5"), all);
        assertTrue(all.contains("tracing.service_name: expected a service name"), all);
        assertTrue(all.contains("tracing.headers.bad name: not a valid header name"), all);
        assertTrue(all.contains("tracing.headers.authorization: expected a string"), all);
        assertTrue(all.contains("tracing.exporter: unknown option"), all);
        assertFalse(all.contains("s3cret"), all);
    }

    @Test
    void parse_endpointWithCredentials_refused() {
        String all = String.join("\n", problems("tracing:\n  otlp_endpoint: http://user:pw@collector:4318\n"));
        assertTrue(all.contains("tracing.otlp_endpoint: expected an OTLP/HTTP URL"), all);
        assertTrue(all.contains("send credentials in tracing.headers"), all);
    }

    @Test
    void settings_checkTheirArguments() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new TracingSettings(null, -0.1, TracingSettings.DEFAULT_SERVICE_NAME, Map.of()));
        assertThrows(
                IllegalArgumentException.class,
                () -> new TracingSettings(URI.create("ftp://x"), 1, TracingSettings.DEFAULT_SERVICE_NAME, Map.of()));
    }
}
