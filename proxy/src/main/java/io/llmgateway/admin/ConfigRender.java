package io.llmgateway.admin;

import io.llmgateway.config.ConfigDocument;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.Limits;
import io.llmgateway.config.ModelConfig;
import io.llmgateway.config.ModelRoute;
import io.llmgateway.config.ProviderApi;
import io.llmgateway.config.ProviderConfig;
import java.util.List;

/**
 * The providers, models and auto list of a running config as a document, for a gateway that has no
 * config file (demo mode, tests): the page edits it like a file, and edits stay in memory.
 */
final class ConfigRender {
    private ConfigRender() {}

    static ConfigDocument of(GatewayConfig config) {
        ConfigDocument doc = ConfigDocument.empty();
        for (ProviderConfig p : config.providers().values()) {
            if (p.api() != ProviderApi.OPENAI) {
                doc.putString(p.api().configName(), ConfigEdits.API_PROVIDER, p.name(), "api");
            }
            doc.putString(p.baseUrl().toString(), ConfigEdits.API_PROVIDER, p.name(), "base_url");
            if (!p.apiKey().isEmpty()) {
                doc.putString(p.apiKey(), ConfigEdits.API_PROVIDER, p.name(), "api_key");
            }
            apiOptions(doc, p);
            if (p.http2()) {
                doc.putBoolean(true, ConfigEdits.API_PROVIDER, p.name(), "http2");
            }
            if (!p.extraEndpoints().isEmpty()) {
                doc.putSequence(List.copyOf(p.extraEndpoints()), ConfigEdits.API_PROVIDER, p.name(), "extra_endpoints");
            }
            Limits l = p.limits();
            limit(doc, p.name(), "rpm", l.rpm());
            limit(doc, p.name(), "tpm", l.tpm());
            limit(doc, p.name(), "rpd", l.rpd());
            limit(doc, p.name(), "tpr", l.tpr());
        }
        for (ModelConfig m : config.models().values()) {
            doc.putMapping(ConfigEdits.MODEL_CONFIG, m.name());
            if (m.strategy() != null) {
                doc.putString(m.strategy().configName(), ConfigEdits.MODEL_CONFIG, m.name(), "strategy");
            }
            if (m.encoding() != null) {
                doc.putString(m.encoding(), ConfigEdits.MODEL_CONFIG, m.name(), "encoding");
            }
            for (ModelRoute r : m.routes()) {
                doc.putMapping(ConfigEdits.MODEL_CONFIG, m.name(), r.provider());
                if (!r.alias().equals(m.name())) {
                    doc.putString(r.alias(), ConfigEdits.MODEL_CONFIG, m.name(), r.provider(), "alias");
                }
                if (!r.enabled()) {
                    doc.putBoolean(false, ConfigEdits.MODEL_CONFIG, m.name(), r.provider(), "enable");
                }
                if (r.weight() != 1) {
                    doc.putNumber(r.weight(), ConfigEdits.MODEL_CONFIG, m.name(), r.provider(), "weight");
                }
            }
        }
        List<String> everyModel = List.copyOf(config.models().keySet());
        if (!config.autoModels().equals(everyModel)) {
            doc.putSequence(config.autoModels(), ConfigEdits.AUTO);
        }
        return doc;
    }

    /** The options of the provider's api that differ from their defaults (only its api's may be written). */
    private static void apiOptions(ConfigDocument doc, ProviderConfig p) {
        if (p.api() == ProviderApi.ANTHROPIC) {
            if (!p.anthropicVersion().equals(ProviderConfig.DEFAULT_ANTHROPIC_VERSION)) {
                doc.putString(p.anthropicVersion(), ConfigEdits.API_PROVIDER, p.name(), "anthropic_version");
            }
            if (p.defaultMaxTokens() != ProviderConfig.DEFAULT_MAX_TOKENS) {
                doc.putNumber(p.defaultMaxTokens(), ConfigEdits.API_PROVIDER, p.name(), "default_max_tokens");
            }
        } else if (p.api() == ProviderApi.AZURE && !p.apiVersion().equals(ProviderConfig.DEFAULT_API_VERSION)) {
            doc.putString(p.apiVersion(), ConfigEdits.API_PROVIDER, p.name(), "api_version");
        }
    }

    private static void limit(ConfigDocument doc, String provider, String name, long value) {
        if (value != Limits.UNLIMITED) {
            doc.putNumber(value, ConfigEdits.API_PROVIDER, provider, "limits", name);
        }
    }
}
