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
    private final RequestStats requests;

    private Observability(GatewayMetrics metrics, UsageStats usage, RequestStats requests) {
        this.metrics = metrics;
        this.usage = usage;
        this.requests = requests;
    }

    /** Starts the interaction log and the request statistics, and reports finished requests to them. */
    public static Observability install(ObservedGateway gateway) {
        LoggingSettings logging = gateway.config().logging();
        InteractionLog interactions = null;
        if (logging.interactions()) {
            interactions = new InteractionLog(
                    Path.of(logging.directory()),
                    logging.queueSize(),
                    logging.maxFileBytes(),
                    logging.retentionDays(),
                    gateway.clock());
            gateway.observers().add(interactions);
            gateway.closeOnShutdown(interactions);
        }
        RequestStats stats = new RequestStats(gateway::config, gateway.clock());
        gateway.observers().add(stats);
        CostTally costs = new CostTally(gateway::config);
        gateway.observers().add(costs);
        return new Observability(new GatewayMetrics(gateway, stats, costs, interactions), new UsageStats(stats), stats);
    }

    /** The Prometheus metrics, for {@code /metrics}. */
    public GatewayMetrics metrics() {
        return metrics;
    }

    /** Requests, tokens and errors over time, for {@code /api/usage}. */
    public UsageStats usage() {
        return usage;
    }

    /** The counts of finished requests, for the admin page. */
    public RequestStats requests() {
        return requests;
    }
}
