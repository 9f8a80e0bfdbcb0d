package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.route.RouteScope;
import io.llmgateway.route.Router;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartChecksTest {
    private static GatewayConfig config() throws Exception {
        return ConfigLoader.parse(
                "api_provider:\n  p:\n    base_url: http://127.0.0.1:1/v1\n"
                        + "model_config:\n  m:\n    p: {alias: m-alias}\n",
                Map.of());
    }

    @Test
    void model_served_passes() throws Exception {
        GatewayConfig c = config();
        assertNull(
                StartChecks.model(c, new Router(c, Clock.systemUTC()), RouteScope.ANY, "m", null, "/chat/completions"));
    }

    @Test
    void model_notServed_isRefusedWith404() throws Exception {
        GatewayConfig c = config();
        ScopeCheck.Refusal r = StartChecks.model(
                c, new Router(c, Clock.systemUTC()), RouteScope.ANY, "other", null, "/chat/completions");
        assertEquals(404, r.status());
        assertEquals("model_not_found", r.code());
        assertEquals("model", r.param());
    }
}
