package io.llmgateway.server;

/**
 * Serves a path of the gateway itself (admin API and page, metrics) rather than proxying it. Runs on the
 * client's event loop: it must not block, and must end every exchange with one of its respond methods
 * (possibly later, from a callback).
 */
@FunctionalInterface
public interface LocalEndpoint {
    void handle(LocalExchange exchange);
}
