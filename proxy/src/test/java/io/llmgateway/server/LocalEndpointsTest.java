package io.llmgateway.server;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LocalEndpointsTest {
    private final LocalEndpoint api = exchange -> {};
    private final LocalEndpoint metrics = exchange -> {};
    private final LocalEndpoints endpoints = new LocalEndpoints();

    LocalEndpointsTest() {
        endpoints.add("/api/", api);
        endpoints.add("/metrics", metrics);
    }

    @Test
    void find_prefixMatchesItsPathsAndItselfWithoutTheSlash() {
        assertSame(api, endpoints.find("/api/"));
        assertSame(api, endpoints.find("/api/config"));
        assertSame(api, endpoints.find("/api"));
    }

    @Test
    void find_exactPathMatchesOnlyItself() {
        assertSame(metrics, endpoints.find("/metrics"));
        assertNull(endpoints.find("/metrics/"));
        assertNull(endpoints.find("/metricsx"));
    }

    @Test
    void find_otherPathsMatchNothing() {
        assertNull(endpoints.find("/ap"));
        assertNull(endpoints.find("/apix"));
        assertNull(endpoints.find("/v1/chat/completions"));
        assertNull(endpoints.find("/"));
    }

    @Test
    void add_pathUnderV1_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> endpoints.add("/v1/x", api));
    }
}
