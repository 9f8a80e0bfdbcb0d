package io.llmgateway.observe;

import io.llmgateway.config.LoggingSettings;
import io.llmgateway.server.Gateway;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Plugs logs, metrics and usage statistics into a starting gateway: the interaction log, {@code /metrics}
 * and {@code /api/usage}. The application log (app.log) is log4j2's, set up by {@link LogSetup}.
 */
public final class Observability {
    private Observability() {
    }

    /** @return the counts of finished requests, for the admin page */
    public static RequestStats install(Gateway gateway) {
        LoggingSettings logging = gateway.config().logging();
        InteractionLog interactions = null;
        if (logging.interactions()) {
            interactions = new InteractionLog(Path.of(logging.directory()), logging.queueSize(), logging.maxFileBytes(),
                    logging.retentionDays(), Clock.systemDefaultZone());
            gateway.observers().add(interactions);
            gateway.closeOnShutdown(interactions);
        }
        RequestStats stats = new RequestStats(gateway::config, Clock.systemUTC());
        gateway.observers().add(stats);
        gateway.endpoints().add("/metrics", new MetricsEndpoint(gateway, new GatewayMetrics(gateway, stats, interactions)));
        gateway.endpoints().add("/api/usage", new UsageEndpoint(gateway, new UsageStats(stats)));
        return stats;
    }
}
