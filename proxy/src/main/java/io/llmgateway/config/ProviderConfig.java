package io.llmgateway.config;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One entry of {@code api_provider}.
 *
 * @param name the key under {@code api_provider}
 * @param baseUrl absolute http(s) URL; its path (e.g. {@code /v1}) is the prefix requests are forwarded under
 * @param apiKey the provider's key, sent in the header its {@code api} uses; never logged or shown
 * @param limits rate limits of this provider, shared by every model it serves
 * @param caFile a PEM file of certificates to trust for this https provider (a private CA), or null to
 *               trust the JDK's default authorities only; host names are verified either way
 * @param extraEndpoints endpoint families beyond {@link Endpoints#FORWARDED} this provider is sent
 *                       ({@code batches}, {@code fine_tuning}, ...); empty by default
 * @param api the wire format the provider speaks
 * @param anthropicVersion the {@code anthropic-version} sent when the client sent none ({@code api: anthropic})
 * @param apiVersion Azure's {@code api-version} query value, or {@code v1} for Azure's v1 URLs ({@code api: azure})
 * @param defaultMaxTokens the {@code max_tokens} sent to an Anthropic provider when the client gave none
 * @param http2 requests to this provider are streams multiplexed over shared HTTP/2 connections (h2 over TLS by
 *              ALPN, h2c with prior knowledge for an http base_url) rather than one request per HTTP/1.1 connection
 */
public record ProviderConfig(
        String name,
        URI baseUrl,
        String apiKey,
        Limits limits,
        String caFile,
        Set<String> extraEndpoints,
        ProviderApi api,
        String anthropicVersion,
        String apiVersion,
        int defaultMaxTokens,
        boolean http2) {
    public static final String DEFAULT_ANTHROPIC_VERSION = "2023-06-01";
    public static final String DEFAULT_API_VERSION = "2024-10-21";
    /** Azure's {@code api_version} that selects its v1 URLs ({@code {base_url}/v1/...}, the model in the body). */
    public static final String AZURE_V1 = "v1";

    public static final int DEFAULT_MAX_TOKENS = 4096;

    public ProviderConfig {
        requireNonNull(name, "name");
        requireNonNull(baseUrl, "baseUrl");
        requireNonNull(apiKey, "apiKey");
        requireNonNull(limits, "limits");
        // In the order written: the admin page's rendering of a config lists them as the file did.
        extraEndpoints =
                Collections.unmodifiableSet(new LinkedHashSet<>(requireNonNull(extraEndpoints, "extraEndpoints")));
        requireNonNull(api, "api");
        requireNonNull(anthropicVersion, "anthropicVersion");
        requireNonNull(apiVersion, "apiVersion");
        if (defaultMaxTokens < 1) {
            throw new IllegalArgumentException("defaultMaxTokens: " + defaultMaxTokens + " (expected: >= 1)");
        }
    }

    /** A provider over HTTP/1.1. */
    public ProviderConfig(
            String name,
            URI baseUrl,
            String apiKey,
            Limits limits,
            String caFile,
            Set<String> extraEndpoints,
            ProviderApi api,
            String anthropicVersion,
            String apiVersion,
            int defaultMaxTokens) {
        this(
                name,
                baseUrl,
                apiKey,
                limits,
                caFile,
                extraEndpoints,
                api,
                anthropicVersion,
                apiVersion,
                defaultMaxTokens,
                false);
    }

    /** A provider of OpenAI's API. */
    public ProviderConfig(
            String name, URI baseUrl, String apiKey, Limits limits, String caFile, Set<String> extraEndpoints) {
        this(
                name,
                baseUrl,
                apiKey,
                limits,
                caFile,
                extraEndpoints,
                ProviderApi.OPENAI,
                DEFAULT_ANTHROPIC_VERSION,
                DEFAULT_API_VERSION,
                DEFAULT_MAX_TOKENS);
    }

    public ProviderConfig(String name, URI baseUrl, String apiKey, Limits limits, String caFile) {
        this(name, baseUrl, apiKey, limits, caFile, Set.of());
    }

    public ProviderConfig(String name, URI baseUrl, String apiKey, Limits limits) {
        this(name, baseUrl, apiKey, limits, null);
    }

    /** This provider speaking {@code api}, its other options unchanged. */
    public ProviderConfig withApi(ProviderApi api) {
        return toBuilder().api(api).build();
    }

    /** This provider with {@code http2} set, its other options unchanged. */
    public ProviderConfig withHttp2(boolean on) {
        return toBuilder().http2(on).build();
    }

    /** Whether requests of endpoint family {@code family} ({@link Endpoints#extraFamily}) may go to this provider. */
    public boolean takes(String family) {
        return family == null || extraEndpoints.contains(family);
    }

    /** Keeps the key out of logs, exceptions and debugger views. */
    @Override
    public String toString() {
        return "ProviderConfig[name=" + name + ", api=" + api.configName() + ", baseUrl=" + baseUrl
                + ", apiKey=***, limits=" + limits + ", extraEndpoints=" + extraEndpoints + (http2 ? ", http2" : "")
                + ']';
    }

    /** A builder that starts from this record's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a ProviderConfig from another one's values with some of them changed; the constructor checks the result. */
    public static final class Builder {
        private String name;
        private URI baseUrl;
        private String apiKey;
        private Limits limits;
        private String caFile;
        private Set<String> extraEndpoints;
        private ProviderApi api;
        private String anthropicVersion;
        private String apiVersion;
        private int defaultMaxTokens;
        private boolean http2;

        private Builder(ProviderConfig from) {
            name = from.name;
            baseUrl = from.baseUrl;
            apiKey = from.apiKey;
            limits = from.limits;
            caFile = from.caFile;
            extraEndpoints = from.extraEndpoints;
            api = from.api;
            anthropicVersion = from.anthropicVersion;
            apiVersion = from.apiVersion;
            defaultMaxTokens = from.defaultMaxTokens;
            http2 = from.http2;
        }

        public Builder name(String value) {
            name = value;
            return this;
        }

        public Builder baseUrl(URI value) {
            baseUrl = value;
            return this;
        }

        public Builder apiKey(String value) {
            apiKey = value;
            return this;
        }

        public Builder limits(Limits value) {
            limits = value;
            return this;
        }

        public Builder caFile(String value) {
            caFile = value;
            return this;
        }

        public Builder extraEndpoints(Set<String> value) {
            extraEndpoints = value;
            return this;
        }

        public Builder api(ProviderApi value) {
            api = value;
            return this;
        }

        public Builder anthropicVersion(String value) {
            anthropicVersion = value;
            return this;
        }

        public Builder apiVersion(String value) {
            apiVersion = value;
            return this;
        }

        public Builder defaultMaxTokens(int value) {
            defaultMaxTokens = value;
            return this;
        }

        public Builder http2(boolean value) {
            http2 = value;
            return this;
        }

        public ProviderConfig build() {
            return new ProviderConfig(
                    name,
                    baseUrl,
                    apiKey,
                    limits,
                    caFile,
                    extraEndpoints,
                    api,
                    anthropicVersion,
                    apiVersion,
                    defaultMaxTokens,
                    http2);
        }
    }
}
