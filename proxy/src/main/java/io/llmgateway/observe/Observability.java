package io.llmgateway.observe;

import io.llmgateway.config.LoggingSettings;
import io.llmgateway.server.Gateway;
import java.nio.file.Path;

/**
 * Plugs logs, metrics and usage statistics into a starting gateway: the interaction log, {@code /metrics}
 * and {@code /api/usage}. The application log (app.log) is log4j2's, set up by {@link LogSetup}.
 */
public final class Observability {
    private Observability() {
    }

    public static void install(Gateway gateway) {
        LoggingSettings logging = gateway.config().logging();
        InteractionLog interactions = null;
        if (logging.interactions()) {
            interactions = new InteractionLog(Path.of(logging.directory()), logging.queueSize(), logging.maxFileBytes(),
                    logging.retentionDays(), gateway.clock());
            gateway.observers().add(interactions);
            gateway.closeOnShutdown(interactions);
        }
        UsageStats usage = new UsageStats(gateway::config, gateway.clock());
        gateway.observers().add(usage);
        GatewayMetrics metrics = new GatewayMetrics(gateway, interactions);
        gateway.observers().add(metrics);
        gateway.endpoints().add("/metrics", new MetricsEndpoint(gateway, metrics));
        gateway.endpoints().add("/api/usage", new UsageEndpoint(gateway, usage));
    }
}
