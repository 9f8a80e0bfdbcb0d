package io.llmgateway.upstream;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.ProviderConfig;
import java.net.URI;
import java.util.Objects;

/**
 * Where a provider lives: scheme, host and port decide which connections can be shared; the base path
 * is the prefix requests are forwarded under.
 */
public final class Origin {
    private final boolean tls;
    private final String host;
    private final int port;
    private final String basePath;
    private final String caFile;
    private final boolean http2;
    // Both are needed for every request (Host header, pool lookup): built once, not per request.
    private final String authority;
    private final String poolKey;

    public Origin(boolean tls, String host, int port, String basePath, String caFile) {
        this(tls, host, port, basePath, caFile, false);
    }

    /** @param http2 requests go as HTTP/2 streams over shared connections (see {@link #http2()}) */
    public Origin(boolean tls, String host, int port, String basePath, String caFile, boolean http2) {
        this.tls = tls;
        this.http2 = http2;
        this.host = requireNonNull(host, "host");
        this.port = port;
        this.basePath = requireNonNull(basePath, "basePath");
        this.caFile = caFile;
        boolean defaultPort = tls ? port == 443 : port == 80;
        String h = host.indexOf(':') >= 0 ? '[' + host + ']' : host;
        this.authority = defaultPort ? h : h + ':' + port;
        this.poolKey = (tls ? "https://" : "http://")
                + authority
                + (caFile == null ? "" : " ca=" + caFile)
                + (http2 ? " h2" : "");
    }

    public boolean tls() {
        return tls;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The path prefix requests are forwarded under, without a trailing slash. */
    public String basePath() {
        return basePath;
    }

    /** The provider's private CA file, or null for the JDK's trusted authorities. */
    public String caFile() {
        return caFile;
    }

    /**
     * Whether requests go as streams over shared HTTP/2 connections: h2 negotiated by ALPN over TLS (HTTP/1.1
     * when the provider's ALPN says so), h2c with prior knowledge over plain TCP.
     */
    public boolean http2() {
        return http2;
    }

    /** The origin of a provider, with its private CA file if it has one and its choice of HTTP/2. */
    public static Origin of(ProviderConfig provider) {
        Origin o = of(provider.baseUrl());
        return provider.caFile() == null && !provider.http2()
                ? o
                : new Origin(o.tls, o.host, o.port, o.basePath, provider.caFile(), provider.http2());
    }

    /** This origin over HTTP/1.1: where requests go when the provider's ALPN does not offer h2. */
    Origin http1() {
        return http2 ? new Origin(tls, host, port, basePath, caFile, false) : this;
    }

    /** {@code https://api.example.com/v1} becomes (tls, api.example.com, 443, "/v1"). */
    public static Origin of(URI baseUrl) {
        boolean tls = "https".equalsIgnoreCase(baseUrl.getScheme());
        int port = baseUrl.getPort() != -1 ? baseUrl.getPort() : tls ? 443 : 80;
        String path = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return new Origin(tls, baseUrl.getHost(), port, path, null);
    }

    /** The value of the Host header: the port is left out when it is the scheme's default. */
    public String authority() {
        return authority;
    }

    /** Connections may be shared between two providers with equal keys (base path does not matter). */
    public String poolKey() {
        return poolKey;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Origin other
                && tls == other.tls
                && port == other.port
                && host.equals(other.host)
                && http2 == other.http2
                && basePath.equals(other.basePath)
                && Objects.equals(caFile, other.caFile);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tls, host, port, basePath, caFile, http2);
    }

    @Override
    public String toString() {
        return poolKey + basePath;
    }
}
