package io.llmgateway.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads the {@code tracing} section. */
final class TracingReader {
    // An HTTP token (RFC 9110 section 5.6.2): anything else would break the export request.
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private TracingReader() {}

    static TracingSettings readTracing(ConfigNode section) {
        section.rejectUnknownKeys(ConfigKeys.TRACING_OPTIONS, "option");
        TracingSettings d = TracingSettings.OFF;
        URI endpoint = readEndpoint(section.get("otlp_endpoint"));
        double ratio = readRatio(section.get("sample_ratio"), d.sampleRatio());
        String service = section.get("service_name").asNonEmptyString("a service name", d.serviceName());
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigNode> e : section.get("headers").entries().entrySet()) {
            String name = e.getKey();
            if (!HEADER_NAME.matcher(name).matches()) {
                e.getValue().problem("not a valid header name");
                continue;
            }
            String value = readHeaderValue(e.getValue());
            if (value != null) {
                headers.put(name.toLowerCase(Locale.ROOT), value);
            }
        }
        return new TracingSettings(endpoint, ratio, service, headers);
    }

    /** A header's value, which may be a secret: never shown in a message. */
    private static String readHeaderValue(ConfigNode node) {
        String value = node.asSecretText();
        if (value == null) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < ' ' && c != '\t' || c == 0x7f) {
                node.problem("must not contain control characters (value not shown)");
                return null;
            }
        }
        return value;
    }

    /** {@code http://host:4318} or {@code https://...}; null when absent or empty (tracing off). */
    private static URI readEndpoint(ConfigNode node) {
        String text = node.asString(null);
        if (text == null || text.isBlank()) {
            return null;
        }
        String expected = "an OTLP/HTTP URL like http://otel-collector:4318";
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            node.expected(expected);
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            node.expected(expected + " (the scheme must be http or https)");
            return null;
        }
        if (uri.getHost() == null) {
            node.expected(expected + " (no host name)");
            return null;
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            node.expected(expected + " (no query, fragment or user; send credentials in tracing.headers)");
            return null;
        }
        return uri;
    }

    private static double readRatio(ConfigNode node, double defaultValue) {
        String text = node.asString(null);
        if (text == null) {
            return defaultValue;
        }
        double ratio;
        try {
            ratio = Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            ratio = Double.NaN;
        }
        if (!(ratio >= 0 && ratio <= 1)) {
            node.expected("a ratio from 0 to 1, like 0.1");
            return defaultValue;
        }
        return ratio;
    }
}
