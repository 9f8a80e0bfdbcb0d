package io.llmgateway.observe;

import io.llmgateway.cache.ResponseCache;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.route.Router;
import java.time.Clock;

/** What logs and metrics need of the running gateway (the server's {@code Gateway} is one). */
public interface ObservedGateway {
    /** The current config. */
    GatewayConfig config();

    /** Wall-clock time of records, windows and log file names. */
    Clock clock();

    /** The router, whose snapshot the provider gauges read. */
    Router router();

    /** Where finished requests are reported. */
    Observers observers();

    /** Requests being proxied right now. */
    int inFlight();

    /** Open connections to providers, over all pools. */
    int openUpstreamConnections();

    /** The response cache, whose counters the metrics report; null when there is none. */
    default ResponseCache cache() {
        return null;
    }

    /** Closes {@code resource} when the gateway closes. */
    void closeOnShutdown(AutoCloseable resource);
}
