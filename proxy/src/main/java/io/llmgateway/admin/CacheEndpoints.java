package io.llmgateway.admin;

import static io.llmgateway.admin.AdminReply.done;
import static java.util.Objects.requireNonNull;

import io.llmgateway.cache.CacheStats;
import io.llmgateway.cache.ResponseCache;
import io.llmgateway.config.ModelConfig;
import io.llmgateway.server.Gateway;
import io.llmgateway.spend.Cost;
import io.llmgateway.util.JsonValues;
import java.util.concurrent.CompletionStage;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The response cache on the admin page: {@code GET /api/cache} (its size, entries, hit ratio and what hits
 * saved) and {@code POST /api/cache/clear} (drops every entry; the counters stay).
 *
 * <pre>{"models":["gpt-4o-mini"],"bytes":123456,"max_bytes":268435456,"entries":12,"hits":40,"misses":12,
 *  "bypasses":1,"stores":12,"hit_ratio":0.769,"hit_bytes":52000,"saved_tokens":4000,"saved_usd":"0.0123"}</pre>
 */
final class CacheEndpoints {
    private static final Logger LOG = LogManager.getLogger(AdminApi.class); // one log category for the API

    private final Gateway gateway;

    CacheEndpoints(Gateway gateway) {
        this.gateway = requireNonNull(gateway, "gateway");
    }

    CompletionStage<AdminReply> view(AdminCall call) {
        return done(AdminReply.ok(json(gateway)));
    }

    CompletionStage<AdminReply> clear(AdminCall call) {
        ResponseCache cache = gateway.cache();
        long entries = cache.entries();
        cache.clear();
        LOG.info("admin: the response cache dropped its {} entries", entries);
        return done(AdminReply.ok(JsonValues.write(g -> {
            g.writeStartObject();
            g.writeNumberField("cleared", entries);
            g.writeEndObject();
        })));
    }

    static String json(Gateway gateway) {
        ResponseCache cache = gateway.cache();
        CacheStats s = cache.stats();
        return JsonValues.write(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("models");
            for (ModelConfig m : gateway.config().models().values()) {
                if (m.cached()) {
                    g.writeString(m.name());
                }
            }
            g.writeEndArray();
            g.writeNumberField("bytes", cache.bytes());
            g.writeNumberField("max_bytes", cache.maxBytes());
            g.writeNumberField("entries", cache.entries());
            g.writeNumberField("hits", s.hits());
            g.writeNumberField("misses", s.misses());
            g.writeNumberField("bypasses", s.bypasses());
            g.writeNumberField("stores", s.stores());
            g.writeNumberField("hit_ratio", Math.round(s.hitRatio() * 1000) / 1000.0);
            g.writeNumberField("hit_bytes", s.hitBytes());
            g.writeNumberField("saved_tokens", s.savedTokens());
            g.writeStringField("saved_usd", Cost.usd(s.savedCostNanos()));
            g.writeEndObject();
        });
    }
}
