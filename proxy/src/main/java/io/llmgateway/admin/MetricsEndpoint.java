package io.llmgateway.admin;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.MetricsSettings;
import io.llmgateway.observe.GatewayMetrics;
import io.llmgateway.server.Gateway;
import io.llmgateway.server.LocalEndpoint;
import io.llmgateway.server.LocalExchange;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * {@code GET /metrics} in Prometheus' text format. Protected like the admin API unless
 * {@code metrics.require_admin: false}; answers 404 while {@code metrics.enabled: false}. Both are read
 * per request, so a config reload switches them.
 */
final class MetricsEndpoint implements LocalEndpoint {
    private static final Logger LOG = LogManager.getLogger(MetricsEndpoint.class);

    private final Gateway gateway;
    private final AdminAccess access;
    private final GatewayMetrics metrics;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    MetricsEndpoint(Gateway gateway, AdminAccess access, GatewayMetrics metrics) {
        this.gateway = requireNonNull(gateway, "gateway");
        this.access = requireNonNull(access, "access");
        this.metrics = requireNonNull(metrics, "metrics");
    }

    @Override
    public void handle(LocalExchange exchange) {
        MetricsSettings settings = gateway.config().metrics();
        if (!settings.enabled()) {
            exchange.respondError(
                    404,
                    "Unknown request URL: " + exchange.method() + ' ' + exchange.path() + ". Please check the URL.",
                    null,
                    "unknown_url");
            return;
        }
        if ((settings.requireAdmin() && !access.admit(exchange)) || !AdminHttp.readOnly(exchange)) {
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, metrics.scrape());
        } catch (IOException | RuntimeException e) {
            // An endpoint must answer (it owns the request); a broken collector must not cost the connection.
            LOG.error("GET /metrics failed", e);
            exchange.respondError(500, "The metrics could not be collected; see the gateway's log.", null, null);
            return;
        }
        exchange.respond(200, writer.getContentType(), out.toByteArray());
    }
}
