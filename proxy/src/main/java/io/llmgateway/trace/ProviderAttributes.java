package io.llmgateway.trace;

import static io.llmgateway.trace.TraceAttributes.GATEWAY_PROVIDER;
import static io.llmgateway.trace.TraceAttributes.GEN_AI_PROVIDER_NAME;
import static io.llmgateway.trace.TraceAttributes.SERVER_ADDRESS;
import static io.llmgateway.trace.TraceAttributes.SERVER_PORT;

import io.llmgateway.config.ProviderConfig;
import io.llmgateway.upstream.Origin;
import io.opentelemetry.api.common.Attributes;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The attributes of a provider span that follow from the provider's config alone, made once per config rather
 * than per attempt. Kept by provider name; a reloaded config (another instance) makes them anew, so the entries
 * are at most one per provider name the gateway has had.
 */
final class ProviderAttributes {
    private record Made(ProviderConfig config, Attributes attributes) {}

    private final ConcurrentHashMap<String, Made> byName = new ConcurrentHashMap<>();

    /** {@code gen_ai.provider.name}, {@code server.address}, {@code server.port} and the provider's name. */
    Attributes of(String provider, ProviderConfig config) {
        Made m = byName.get(provider);
        if (m == null || m.config != config) {
            Origin origin = Origin.of(config);
            m = new Made(
                    config,
                    Attributes.of(
                            GEN_AI_PROVIDER_NAME,
                            GenAi.provider(config),
                            SERVER_ADDRESS,
                            origin.host(),
                            SERVER_PORT,
                            (long) origin.port(),
                            GATEWAY_PROVIDER,
                            provider));
            byName.put(provider, m);
        }
        return m.attributes;
    }
}
