package io.llmgateway.admin;

import static io.llmgateway.admin.AdminReply.done;
import static java.util.Objects.requireNonNull;

import io.llmgateway.config.AccessSettings;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.server.Gateway;
import io.llmgateway.spend.Budgets;
import io.llmgateway.util.JsonValues;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * {@code POST /api/spend/reset {"kind": "key"|"provider", "name"}}: the budget of a client key or a provider
 * forgets what was spent in its current period (the per-day history stays). The reset is kept in the spend
 * file, so a restart does not bring the spend back.
 */
final class SpendEndpoints {
    private static final Logger LOG = LogManager.getLogger(AdminApi.class); // one log category for the API

    private final Gateway gateway;

    SpendEndpoints(Gateway gateway) {
        this.gateway = requireNonNull(gateway, "gateway");
    }

    CompletionStage<AdminReply> reset(AdminCall call) throws Json.BadJson {
        Map<String, Object> body = Json.parseObject(call.body().isBlank() ? "{}" : call.body());
        Object kindField = body.get("kind");
        Budgets.Kind kind;
        if ("key".equals(kindField)) {
            kind = Budgets.Kind.KEY;
        } else if ("provider".equals(kindField)) {
            kind = Budgets.Kind.PROVIDER;
        } else {
            return done(AdminReply.error(400, "invalid_request", "kind: expected \"key\" or \"provider\""));
        }
        if (!(body.get("name") instanceof String name) || name.isEmpty()) {
            return done(AdminReply.error(400, "invalid_request", "name: expected the name of a " + what(kind)));
        }
        String quoted = JsonValues.write(g -> g.writeString(name)); // a name as JSON: no control characters
        if (!exists(gateway.config(), kind, name)) {
            return done(AdminReply.error(404, "not_found", "no " + what(kind) + ' ' + quoted));
        }
        if (!gateway.budgets().reset(kind, name)) {
            return done(AdminReply.error(404, "no_budget", "the " + what(kind) + ' ' + quoted + " has no budget"));
        }
        LOG.info("admin: the budget of {} {} forgot this period's spend", what(kind), quoted);
        return done(AdminReply.ok(JsonValues.write(g -> {
            g.writeStartObject();
            g.writeStringField("kind", kind.jsonName());
            g.writeStringField("reset", name);
            g.writeEndObject();
        })));
    }

    private static String what(Budgets.Kind kind) {
        return kind == Budgets.Kind.KEY ? "client key" : "provider";
    }

    private static boolean exists(GatewayConfig config, Budgets.Kind kind, String name) {
        if (kind == Budgets.Kind.PROVIDER) {
            return config.providers().containsKey(name);
        }
        for (AccessSettings.ClientKey key : config.access().apiKeys()) {
            if (key.name().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
