package io.llmgateway.admin;

import static io.llmgateway.admin.AdminClient.at;
import static io.llmgateway.testing.ChatBodies.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.server.TestGateway;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RecordedRequest;
import io.llmgateway.testing.TestJson;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every admin API endpoint against a real gateway and mock providers (in-memory config: no file). */
class AdminApiTest {
    private MockUpstream acme;
    private MockUpstream beta;
    private TestGateway g;
    private AdminClient c;

    @BeforeEach
    void start() throws Exception {
        acme = MockUpstream.start();
        beta = MockUpstream.start();
        g = TestGateway.start("""
                routing:
                  failure_threshold: 3
                api_provider:
                  acme:
                    base_url: %s
                    api_key: sk-acme-key
                    limits: {rpm: 100, tpm: 100000}
                  beta:
                    base_url: %s
                model_config:
                  gpt-4o:
                    acme:
                      alias: acme-4o
                    beta: {}
                """.formatted(acme.baseUrl(), beta.baseUrl()));
        c = new AdminClient(g);
    }

    @AfterEach
    void stop() {
        g.close();
        acme.close();
        beta.close();
    }

    /** Sends one chat and says which mock received it. */
    private String chat() throws Exception {
        int a = acme.requests().size();
        int b = beta.requests().size();
        HttpResponse<String> r = g.post("/v1/chat/completions", CHAT);
        assertEquals(200, r.statusCode(), r.body());
        if (acme.requests().size() > a) {
            return "acme";
        }
        assertEquals(b + 1, beta.requests().size());
        return "beta";
    }

    @Test
    void status_listsModelsRoutesProvidersAndLiveCounters() throws Exception {
        chat();
        chat();
        HttpResponse<String> r = c.get("/api/status");
        assertEquals(200, r.statusCode());
        assertEquals("gpt-4o", at(r, "models", 0, "name"));
        assertEquals("priority", at(r, "models", 0, "strategy"));
        assertEquals("acme", at(r, "models", 0, "routes", 0, "provider"));
        assertEquals("acme-4o", at(r, "models", 0, "routes", 0, "alias"));
        assertEquals(true, at(r, "models", 0, "routes", 0, "enabled"));
        assertEquals(2L, at(r, "models", 0, "routes", 0, "stats", "requests"));
        assertNotNull(at(r, "models", 0, "routes", 0, "stats", "p50_ms"));
        assertEquals(2L, at(r, "providers", 0, "usage", "rpm"));
        assertEquals("memory", at(r, "counters", "mode"), "no limits_store: this instance counts alone");
        assertEquals(100L, at(r, "providers", 0, "limits", "rpm"));
        assertNull(at(r, "providers", 0, "limits", "rpd"), "unlimited is null");
        assertEquals("closed", at(r, "providers", 0, "circuit"));
        assertEquals(2L, at(r, "traffic", "requests"));
        assertEquals(0.0, at(r, "traffic", "error_rate"));
        @SuppressWarnings("unchecked")
        List<Long> series = (List<Long>) at(r, "traffic", "series", "requests");
        assertEquals(300, series.size());
        assertEquals(2L, series.stream().mapToLong(Long::longValue).sum());
        assertEquals(false, at(r, "config", "persisted"));
        assertEquals(List.of("gpt-4o"), at(r, "auto"));
    }

    @Test
    void config_showsRawValuesAndAnETag() throws Exception {
        HttpResponse<String> r = c.get("/api/config");
        assertEquals("\"v1\"", r.headers().firstValue("etag").orElseThrow());
        assertEquals(1L, at(r, "version"));
        assertEquals("100", at(r, "providers", 0, "limits", "rpm"));
        assertEquals(Map.of("set", true), withoutNullEnv(at(r, "providers", 0, "api_key")));
        assertEquals("acme-4o", at(r, "models", 0, "routes", 0, "alias"));
        assertNull(at(r, "models", 0, "routes", 1, "enable"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withoutNullEnv(Object o) {
        Map<String, Object> m = new java.util.HashMap<>((Map<String, Object>) o);
        m.remove("env", null);
        return m;
    }

    @Test
    void edit_disable_takesEffectForTheNextRequest() throws Exception {
        assertEquals("acme", chat());
        HttpResponse<String> r =
                c.edit("[{\"op\":\"set_route\",\"model\":\"gpt-4o\",\"provider\":\"acme\",\"enable\":false}]");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(2L, at(r, "version"));
        assertEquals("\"v2\"", r.headers().firstValue("etag").orElseThrow());
        assertEquals("beta", chat());
        assertEquals(false, at(c.get("/api/status"), "models", 0, "routes", 0, "enabled"));
        c.edit("[{\"op\":\"set_route\",\"model\":\"gpt-4o\",\"provider\":\"acme\",\"enable\":true}]");
        assertEquals("acme", chat());
    }

    @Test
    void edit_reorder_changesPriority() throws Exception {
        assertEquals("acme", chat());
        assertEquals(
                200,
                c.edit("[{\"op\":\"order_routes\",\"model\":\"gpt-4o\",\"providers\":[\"beta\",\"acme\"]}]")
                        .statusCode());
        assertEquals("beta", chat());
        assertEquals("beta", at(c.get("/api/config"), "models", 0, "routes", 0, "provider"));
    }

    @Test
    void edit_alias_isSentUpstream() throws Exception {
        c.edit("[{\"op\":\"set_route\",\"model\":\"gpt-4o\",\"provider\":\"acme\",\"alias\":\"acme-4o-new\"}]");
        chat();
        assertTrue(acme.requests().get(acme.requests().size() - 1).body().contains("\"acme-4o-new\""));
    }

    @Test
    void edit_addAndRemoveModel_showsInModelList() throws Exception {
        HttpResponse<String> r =
                c.edit("[{\"op\":\"add_model\",\"model\":\"o3\",\"routes\":[{\"provider\":\"beta\"}]}]");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(g.get("/v1/models").body().contains("\"o3\""));
        assertEquals(
                200,
                g.post("/v1/chat/completions", CHAT.replace("gpt-4o", "o3")).statusCode());
        c.edit("[{\"op\":\"remove_model\",\"model\":\"o3\"}]");
        assertEquals(
                404,
                g.post("/v1/chat/completions", CHAT.replace("gpt-4o", "o3")).statusCode());
    }

    @Test
    void edit_addProviderAndRoute_thenLimitsAndKey() throws Exception {
        MockUpstream gamma = MockUpstream.start();
        try {
            HttpResponse<String> r = c.edit("""
                    [{"op":"add_provider","provider":"gamma","base_url":"%s","api_key":"sk-gamma","limits":{"rpm":1}},
                     {"op":"add_route","model":"gpt-4o","provider":"gamma"},
                     {"op":"order_routes","model":"gpt-4o","providers":["gamma","acme","beta"]}]""".formatted(gamma.baseUrl()));
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
            assertEquals(1, gamma.requests().size(), "gamma is first");
            assertEquals("Bearer sk-gamma", gamma.requests().get(0).header("authorization"));
            assertEquals("acme", chat(), "gamma's rpm of 1 is used up");
            assertEquals(
                    200,
                    c.edit("[{\"op\":\"set_provider\",\"provider\":\"gamma\",\"limits\":{\"rpm\":null}}]")
                            .statusCode());
            assertEquals(200, g.post("/v1/chat/completions", CHAT).statusCode());
            assertEquals(2, gamma.requests().size(), "unlimited now");
            HttpResponse<String> config = c.get("/api/config");
            assertEquals(Map.of("set", true), withoutNullEnv(at(config, "providers", 2, "api_key")));
            assertTrue(!config.body().contains("sk-gamma"));
        } finally {
            gamma.close();
        }
    }

    @Test
    void edit_invalidResult_422WithProblems_andNothingChanges() throws Exception {
        HttpResponse<String> r = c.edit("""
                [{"op":"set_route","model":"gpt-4o","provider":"acme","enable":false},
                 {"op":"set_provider","provider":"acme","limits":{"rpm":"ten"}}]""");
        assertEquals(422, r.statusCode());
        assertEquals("invalid_config", at(r, "error", "code"));
        assertEquals(
                List.of("api_provider.acme.limits.rpm: expected a positive integer, got \"ten\""), at(r, "problems"));
        assertEquals(1L, at(r, "version"));
        assertEquals(1L, c.version());
        assertEquals("acme", chat(), "the first change of the rejected batch did not apply either");
        assertEquals(100L, at(c.get("/api/status"), "providers", 0, "limits", "rpm"));
    }

    @Test
    void edit_removeProviderStillUsed_422() throws Exception {
        HttpResponse<String> r = c.edit("[{\"op\":\"remove_provider\",\"provider\":\"beta\"}]");
        assertEquals(422, r.statusCode());
        assertTrue(r.body().contains("model_config.gpt-4o.beta: unknown provider (known: acme)"), r.body());
    }

    @Test
    void edit_malformed_400() throws Exception {
        HttpResponse<String> r = c.edit("[{\"op\":\"set_route\",\"model\":\"nope\",\"provider\":\"acme\"}]");
        assertEquals(400, r.statusCode());
        assertEquals("invalid_change", at(r, "error", "code"));
        assertEquals("changes[0]: no model \"nope\"", at(r, "error", "message"));
        HttpResponse<String> bad = c.post("/api/config/edit", "{not json");
        assertEquals(400, bad.statusCode());
        assertEquals("invalid_json", at(bad, "error", "code"));
    }

    @Test
    void edit_staleVersion_409_missingVersion_428() throws Exception {
        long v = c.version();
        String change = "[{\"op\":\"set_route\",\"model\":\"gpt-4o\",\"provider\":\"acme\",\"weight\":2}]";
        assertEquals(
                200,
                c.post("/api/config/edit", "{\"version\":" + v + ",\"changes\":" + change + "}")
                        .statusCode());
        HttpResponse<String> stale = c.post("/api/config/edit", "{\"version\":" + v + ",\"changes\":" + change + "}");
        assertEquals(409, stale.statusCode());
        assertEquals("stale_version", at(stale, "error", "code"));
        assertEquals(v + 1, at(stale, "version"));
        HttpResponse<String> ifMatch =
                c.post("/api/config/edit", "{\"changes\":" + change + "}", "if-match", "\"v" + (v + 1) + "\"");
        assertEquals(200, ifMatch.statusCode(), ifMatch.body());
        assertEquals(
                409,
                c.post("/api/config/edit", "{\"changes\":" + change + "}", "if-match", "\"v1\"")
                        .statusCode());
        HttpResponse<String> none = c.post("/api/config/edit", "{\"changes\":" + change + "}");
        assertEquals(428, none.statusCode());
        assertEquals("version_required", at(none, "error", "code"));
    }

    @Test
    void reload_withoutFile_409() throws Exception {
        HttpResponse<String> r = c.post("/api/config/reload", "{}");
        assertEquals(409, r.statusCode());
        assertEquals("not_persisted", at(r, "error", "code"));
    }

    @Test
    void healthCheck_sendsATinyRealRequest_andReportsStatusAndLatency() throws Exception {
        HttpResponse<String> r = c.post("/api/health-check", "{\"provider\":\"acme\",\"model\":\"gpt-4o\"}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(true, at(r, "ok"));
        assertEquals(200L, at(r, "status"));
        assertEquals("acme-4o", at(r, "alias"));
        assertTrue((Long) at(r, "latency_ms") >= 0);
        RecordedRequest probe = acme.takeRequest(Duration.ofSeconds(5));
        assertEquals("/v1/chat/completions", probe.uri());
        assertEquals("Bearer sk-acme-key", probe.header("authorization"));
        Object body = TestJson.parse(probe.body());
        assertEquals("acme-4o", TestJson.at(body, "model"));
        assertEquals(1L, TestJson.at(body, "max_tokens"));
        assertEquals(true, at(c.get("/api/status"), "models", 0, "routes", 0, "health", "ok"));
        assertEquals(0L, at(c.get("/api/status"), "providers", 0, "usage", "rpm"), "a check is not a client request");
    }

    @Test
    void healthCheck_failuresOpenTheCircuit_aSuccessClosesIt() throws Exception {
        acme.setDefault(Behaviour.error(503, "server_error", "overloaded"));
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = c.post("/api/health-check", "{\"provider\":\"acme\"}");
            assertEquals(false, at(r, "ok"));
            assertEquals(503L, at(r, "status"));
            assertEquals("server_error", at(r, "outcome"));
            assertEquals("HTTP 503: overloaded", at(r, "message"));
        }
        assertEquals("open", c.provider("acme").get("circuit"));
        assertEquals("beta", chat(), "routing skips the open provider");
        acme.setDefault(Behaviour.chatCompletion("pong"));
        assertEquals(true, at(c.post("/api/health-check", "{\"provider\":\"acme\"}"), "ok"));
        assertEquals("closed", c.provider("acme").get("circuit"));
        assertEquals("acme", chat());
        HttpResponse<String> errors = c.get("/api/errors");
        assertEquals("health_check", at(errors, "errors", 0, "source"));
        assertEquals("acme", at(errors, "errors", 0, "provider"));
    }

    @Test
    void healthCheck_rateLimited_opensTheCircuitForRetryAfter() throws Exception {
        acme.setDefault(Behaviour.rateLimited(30));
        HttpResponse<String> r = c.post("/api/health-check", "{\"provider\":\"acme\"}");
        assertEquals("rate_limited", at(r, "outcome"));
        Map<String, Object> p = c.provider("acme");
        assertEquals("open", p.get("circuit"));
        long retryIn = (Long) p.get("retry_in_ms");
        assertTrue(retryIn > 25_000 && retryIn <= 30_000, "retry in " + retryIn);
    }

    @Test
    void healthCheck_unreachable_isAConnectFailure() throws Exception {
        beta.close();
        HttpResponse<String> r = c.post("/api/health-check", "{\"provider\":\"beta\"}");
        assertEquals(false, at(r, "ok"));
        assertEquals(0L, at(r, "status"));
        assertEquals("connect", at(r, "outcome"));
    }

    @Test
    void healthCheck_keyRejected_messageHasNoKey() throws Exception {
        acme.setDefault(Behaviour.error(401, "invalid_request_error", "Incorrect API key provided: sk-acme-key."));
        HttpResponse<String> r = c.post("/api/health-check", "{\"provider\":\"acme\"}");
        assertEquals("auth", at(r, "outcome"));
        assertEquals("HTTP 401: Incorrect API key provided: ***.", at(r, "message"));
        assertEquals(true, c.provider("acme").get("key_rejected"));
    }

    @Test
    void healthCheck_all_andUnknown() throws Exception {
        HttpResponse<String> all = c.post("/api/health-check", "{}");
        assertEquals(200, all.statusCode());
        assertEquals(2, ((List<?>) at(all, "results")).size());
        assertEquals(
                404, c.post("/api/health-check", "{\"provider\":\"ghost\"}").statusCode());
        assertEquals(
                404,
                c.post("/api/health-check", "{\"provider\":\"acme\",\"model\":\"nope\"}")
                        .statusCode());
    }

    @Test
    void reset_oneProviderOrAll() throws Exception {
        chat();
        chat();
        assertEquals(2L, ((Map<?, ?>) c.provider("acme").get("usage")).get("rpm"));
        assertEquals(404, c.post("/api/reset", "{\"provider\":\"ghost\"}").statusCode());
        assertEquals("acme", at(c.post("/api/reset", "{\"provider\":\"acme\"}"), "reset"));
        assertEquals(0L, ((Map<?, ?>) c.provider("acme").get("usage")).get("rpm"));
        chat();
        assertEquals("all", at(c.post("/api/reset", "{}"), "reset"));
        assertEquals(0L, ((Map<?, ?>) c.provider("acme").get("usage")).get("rpm"));
    }

    @Test
    void requestsAndErrors_liveTail() throws Exception {
        chat();
        acme.enqueue(Behaviour.error(500, "server_error", "boom"));
        chat(); // fails over to beta
        g.post("/v1/chat/completions", CHAT.replace("gpt-4o", "missing"));
        HttpResponse<String> requests = c.get("/api/requests");
        assertEquals(3L, at(requests, "last_seq"));
        assertEquals("missing", at(requests, "requests", 0, "model"));
        assertEquals(404L, at(requests, "requests", 0, "status"));
        assertEquals("beta", at(requests, "requests", 1, "provider"));
        assertEquals(2, ((List<?>) at(requests, "requests", 1, "attempts")).size());
        assertEquals(15L, at(requests, "requests", 2, "total_tokens"));
        assertEquals(List.of(), at(c.get("/api/requests?since=3"), "requests"));
        assertEquals(1, ((List<?>) at(c.get("/api/requests?since=2"), "requests")).size());
        assertEquals(1, ((List<?>) at(c.get("/api/requests?limit=1"), "requests")).size());

        HttpResponse<String> errors = c.get("/api/errors");
        assertEquals("request", at(errors, "errors", 0, "source"));
        assertEquals(404L, at(errors, "errors", 0, "status"));
        assertEquals("failover", at(errors, "errors", 1, "type"));
        assertTrue(((String) at(errors, "errors", 1, "message")).startsWith("acme: server_error 500"));
        long last = (Long) at(errors, "last_seq");
        assertEquals(List.of(), at(c.get("/api/errors?since=" + last), "errors"));
    }

    @Test
    void requests_anErrorAnsweredByTheGatewayIsListedBeforeTheClientSeesIt() throws Exception {
        // The client reads the request log right after each answer: the record must already be there (it is
        // published before the answer leaves, as for a proxied answer), every time.
        for (int i = 1; i <= 300; i++) {
            assertEquals(
                    404,
                    g.post("/v1/chat/completions", CHAT.replace("gpt-4o", "missing"))
                            .statusCode());
            assertEquals((long) i, at(c.get("/api/requests?limit=1"), "last_seq"), "after request " + i);
        }
    }

    @Test
    void statusCounts_failoverAgainstTheProviderThatFailed() throws Exception {
        acme.enqueue(Behaviour.error(500, "server_error", "boom"));
        chat();
        Map<String, Object> a = c.provider("acme");
        assertEquals(1L, ((Map<?, ?>) a.get("stats")).get("errors"));
        assertEquals(1.0, ((Map<?, ?>) a.get("stats")).get("error_rate"));
        assertEquals(0L, ((Map<?, ?>) c.provider("beta").get("stats")).get("errors"));
    }
}
