package io.llmgateway.upstream;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.ProviderConfig;
import java.net.URI;

/**
 * Where a provider lives: scheme, host and port decide which connections can be shared; the base path
 * is the prefix requests are forwarded under.
 */
public record Origin(boolean tls, String host, int port, String basePath, String caFile) {
    public Origin {
        requireNonNull(host, "host");
        requireNonNull(basePath, "basePath");
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
        boolean defaultPort = tls ? port == 443 : port == 80;
        String h = host.indexOf(':') >= 0 ? '[' + host + ']' : host;
        return defaultPort ? h : h + ':' + port;
    }

    /** Connections may be shared between two providers with equal keys (base path does not matter). */
    public String poolKey() {
        return (tls ? "https://" : "http://") + authority() + (caFile == null ? "" : " ca=" + caFile);
    }
}
