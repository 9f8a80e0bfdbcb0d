package io.llmgateway.observe;

import io.llmgateway.config.LoggingSettings;
import java.nio.file.Path;

/**
 * Plugs logs, metrics and usage statistics into a starting gateway: the interaction log and the statistics
 * that the admin feature serves at {@code /metrics} and {@code /api/usage}. The application log (app.log) is
 * log4j2's, set up by {@link LogSetup}.
 */
public final class Observability {
    private final GatewayMetrics metrics;
    private final UsageStats usage;

    private Observability(GatewayMetrics metrics, UsageStats usage) {
        this.metrics = metrics;
        this.usage = usage;
    }

    public static Observability install(ObservedGateway gateway) {
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
        return new Observability(metrics, usage);
    }

    /** The Prometheus metrics, for {@code /metrics}. */
    public GatewayMetrics metrics() {
        return metrics;
    }

    /** Requests, tokens and errors over time, for {@code /api/usage}. */
    public UsageStats usage() {
        return usage;
    }
}
