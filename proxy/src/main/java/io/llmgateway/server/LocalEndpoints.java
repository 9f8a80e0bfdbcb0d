package io.llmgateway.server;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The gateway's own paths, registered at start-up: an exact path ({@code /metrics}) or a prefix ending in
 * {@code /} ({@code /api/}). Looked up on every request before proxying, so the list stays tiny.
 */
public final class LocalEndpoints {
    private final CopyOnWriteArrayList<Map.Entry<String, LocalEndpoint>> entries = new CopyOnWriteArrayList<>();

    public void add(String path, LocalEndpoint endpoint) {
        requireNonNull(path, "path");
        requireNonNull(endpoint, "endpoint");
        if (!path.startsWith("/") || path.startsWith("/v1/")) {
            throw new IllegalArgumentException("path: " + path + " (expected: starting with / and not under /v1/)");
        }
        entries.add(Map.entry(path, endpoint));
    }

    LocalEndpoint find(String path) {
        for (Map.Entry<String, LocalEndpoint> e : entries) {
            String p = e.getKey();
            // A prefix also matches its path without the slash, compared in place: this runs on every request.
            if (p.endsWith("/") && p.length() > 1
                    ? path.startsWith(p) || path.length() == p.length() - 1 && p.startsWith(path)
                    : path.equals(p)) {
                return e.getValue();
            }
        }
        return null;
    }
}
