package io.llmgateway.config;

import static java.util.Objects.requireNonNull;

/**
 * The {@code server} section.
 *
 * @param host address to bind (default {@code 0.0.0.0})
 * @param port port to listen on (default 8100; {@code --port} overrides it)
 * @param maxBodyBytes largest request body accepted (default 32 MiB)
 * @param ioThreads event-loop threads (default: number of cores)
 */
public record ServerSettings(String host, int port, int maxBodyBytes, int ioThreads) {
    public static final ServerSettings DEFAULT = new ServerSettings("0.0.0.0", 8100, 32 * 1024 * 1024, 0);

    public ServerSettings {
        requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
    }

    public ServerSettings withHost(String newHost) {
        return new ServerSettings(newHost, port, maxBodyBytes, ioThreads);
    }

    public ServerSettings withPort(int newPort) {
        return new ServerSettings(host, newPort, maxBodyBytes, ioThreads);
    }
}
