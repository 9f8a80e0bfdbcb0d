package io.llmgateway.config;

import static java.util.Objects.requireNonNull;

import java.net.URI;

/**
 * One entry of {@code api_provider}.
 *
 * @param name the key under {@code api_provider}
 * @param baseUrl absolute http(s) URL; its path (e.g. {@code /v1}) is the prefix requests are forwarded under
 * @param apiKey the provider's key, sent as {@code Authorization: Bearer}; never logged or shown
 * @param limits rate limits of this provider, shared by every model it serves
 * @param caFile a PEM file of certificates to trust for this https provider (a private CA), or null to
 *               trust the JDK's default authorities only; host names are verified either way
 */
public record ProviderConfig(String name, URI baseUrl, String apiKey, Limits limits, String caFile) {
    public ProviderConfig {
        requireNonNull(name, "name");
        requireNonNull(baseUrl, "baseUrl");
        requireNonNull(apiKey, "apiKey");
        requireNonNull(limits, "limits");
    }

    public ProviderConfig(String name, URI baseUrl, String apiKey, Limits limits) {
        this(name, baseUrl, apiKey, limits, null);
    }

    /** Keeps the key out of logs, exceptions and debugger views. */
    @Override
    public String toString() {
        return "ProviderConfig[name=" + name + ", baseUrl=" + baseUrl + ", apiKey=***, limits=" + limits + ']';
    }
}
