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
 * @param apiKey the provider's key, sent as {@code Authorization: Bearer}; never logged or shown
 * @param limits rate limits of this provider, shared by every model it serves
 * @param caFile a PEM file of certificates to trust for this https provider (a private CA), or null to
 *               trust the JDK's default authorities only; host names are verified either way
 * @param extraEndpoints endpoint families beyond {@link Endpoints#FORWARDED} this provider is sent
 *                       ({@code batches}, {@code fine_tuning}, ...); empty by default
 */
public record ProviderConfig(
        String name, URI baseUrl, String apiKey, Limits limits, String caFile, Set<String> extraEndpoints) {
    public ProviderConfig {
        requireNonNull(name, "name");
        requireNonNull(baseUrl, "baseUrl");
        requireNonNull(apiKey, "apiKey");
        requireNonNull(limits, "limits");
        // In the order written: the admin page's rendering of a config lists them as the file did.
        extraEndpoints =
                Collections.unmodifiableSet(new LinkedHashSet<>(requireNonNull(extraEndpoints, "extraEndpoints")));
    }

    public ProviderConfig(String name, URI baseUrl, String apiKey, Limits limits, String caFile) {
        this(name, baseUrl, apiKey, limits, caFile, Set.of());
    }

    public ProviderConfig(String name, URI baseUrl, String apiKey, Limits limits) {
        this(name, baseUrl, apiKey, limits, null);
    }

    /** Whether requests of endpoint family {@code family} ({@link Endpoints#extraFamily}) may go to this provider. */
    public boolean takes(String family) {
        return family == null || extraEndpoints.contains(family);
    }

    /** Keeps the key out of logs, exceptions and debugger views. */
    @Override
    public String toString() {
        return "ProviderConfig[name=" + name + ", baseUrl=" + baseUrl + ", apiKey=***, limits=" + limits
                + ", extraEndpoints=" + extraEndpoints + ']';
    }
}
