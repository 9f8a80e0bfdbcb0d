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
    // Both are needed for every request (Host header, pool lookup): built once, not per request.
    private final String authority;
    private final String poolKey;

    public Origin(boolean tls, String host, int port, String basePath, String caFile) {
        this.tls = tls;
        this.host = requireNonNull(host, "host");
        this.port = port;
        this.basePath = requireNonNull(basePath, "basePath");
        this.caFile = caFile;
        boolean defaultPort = tls ? port == 443 : port == 80;
        String h = host.indexOf(':') >= 0 ? '[' + host + ']' : host;
        this.authority = defaultPort ? h : h + ':' + port;
        this.poolKey = (tls ? "https://" : "http://") + authority + (caFile == null ? "" : " ca=" + caFile);
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

    /** The origin of a provider, with its private CA file if it has one. */
    public static Origin of(ProviderConfig provider) {
        Origin o = of(provider.baseUrl());
        return provider.caFile() == null ? o : new Origin(o.tls, o.host, o.port, o.basePath, provider.caFile());
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
                && basePath.equals(other.basePath)
                && Objects.equals(caFile, other.caFile);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tls, host, port, basePath, caFile);
    }

    @Override
    public String toString() {
        return poolKey + basePath;
    }
}
