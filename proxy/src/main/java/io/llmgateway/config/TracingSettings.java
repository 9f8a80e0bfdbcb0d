package io.llmgateway.config;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code tracing} section: OpenTelemetry spans exported over OTLP/HTTP (protobuf).
 *
 * @param otlpEndpoint the collector's base URL ({@code http://otel-collector:4318}); spans go to its
 *                     {@code /v1/traces}. Null: tracing is off and costs nothing on the request path.
 * @param sampleRatio the share of new traces kept, from 0 to 1; a client's sampled (or not sampled)
 *                    {@code traceparent} decides for its own trace
 * @param serviceName the {@code service.name} of the gateway's spans
 * @param headers headers sent with every export (e.g. a hosted collector's key); their values are secrets
 */
public record TracingSettings(URI otlpEndpoint, double sampleRatio, String serviceName, Map<String, String> headers) {
    public static final double DEFAULT_SAMPLE_RATIO = 1.0;
    public static final String DEFAULT_SERVICE_NAME = "llm-gateway";
    /** Tracing off. */
    public static final TracingSettings OFF =
            new TracingSettings(null, DEFAULT_SAMPLE_RATIO, DEFAULT_SERVICE_NAME, Map.of());

    public TracingSettings {
        requireNonNull(serviceName, "serviceName");
        requireNonNull(headers, "headers");
        if (!(sampleRatio >= 0 && sampleRatio <= 1)) {
            throw new IllegalArgumentException("sampleRatio: " + sampleRatio + " (expected: >= 0 and <= 1)");
        }
        if (serviceName.isEmpty()) {
            throw new IllegalArgumentException("serviceName: \"\" (expected: a name)");
        }
        if (otlpEndpoint != null) {
            String scheme = otlpEndpoint.getScheme() == null
                    ? ""
                    : otlpEndpoint.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new IllegalArgumentException("otlpEndpoint: scheme " + scheme + " (expected: http or https)");
            }
            if (otlpEndpoint.getHost() == null) {
                throw new IllegalArgumentException("otlpEndpoint: no host");
            }
        }
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** Whether spans are made and exported. */
    public boolean enabled() {
        return otlpEndpoint != null;
    }

    /** The URL spans are posted to: the endpoint with {@code /v1/traces} appended to its path. */
    public String tracesUrl() {
        String base = otlpEndpoint.toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/traces";
    }

    /** Never shows the headers' values. */
    @Override
    public String toString() {
        return "TracingSettings[" + otlpEndpoint + ", sampleRatio=" + sampleRatio + ", serviceName=" + serviceName
                + ", headers=" + headers.keySet() + ']';
    }
}
