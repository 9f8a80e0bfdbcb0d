package io.llmgateway.server;

import static java.util.Objects.requireNonNull;

import io.llmgateway.anthropic.AnthropicClientDialect;
import io.llmgateway.anthropic.AnthropicProviderDialect;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.ProviderApi;
import io.llmgateway.config.ProviderConfig;
import io.llmgateway.openai.OpenAiClientDialect;
import io.llmgateway.openai.OpenAiProviderDialect;
import io.llmgateway.protocol.ClientDialect;
import io.llmgateway.protocol.ProviderDialect;
import io.llmgateway.tokens.TokenEstimator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/*
 * Design notes
 * - Which provider dialect serves a pair (the client's dialect, the provider's api) is decided here and
 *   nowhere else: the exchange asks for its provider's dialect per attempt, so failover between providers of
 *   different formats is one lookup, and the state machine never branches on a format.
 * - A dialect may hold its provider's options (Azure's api-version, Anthropic's version), so there is one
 *   instance per provider and client dialect, made once per config, never per request.
 * - A row is an array indexed like CLIENTS: with two or three client dialects an identity scan is cheaper
 *   than hashing, and it runs for every attempt.
 */
final class DialectTable {
    /** Makes the dialect of one provider for the clients of one dialect. */
    @FunctionalInterface
    interface Maker {
        ProviderDialect make(ProviderConfig provider, TokenEstimator estimator);
    }

    private record Pair(ClientDialect client, ProviderApi api, Maker maker) {}

    /** Every client dialect the gateway reads ({@link Gateway#clientDialect}); a row's index is one of these. */
    private static final List<ClientDialect> CLIENTS =
            List.of(OpenAiClientDialect.INSTANCE, AnthropicClientDialect.MESSAGES, AnthropicClientDialect.COUNT_TOKENS);

    /**
     * Every pair the gateway serves; a pair not listed is answered with {@link #missing}. {@code count_tokens}
     * goes to Anthropic providers only (the gateway counts itself for a model that has none).
     */
    private static final List<Pair> PAIRS = List.of(
            new Pair(OpenAiClientDialect.INSTANCE, ProviderApi.OPENAI, (p, e) -> new OpenAiProviderDialect(e)),
            new Pair(
                    AnthropicClientDialect.MESSAGES,
                    ProviderApi.ANTHROPIC,
                    (p, e) -> new AnthropicProviderDialect(e, p.anthropicVersion())),
            new Pair(
                    AnthropicClientDialect.COUNT_TOKENS,
                    ProviderApi.ANTHROPIC,
                    (p, e) -> new AnthropicProviderDialect(e, p.anthropicVersion())));

    private final TokenEstimator estimator;
    private final Map<String, ProviderDialect[]> rows = new HashMap<>();
    /** Per client dialect: null when every provider serves its clients, else which providers do. */
    private final List<Predicate<ProviderConfig>> servable = new ArrayList<>();

    /** The dialects of every provider of {@code config}. */
    DialectTable(GatewayConfig config, TokenEstimator estimator) {
        this.estimator = requireNonNull(estimator, "estimator");
        for (ProviderConfig p : config.providers().values()) {
            rows.put(p.name(), row(p, estimator));
        }
        for (int i = 0; i < CLIENTS.size(); i++) {
            ClientDialect client = CLIENTS.get(i);
            boolean all = true;
            for (ProviderDialect[] row : rows.values()) {
                all &= row[i] != null;
            }
            servable.add(all ? null : p -> dialect(p, client) != null);
        }
    }

    /**
     * Which providers can be sent the requests of {@code client}'s clients, for the route scope; null when every
     * provider of the config can.
     */
    Predicate<ProviderConfig> servable(ClientDialect client) {
        int i = CLIENTS.indexOf(client);
        return i < 0 ? null : servable.get(i);
    }

    /**
     * The dialect of {@code provider} for the clients of {@code client}; null when the gateway has none for
     * that pair. A provider this table was not made with (added since) gets one made now.
     */
    ProviderDialect dialect(ProviderConfig provider, ClientDialect client) {
        ProviderDialect[] row = rows.get(provider.name());
        if (row == null) {
            row = row(provider, estimator);
        }
        for (int i = 0; i < row.length; i++) {
            if (CLIENTS.get(i) == client) {
                return row[i];
            }
        }
        return null;
    }

    /** Some dialect of {@code provider} (they all agree on its key header), or null when it has none. */
    ProviderDialect any(String provider) {
        ProviderDialect[] row = rows.get(provider);
        if (row != null) {
            for (ProviderDialect d : row) {
                if (d != null) {
                    return d;
                }
            }
        }
        return null;
    }

    /** The answer to a request of a pair the gateway has no dialect for. */
    static String missing(ClientDialect client, ProviderApi api) {
        return "no translation from " + client.name() + " clients to " + api.configName() + " providers yet";
    }

    private static ProviderDialect[] row(ProviderConfig provider, TokenEstimator estimator) {
        ProviderDialect[] row = new ProviderDialect[CLIENTS.size()];
        for (Pair pair : PAIRS) {
            if (pair.api() == provider.api()) {
                row[CLIENTS.indexOf(pair.client())] = pair.maker().make(provider, estimator);
            }
        }
        return row;
    }
}
