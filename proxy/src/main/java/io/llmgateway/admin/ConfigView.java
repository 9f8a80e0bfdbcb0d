package io.llmgateway.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import io.llmgateway.config.ConfigDocument;
import io.llmgateway.util.JsonValues;
import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /api/config}: the editable part of the document (providers, models, auto, the client keys'
 * names and budgets) with values as written in the file, so the page edits {@code ${VAR}} references rather
 * than their values. API keys are never included: only whether one is set and, when it is a reference, the
 * variable's name; client keys' secrets not at all.
 */
final class ConfigView {
    private static final Pattern WHOLE_REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?}");
    private static final List<String> LIMITS = List.of("rpm", "tpm", "rpd", "tpr");
    private static final List<String> ROUTE_OPTIONS = List.of("alias", "enable", "weight");
    private static final List<String> API_OPTIONS = List.of("anthropic_version", "default_max_tokens", "api_version");

    private ConfigView() {}

    static String json(ConfigStore store) {
        ConfigDocument doc = store.document();
        return JsonValues.write(g -> {
            g.writeStartObject();
            g.writeNumberField("version", store.version());
            g.writeBooleanField("persisted", store.persisted());
            Json.field(g, "file", store.fileName());
            g.writeBooleanField("keeps_comments", doc.keepsComments());
            g.writeArrayFieldStart("providers");
            for (String name : doc.keys(ConfigEdits.API_PROVIDER)) {
                writeProvider(g, doc, name);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("models");
            for (String name : doc.keys(ConfigEdits.MODEL_CONFIG)) {
                writeModel(g, doc, name);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("keys");
            List<String> keys = doc.sequence(BudgetEdits.GATEWAY, BudgetEdits.API_KEYS);
            for (int i = 0; keys != null && i < keys.size(); i++) {
                String[] item = {BudgetEdits.GATEWAY, BudgetEdits.API_KEYS, Integer.toString(i)};
                if (doc.isMapping(item)) { // a bare secret has no name to show
                    g.writeStartObject();
                    Json.field(g, "name", doc.scalar(ConfigChange.path(item, "name")));
                    writeBudget(g, doc, ConfigChange.path(item, "budget"));
                    g.writeEndObject();
                }
            }
            g.writeEndArray();
            List<String> auto = doc.sequence(ConfigEdits.AUTO);
            if (auto == null) {
                g.writeNullField("auto");
            } else {
                g.writeArrayFieldStart("auto");
                for (String m : auto) {
                    g.writeString(m);
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        });
    }

    private static void writeProvider(JsonGenerator g, ConfigDocument doc, String name) throws IOException {
        String p = ConfigEdits.API_PROVIDER;
        g.writeStartObject();
        g.writeStringField("name", name);
        Json.field(g, "api", doc.scalar(p, name, "api"));
        Json.field(g, "base_url", doc.scalar(p, name, "base_url"));
        for (String option : API_OPTIONS) {
            Json.field(g, option, doc.scalar(p, name, option));
        }
        g.writeObjectFieldStart("api_key");
        String key = doc.scalar(p, name, "api_key");
        g.writeBooleanField("set", key != null && !key.isEmpty());
        Matcher m = key == null ? null : WHOLE_REFERENCE.matcher(key);
        Json.field(g, "env", m != null && m.matches() ? m.group(1) : null);
        g.writeEndObject();
        g.writeObjectFieldStart("limits");
        for (String limit : LIMITS) {
            Json.field(g, limit, doc.scalar(p, name, "limits", limit));
        }
        g.writeEndObject();
        writeBudget(g, doc, p, name, "budget");
        g.writeEndObject();
    }

    /** {@code "budget": {"usd", "period", "unpriced"}} as written, or null when there is none. */
    private static void writeBudget(JsonGenerator g, ConfigDocument doc, String... path) throws IOException {
        if (!doc.isMapping(path)) {
            g.writeNullField("budget");
            return;
        }
        g.writeObjectFieldStart("budget");
        for (String option : BudgetEdits.OPTIONS) {
            Json.field(g, option, doc.scalar(ConfigChange.path(path, option)));
        }
        g.writeEndObject();
    }

    private static void writeModel(JsonGenerator g, ConfigDocument doc, String name) throws IOException {
        String mc = ConfigEdits.MODEL_CONFIG;
        g.writeStartObject();
        g.writeStringField("name", name);
        Json.field(g, "strategy", doc.scalar(mc, name, "strategy"));
        Json.field(g, "encoding", doc.scalar(mc, name, "encoding"));
        g.writeArrayFieldStart("routes");
        for (String provider : doc.keys(mc, name)) {
            if (ConfigDocument.MODEL_OPTIONS.contains(provider)) {
                continue;
            }
            g.writeStartObject();
            g.writeStringField("provider", provider);
            for (String option : ROUTE_OPTIONS) {
                Json.field(g, option, doc.scalar(mc, name, provider, option));
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }
}
