package io.llmgateway.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The {@code server} section: the listener and the limits that protect it from bad or hostile clients.
 *
 * @param host address to bind (default {@code 0.0.0.0})
 * @param port port of the plain HTTP listener (default 8100; {@code --port} overrides it); 0 picks a free
 *             port; {@link #NO_LISTENER} when there is none ({@code port: 0} in the file, with {@code tls})
 * @param maxBodyBytes largest request body accepted (default 32 MiB): 413
 * @param ioThreads event-loop threads (default 0: number of cores)
 * @param maxRequestLineBytes longest request line (method, target, version) (default 8 KiB): 414
 * @param maxHeaderBytes largest total size of the request headers (default 32 KiB): 431
 * @param maxHeaders most request header fields (default 100): 431
 * @param requestTimeout deadline for receiving a request's headers and body, from its first byte
 *                       (default 60s): 408. Slow streaming responses are not affected.
 * @param idleTimeout a keep-alive connection with no request in progress is closed after this (default 75s)
 * @param maxInFlight most requests being proxied at once; beyond it: 503 with Retry-After (default 10000)
 * @param maxBufferedBodyBytes most request-body bytes held in memory over all connections (default 256 MiB);
 *                             beyond it new bodies get 503, so many slow uploads cannot exhaust the heap
 * @param shutdownGracePeriod on SIGTERM, how long in-flight requests and streams may finish (default 30s)
 * @param transport the event loops' socket interface (default {@link IoTransport#AUTO})
 * @param tls the TLS listener, or null when there is none (the default)
 * @param http2 whether clients may speak HTTP/2: h2 offered over TLS (ALPN) and h2c with prior knowledge on the
 *              plain listener (default true); false = HTTP/1.1 only
 * @param http2MaxConcurrentStreams most streams an HTTP/2 client may have open at once on one connection (default
 *                                  128, nginx's); a stream beyond it is refused (RST_STREAM REFUSED_STREAM)
 */
public record ServerSettings(
        String host,
        int port,
        int maxBodyBytes,
        int ioThreads,
        int maxRequestLineBytes,
        int maxHeaderBytes,
        int maxHeaders,
        Duration requestTimeout,
        Duration idleTimeout,
        int maxInFlight,
        long maxBufferedBodyBytes,
        Duration shutdownGracePeriod,
        IoTransport transport,
        TlsSettings tls,
        boolean http2,
        int http2MaxConcurrentStreams) {

    /** {@link #port()} when there is no plain listener, only the TLS one. */
    public static final int NO_LISTENER = -1;

    public static final ServerSettings DEFAULT = new ServerSettings(
            "0.0.0.0",
            8100,
            32 * 1024 * 1024,
            0,
            8 * 1024,
            32 * 1024,
            100,
            Duration.ofSeconds(60),
            Duration.ofSeconds(75),
            10_000,
            256L * 1024 * 1024,
            Duration.ofSeconds(30),
            IoTransport.AUTO,
            null,
            true,
            128);

    public ServerSettings {
        requireNonNull(host, "host");
        requireNonNull(requestTimeout, "requestTimeout");
        requireNonNull(idleTimeout, "idleTimeout");
        requireNonNull(shutdownGracePeriod, "shutdownGracePeriod");
        requireNonNull(transport, "transport");
        if (port < NO_LISTENER || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535 or NO_LISTENER)");
        }
        if (port == NO_LISTENER && tls == null) {
            throw new IllegalArgumentException("port: NO_LISTENER without tls (expected: a listener)");
        }
        if (http2MaxConcurrentStreams < 1) {
            throw new IllegalArgumentException(
                    "http2MaxConcurrentStreams: " + http2MaxConcurrentStreams + " (expected: >= 1)");
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight: " + maxInFlight + " (expected: >= 1)");
        }
    }

    /** Whether there is a plain HTTP listener. */
    public boolean hasPlainListener() {
        return port != NO_LISTENER;
    }

    public ServerSettings withHost(String newHost) {
        return toBuilder().host(newHost).build();
    }

    public ServerSettings withPort(int newPort) {
        return toBuilder().port(newPort).build();
    }

    public ServerSettings withHttp2(boolean newHttp2) {
        return toBuilder().http2(newHttp2).build();
    }

    public ServerSettings withTls(TlsSettings newTls) {
        return toBuilder().tls(newTls).build();
    }

    /** A builder that starts from this record's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds a ServerSettings from another one's values with some of them changed; the constructor checks the result. */
    public static final class Builder {
        private String host;
        private int port;
        private int maxBodyBytes;
        private int ioThreads;
        private int maxRequestLineBytes;
        private int maxHeaderBytes;
        private int maxHeaders;
        private Duration requestTimeout;
        private Duration idleTimeout;
        private int maxInFlight;
        private long maxBufferedBodyBytes;
        private Duration shutdownGracePeriod;
        private IoTransport transport;
        private TlsSettings tls;
        private boolean http2;
        private int http2MaxConcurrentStreams;

        private Builder(ServerSettings from) {
            host = from.host;
            port = from.port;
            maxBodyBytes = from.maxBodyBytes;
            ioThreads = from.ioThreads;
            maxRequestLineBytes = from.maxRequestLineBytes;
            maxHeaderBytes = from.maxHeaderBytes;
            maxHeaders = from.maxHeaders;
            requestTimeout = from.requestTimeout;
            idleTimeout = from.idleTimeout;
            maxInFlight = from.maxInFlight;
            maxBufferedBodyBytes = from.maxBufferedBodyBytes;
            shutdownGracePeriod = from.shutdownGracePeriod;
            transport = from.transport;
            tls = from.tls;
            http2 = from.http2;
            http2MaxConcurrentStreams = from.http2MaxConcurrentStreams;
        }

        public Builder host(String value) {
            host = value;
            return this;
        }

        public Builder port(int value) {
            port = value;
            return this;
        }

        public Builder maxBodyBytes(int value) {
            maxBodyBytes = value;
            return this;
        }

        public Builder ioThreads(int value) {
            ioThreads = value;
            return this;
        }

        public Builder maxRequestLineBytes(int value) {
            maxRequestLineBytes = value;
            return this;
        }

        public Builder maxHeaderBytes(int value) {
            maxHeaderBytes = value;
            return this;
        }

        public Builder maxHeaders(int value) {
            maxHeaders = value;
            return this;
        }

        public Builder requestTimeout(Duration value) {
            requestTimeout = value;
            return this;
        }

        public Builder idleTimeout(Duration value) {
            idleTimeout = value;
            return this;
        }

        public Builder maxInFlight(int value) {
            maxInFlight = value;
            return this;
        }

        public Builder maxBufferedBodyBytes(long value) {
            maxBufferedBodyBytes = value;
            return this;
        }

        public Builder shutdownGracePeriod(Duration value) {
            shutdownGracePeriod = value;
            return this;
        }

        public Builder transport(IoTransport value) {
            transport = value;
            return this;
        }

        public Builder tls(TlsSettings value) {
            tls = value;
            return this;
        }

        public Builder http2(boolean value) {
            http2 = value;
            return this;
        }

        public Builder http2MaxConcurrentStreams(int value) {
            http2MaxConcurrentStreams = value;
            return this;
        }

        public ServerSettings build() {
            return new ServerSettings(
                    host,
                    port,
                    maxBodyBytes,
                    ioThreads,
                    maxRequestLineBytes,
                    maxHeaderBytes,
                    maxHeaders,
                    requestTimeout,
                    idleTimeout,
                    maxInFlight,
                    maxBufferedBodyBytes,
                    shutdownGracePeriod,
                    transport,
                    tls,
                    http2,
                    http2MaxConcurrentStreams);
        }
    }
}
