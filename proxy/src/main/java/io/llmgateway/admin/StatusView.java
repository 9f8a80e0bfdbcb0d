package io.llmgateway.admin;

import com.fasterxml.jackson.core.JsonGenerator;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.Limits;
import io.llmgateway.config.ModelConfig;
import io.llmgateway.config.ModelRoute;
import io.llmgateway.config.ProviderConfig;
import io.llmgateway.observe.TrafficSummary;
import io.llmgateway.route.ProviderSnapshot;
import io.llmgateway.route.StoreStatus;
import io.llmgateway.server.Gateway;
import io.llmgateway.util.JsonValues;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /api/status} (everything the overview shows) and {@code GET /api/usage} (the providers
 * part): the running config, the router's live counters and circuits, and the admin's own traffic
 * statistics and health-check results. Written on the admin thread.
 */
final class StatusView {
    private final Gateway gateway;
    private final AdminAccess access;
    private final ConfigStore store;
    private final TrafficStats stats;
    private final HealthChecker health;
    private final RecordFeed feed;

    StatusView(
            Gateway gateway,
            AdminAccess access,
            ConfigStore store,
            TrafficStats stats,
            HealthChecker health,
            RecordFeed feed) {
        this.gateway = gateway;
        this.access = access;
        this.store = store;
        this.stats = stats;
        this.health = health;
        this.feed = feed;
    }

    String status(long nowMillis) {
        GatewayConfig config = gateway.config();
        Map<String, ProviderSnapshot> snapshots = snapshots();
        boolean changedOnDisk = store.changedOnDisk();
        return JsonValues.write(g -> {
            g.writeStartObject();
            g.writeNumberField("now", nowMillis);
            g.writeObjectFieldStart("config");
            g.writeNumberField("version", store.version());
            g.writeBooleanField("persisted", store.persisted());
            Json.field(g, "file", store.fileName());
            Json.field(g, "not_persisted_reason", store.notPersistedReason());
            g.writeBooleanField("changed_on_disk", changedOnDisk);
            g.writeEndObject();
            g.writeBooleanField("token_required", access.hasToken());
            StoreStatus counters = gateway.router().storeStatus();
            g.writeObjectFieldStart("counters");
            g.writeStringField("mode", counters.mode().label());
            g.writeStringField("location", counters.location());
            g.writeNumberField("since", counters.sinceEpochMillis());
            g.writeStringField("detail", counters.detail());
            g.writeEndObject();
            writeTraffic(g, nowMillis);
            g.writeArrayFieldStart("models");
            for (ModelConfig m : config.models().values()) {
                writeModel(g, config, m);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("auto");
            for (String m : config.autoModels()) {
                g.writeString(m);
            }
            g.writeEndArray();
            writeProviders(g, config, snapshots);
            g.writeEndObject();
        });
    }

    private Map<String, ProviderSnapshot> snapshots() {
        Map<String, ProviderSnapshot> map = new HashMap<>();
        for (ProviderSnapshot s : gateway.router().snapshot()) {
            map.put(s.name(), s);
        }
        return map;
    }

    private void writeTraffic(JsonGenerator g, long nowMillis) throws IOException {
        TrafficSummary all = stats.overall();
        int[][] series = stats.perSecond();
        g.writeObjectFieldStart("traffic");
        g.writeNumberField("window_seconds", TrafficStats.WINDOW_MILLIS / 1000);
        writeSummaryFields(g, all);
        g.writeNumberField("total_requests", stats.totalRequests());
        g.writeNumberField("total_errors", stats.totalErrors());
        g.writeNumberField("dropped_records", feed.dropped());
        g.writeObjectFieldStart("series");
        g.writeNumberField("interval_seconds", 1);
        g.writeNumberField("end_second", Math.floorDiv(nowMillis, 1000));
        g.writeFieldName("requests");
        g.writeArray(series[0], 0, series[0].length);
        g.writeFieldName("errors");
        g.writeArray(series[1], 0, series[1].length);
        g.writeEndObject();
        g.writeEndObject();
    }

    private void writeModel(JsonGenerator g, GatewayConfig config, ModelConfig m) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", m.name());
        g.writeStringField(
                "strategy",
                (m.strategy() != null ? m.strategy() : config.routing().strategy()).configName());
        g.writeArrayFieldStart("routes");
        for (ModelRoute r : m.routes()) {
            g.writeStartObject();
            g.writeStringField("provider", r.provider());
            g.writeStringField("alias", r.alias());
            g.writeBooleanField("enabled", r.enabled());
            g.writeNumberField("weight", r.weight());
            g.writeFieldName("stats");
            writeSummary(g, stats.route(m.name(), r.provider()));
            g.writeFieldName("health");
            writeHealth(g, health.latest(m.name(), r.provider()));
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private void writeProviders(JsonGenerator g, GatewayConfig config, Map<String, ProviderSnapshot> snapshots)
            throws IOException {
        g.writeArrayFieldStart("providers");
        for (ProviderConfig p : config.providers().values()) {
            ProviderSnapshot s = snapshots.get(p.name());
            g.writeStartObject();
            g.writeStringField("name", p.name());
            g.writeStringField("api", p.api().configName());
            g.writeStringField("base_url", p.baseUrl().toString());
            g.writeBooleanField("has_key", !p.apiKey().isEmpty());
            Limits l = p.limits();
            g.writeObjectFieldStart("limits");
            Json.limit(g, "rpm", l.rpm());
            Json.limit(g, "tpm", l.tpm());
            Json.limit(g, "rpd", l.rpd());
            Json.limit(g, "tpr", l.tpr());
            g.writeEndObject();
            if (s != null) {
                g.writeObjectFieldStart("usage");
                g.writeNumberField("rpm", s.rpm());
                g.writeNumberField("tpm", s.tpm());
                g.writeNumberField("rpd", s.rpd());
                g.writeEndObject();
                g.writeStringField("circuit", s.circuit().name().toLowerCase(Locale.ROOT));
                g.writeBooleanField("key_rejected", s.keyRejected());
                g.writeNumberField("consecutive_failures", s.consecutiveFailures());
                g.writeNumberField("retry_in_ms", s.retryInMillis());
                g.writeObjectFieldStart("learned");
                learned(g, "remaining_requests", s.learnedRemainingRequests());
                learned(g, "limit_requests", s.learnedLimitRequests());
                learned(g, "remaining_tokens", s.learnedRemainingTokens());
                learned(g, "limit_tokens", s.learnedLimitTokens());
                g.writeEndObject();
                g.writeNumberField("headroom", Math.round(s.headroom() * 1000) / 1000.0);
            }
            g.writeFieldName("stats");
            writeSummary(g, stats.provider(p.name()));
            g.writeFieldName("health");
            writeHealth(g, health.latest(p.name()));
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void learned(JsonGenerator g, String name, long value) throws IOException {
        if (value < 0) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, value);
        }
    }

    private static void writeSummary(JsonGenerator g, TrafficSummary s) throws IOException {
        g.writeStartObject();
        writeSummaryFields(g, s);
        g.writeEndObject();
    }

    private static void writeSummaryFields(JsonGenerator g, TrafficSummary s) throws IOException {
        g.writeNumberField("requests", s.requests());
        g.writeNumberField("errors", s.errors());
        g.writeNumberField("error_rate", Math.round(s.errorRate() * 10000) / 10000.0);
        optional(g, "p50_ms", s.p50Millis());
        optional(g, "p95_ms", s.p95Millis());
    }

    private static void optional(JsonGenerator g, String name, long value) throws IOException {
        if (value < 0) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, value);
        }
    }

    static void writeHealth(JsonGenerator g, HealthChecker.Result r) throws IOException {
        if (r == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        g.writeStringField("provider", r.provider());
        Json.field(g, "model", r.model());
        Json.field(g, "alias", r.alias());
        g.writeBooleanField("ok", r.ok());
        g.writeNumberField("status", r.status());
        g.writeNumberField("latency_ms", r.latencyMillis());
        g.writeStringField("outcome", r.outcome());
        Json.field(g, "message", r.message());
        g.writeNumberField("at", r.atMillis());
        g.writeEndObject();
    }

    static String healthList(List<HealthChecker.Result> results) {
        return JsonValues.write(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("results");
            for (HealthChecker.Result r : results) {
                writeHealth(g, r);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }
}
