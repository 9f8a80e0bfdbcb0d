package io.llmgateway.admin;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.observe.UsageStats;
import io.llmgateway.server.Gateway;
import io.llmgateway.server.LocalEndpoint;
import io.llmgateway.server.LocalExchange;
import io.llmgateway.spend.BudgetView;
import io.llmgateway.spend.SpendLedger;
import io.llmgateway.util.JsonValues;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /api/usage}: requests, tokens and errors per provider and per model for the last minute,
 * hour and day, and since start. Admin access only.
 *
 * <pre>{"since":"2025-01-31T12:00:00Z","uptime_seconds":3600,
 *  "providers":{"openai":{"last_minute":{"requests":3,"tokens":120,"errors":0},"last_hour":{...},
 *                         "last_day":{...},"total":{...}}, ...},
 *  "models":{"gpt-4o":{...}, ...}}</pre>
 * Every configured provider and model is listed (zeros without traffic), in config order, followed by
 * rows that only exist in the counts ({@code auto} when nothing was chosen, {@code other}, providers
 * removed by a reload). {@code spend} is what {@link SpendJson} writes, read from the spend file without
 * blocking the event loop; null when the gateway keeps no spend.
 */
final class UsageEndpoint implements LocalEndpoint {
    private static final Logger LOG = LogManager.getLogger(UsageEndpoint.class);

    private final Gateway gateway;
    private final AdminAccess access;
    private final UsageStats usage;

    UsageEndpoint(Gateway gateway, AdminAccess access, UsageStats usage) {
        this.gateway = requireNonNull(gateway, "gateway");
        this.access = requireNonNull(access, "access");
        this.usage = requireNonNull(usage, "usage");
    }

    @Override
    public void handle(LocalExchange exchange) {
        if (!access.admit(exchange) || !AdminHttp.readOnly(exchange)) {
            return;
        }
        SpendLedger ledger = gateway.spendLedger();
        if (ledger == null) {
            answer(exchange, null, null);
            return;
        }
        // The store reads on its own thread; the answer goes back to this connection's event loop.
        SpendFigures.read(
                        ledger.store(),
                        gateway.clock().millis(),
                        gateway.config().routing().timeZone())
                .whenComplete((figures, error) -> {
                    try {
                        exchange.ctx().executor().execute(() -> answer(exchange, figures, error));
                    } catch (RejectedExecutionException e) {
                        exchange.request().release(); // the loop is gone, and the connection with it
                    }
                });
    }

    private void answer(LocalExchange exchange, @Nullable SpendFigures figures, @Nullable Throwable error) {
        if (error != null) {
            LOG.warn("GET /api/usage: the spend could not be read: {}", error.toString());
        }
        String json;
        try {
            json = json(gateway.config(), usage, figures, gateway.budgets().view());
        } catch (RuntimeException e) {
            // An endpoint must answer (it owns the request).
            LOG.error("GET /api/usage failed", e);
            exchange.respondError(500, "The usage statistics could not be read; see the gateway's log.", null, null);
            return;
        }
        exchange.respondJson(200, json);
    }

    /** One object per row: the configured names first, then any others that saw traffic. */
    private static void writeRows(
            JsonGenerator g,
            String field,
            Set<String> configured,
            Set<String> seen,
            BiFunction<String, UsageStats.Window, UsageStats.Counts> inWindow,
            Function<String, UsageStats.Counts> total)
            throws IOException {
        Set<String> names = new LinkedHashSet<>(configured);
        names.addAll(seen);
        g.writeObjectFieldStart(field);
        for (String name : names) {
            g.writeObjectFieldStart(name);
            for (UsageStats.Window w : UsageStats.Window.values()) {
                write(g, fieldName(w), inWindow.apply(name, w));
            }
            write(g, "total", total.apply(name));
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /** @param spend the spend figures, or null when there are none (no spend file, or it could not be read) */
    static String json(GatewayConfig config, UsageStats usage, @Nullable SpendFigures spend, List<BudgetView> budgets) {
        return JsonValues.write(g -> {
            g.writeStartObject();
            g.writeStringField(
                    "since", Instant.ofEpochMilli(usage.startMillis()).toString());
            g.writeNumberField("uptime_seconds", usage.uptimeMillis() / 1000);
            writeRows(
                    g,
                    "providers",
                    config.providers().keySet(),
                    usage.providerNames(),
                    usage::provider,
                    usage::providerTotal);
            writeRows(g, "models", config.models().keySet(), usage.modelNames(), usage::model, usage::modelTotal);
            if (spend == null) {
                g.writeNullField("spend");
            } else {
                g.writeObjectFieldStart("spend");
                SpendJson.write(g, config, spend, budgets);
                g.writeEndObject();
            }
            g.writeEndObject();
        });
    }

    private static String fieldName(UsageStats.Window w) {
        return switch (w) {
            case LAST_MINUTE -> "last_minute";
            case LAST_HOUR -> "last_hour";
            case LAST_DAY -> "last_day";
        };
    }

    private static void write(JsonGenerator g, String field, UsageStats.Counts c) throws IOException {
        g.writeObjectFieldStart(field);
        g.writeNumberField("requests", c.requests());
        g.writeNumberField("tokens", c.tokens());
        g.writeNumberField("errors", c.errors());
        g.writeEndObject();
    }
}
