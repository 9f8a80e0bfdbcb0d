package io.llmgateway.admin;

import static io.llmgateway.admin.AdminClient.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.server.TestGateway;
import io.llmgateway.testing.MockUpstream;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Who may use the admin API and page, CSRF refusals, security headers, and that no secret leaves. */
class AdminSecurityTest {
    private static final String TOKEN = "adm-token-3f9c1d7e";
    private static final String KEY = "sk-secret-acme-5a4b";

    @RegisterExtension
    final MockUpstream acme = MockUpstream.start();

    private TestGateway gateway(boolean withToken) throws Exception {
        return TestGateway.start(
                (withToken ? "admin:\n  token: " + TOKEN + "\n" : "") + """
                api_provider:
                  acme:
                    base_url: %s
                    api_key: %s
                model_config:
                  gpt-4o:
                    acme: {}
                """.formatted(acme.baseUrl(), KEY));
    }

    @Test
    void noToken_loopbackIsLetIn() throws Exception {
        try (TestGateway g = gateway(false)) {
            AdminClient c = new AdminClient(g);
            assertEquals(200, c.get("/api/status").statusCode());
            assertEquals(true, at(c.get("/api/session"), "authenticated"));
            assertEquals(false, at(c.get("/api/session"), "token_required"));
        }
    }

    @Test
    void noToken_foreignHostName_refused_likeADnsRebindingPage() throws Exception {
        try (TestGateway g = gateway(false)) {
            AdminClient c = new AdminClient(g);
            assertEquals(401, c.rawStatus("GET", "/api/status", "evil.example:" + g.port()));
            assertEquals(200, c.rawStatus("GET", "/api/status", "localhost:" + g.port()));
            assertEquals(200, c.rawStatus("GET", "/api/status", "127.0.0.1"));
            assertEquals(200, c.rawStatus("GET", "/api/status", "[::1]:" + g.port()));
            assertEquals(200, c.rawStatus("GET", "/admin", "localhost"), "the login page is public");
        }
    }

    @Test
    void noToken_loginIsNotPossible() throws Exception {
        try (TestGateway g = gateway(false)) {
            HttpResponse<String> r = new AdminClient(g).post("/api/login", "{\"token\":\"x\"}");
            assertEquals(400, r.statusCode());
            assertEquals("no_token_configured", at(r, "error", "code"));
        }
    }

    @Test
    void token_requiredForEveryApiPath() throws Exception {
        try (TestGateway g = gateway(true)) {
            AdminClient anonymous = new AdminClient(g);
            for (String path : List.of("/api/status", "/api/usage", "/api/config", "/api/errors", "/api/requests")) {
                HttpResponse<String> r = anonymous.get(path);
                assertEquals(401, r.statusCode(), path);
                assertEquals("admin_unauthorized", at(r, "error", "code"));
            }
            for (String path : List.of(
                    "/api/config/edit", "/api/config/reload", "/api/health-check", "/api/reset", "/api/spend/reset")) {
                assertEquals(401, anonymous.post(path, "{}").statusCode(), path);
            }
            assertEquals(
                    401,
                    anonymous
                            .with("authorization", "Bearer wrong")
                            .get("/api/status")
                            .statusCode());
            assertEquals(
                    401,
                    anonymous
                            .with("x-admin-token", TOKEN + "x")
                            .get("/api/status")
                            .statusCode());
            assertEquals(
                    200,
                    anonymous
                            .with("authorization", "Bearer " + TOKEN)
                            .get("/api/status")
                            .statusCode());
            assertEquals(
                    200,
                    anonymous.with("x-admin-token", TOKEN).get("/api/status").statusCode());
        }
    }

    @Test
    void token_pageShowsLoginUntilSignedIn() throws Exception {
        try (TestGateway g = gateway(true)) {
            AdminClient c = new AdminClient(g);
            HttpResponse<String> login = c.get("/admin");
            assertEquals(200, login.statusCode());
            assertTrue(login.body().contains("login.js"), "the sign-in page");
            assertFalse(login.body().contains("admin.js"));
            HttpResponse<String> page =
                    c.with("authorization", "Bearer " + TOKEN).get("/admin");
            assertTrue(page.body().contains("/admin/admin.js"), "the admin page");
            assertEquals(200, c.get("/admin/admin.js").statusCode(), "scripts carry no data");
        }
    }

    @Test
    void login_setsAnHttpOnlyStrictSessionCookieThatIsNotTheToken() throws Exception {
        try (TestGateway g = gateway(true)) {
            AdminClient c = new AdminClient(g);
            assertEquals(401, c.post("/api/login", "{\"token\":\"wrong\"}").statusCode());
            HttpResponse<String> r = c.post("/api/login", "{\"token\":\"" + TOKEN + "\"}");
            assertEquals(204, r.statusCode());
            String setCookie = r.headers().firstValue("set-cookie").orElseThrow();
            assertTrue(setCookie.startsWith("llmgw_admin="), setCookie);
            assertTrue(setCookie.contains("; HttpOnly"), setCookie);
            assertTrue(setCookie.contains("; SameSite=Strict"), setCookie);
            assertTrue(setCookie.contains("; Path=/"), setCookie);
            assertFalse(setCookie.contains(TOKEN), "the cookie holds a session id, never the token");
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));
            assertTrue(cookie.length() > "llmgw_admin=".length() + 40, "a long random id: " + cookie);

            AdminClient session = c.with("cookie", cookie);
            assertEquals(200, session.get("/api/status").statusCode());
            assertEquals(true, at(session.get("/api/session"), "authenticated"));
            assertTrue(session.get("/admin").body().contains("/admin/admin.js"));

            HttpResponse<String> out = session.post("/api/logout", "{}");
            assertEquals(204, out.statusCode());
            assertTrue(out.headers().firstValue("set-cookie").orElseThrow().contains("Max-Age=0"));
            assertEquals(401, session.get("/api/status").statusCode(), "the session ended server-side");
            assertEquals(
                    401,
                    c.with("cookie", "llmgw_admin=forged-value")
                            .get("/api/status")
                            .statusCode());
        }
    }

    @Test
    void login_sessionEndsWhenTheTokenChanges() throws Exception {
        try (TestGateway g = gateway(true)) {
            AdminClient c = new AdminClient(g);
            HttpResponse<String> r = c.post("/api/login", "{\"token\":\"" + TOKEN + "\"}");
            String cookie = r.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
            var config = g.gateway().config();
            g.gateway()
                    .reconfigure(new io.llmgateway.config.GatewayConfig(
                            config.server(),
                            config.upstream(),
                            config.routing(),
                            config.providers(),
                            config.models(),
                            config.autoModels(),
                            new io.llmgateway.config.AdminSettings("another-admin-token", null),
                            config.logging(),
                            config.metrics(),
                            config.access(),
                            config.limitsStore(),
                            config.spend()));
            assertEquals(401, c.with("cookie", cookie).get("/api/status").statusCode());
        }
    }

    @Test
    void login_tooManyFailures_throttled() throws Exception {
        try (TestGateway g = gateway(true)) {
            AdminClient c = new AdminClient(g);
            for (int i = 0; i < 5; i++) {
                assertEquals(
                        401,
                        c.post("/api/login", "{\"token\":\"guess-" + i + "\"}").statusCode());
            }
            HttpResponse<String> r = c.post("/api/login", "{\"token\":\"" + TOKEN + "\"}");
            assertEquals(429, r.statusCode(), "even the right token waits: no oracle while throttled");
            assertEquals("too_many_attempts", at(r, "error", "code"));
            assertTrue(Long.parseLong(r.headers().firstValue("retry-after").orElseThrow()) >= 1);
            assertEquals(
                    429,
                    c.with("authorization", "Bearer " + TOKEN)
                            .get("/api/status")
                            .statusCode(),
                    "header access from the same address waits too");
        }
    }

    @Test
    void noToken_proxiedRequest_refused_evenFromLoopbackWithALocalHost() throws Exception {
        try (TestGateway g = gateway(false)) {
            AdminClient c = new AdminClient(g);
            for (String[] h : List.of(
                    new String[] {"x-forwarded-for", "203.0.113.7"},
                    new String[] {"forwarded", "for=203.0.113.7;proto=https"},
                    new String[] {"x-real-ip", "203.0.113.7"})) {
                HttpResponse<String> r = c.get("/api/status", h);
                assertEquals(401, r.statusCode(), h[0]);
                assertTrue(r.body().contains("through a proxy requires admin.token"), r.body());
                assertEquals(401, c.get("/metrics", h).statusCode(), h[0]);
                assertEquals(401, c.get("/api/usage", h).statusCode(), h[0]);
                assertEquals(false, at(c.get("/api/session", h), "authenticated"), h[0]);
                assertTrue(c.get("/admin", h).body().contains("login.js"), h[0]);
            }
            assertEquals(200, c.get("/api/status").statusCode(), "a direct local client is still let in");
        }
    }

    @Test
    void token_proxiedRequest_withTheToken_allowed() throws Exception {
        try (TestGateway g = gateway(true)) {
            AdminClient c = new AdminClient(g, "authorization", "Bearer " + TOKEN);
            assertEquals(
                    200, c.get("/api/status", "x-forwarded-for", "203.0.113.7").statusCode());
            assertEquals(
                    401,
                    new AdminClient(g)
                            .get("/api/status", "x-forwarded-for", "203.0.113.7")
                            .statusCode());
        }
    }

    @Test
    void stateChanges_requireJsonAndSameOrigin() throws Exception {
        try (TestGateway g = gateway(true)) {
            AdminClient c = new AdminClient(g, "authorization", "Bearer " + TOKEN);
            HttpResponse<String> form =
                    c.post("/api/reset", "provider=acme", "content-type", "application/x-www-form-urlencoded");
            assertEquals(415, form.statusCode());
            assertEquals("json_required", at(form, "error", "code"));
            assertEquals(
                    415,
                    c.post("/api/reset", "{}", "content-type", "text/plain").statusCode());
            HttpResponse<String> cross = c.post("/api/reset", "{}", "origin", "http://evil.example");
            assertEquals(403, cross.statusCode());
            assertEquals("cross_site", at(cross, "error", "code"));
            assertEquals(403, c.post("/api/reset", "{}", "origin", "null").statusCode());
            assertEquals(
                    403,
                    c.post("/api/reset", "{}", "sec-fetch-site", "cross-site").statusCode());
            assertEquals(
                    403,
                    c.post("/api/reset", "{}", "sec-fetch-site", "same-site").statusCode());
            assertEquals(
                    200,
                    c.post(
                                    "/api/reset",
                                    "{}",
                                    "origin",
                                    "http://127.0.0.1:" + g.port(),
                                    "sec-fetch-site",
                                    "same-origin")
                            .statusCode());
            assertEquals(
                    403,
                    c.post("/api/login", "{\"token\":\"" + TOKEN + "\"}", "origin", "http://evil.example")
                            .statusCode(),
                    "no login CSRF either");
        }
    }

    @Test
    void wrongMethod_405_unknownPath_404() throws Exception {
        try (TestGateway g = gateway(false)) {
            AdminClient c = new AdminClient(g);
            HttpResponse<String> r = c.get("/api/reset");
            assertEquals(405, r.statusCode());
            assertEquals("POST", r.headers().firstValue("allow").orElseThrow());
            assertEquals(405, c.post("/api/status", "{}").statusCode());
            assertEquals(404, c.get("/api/nothing").statusCode());
            // Dot segments never reach the admin handler: the request guard refuses them for every path.
            assertEquals(400, c.get("/admin/../pom.xml").statusCode());
            assertEquals(404, c.get("/admin/secret.txt").statusCode());
        }
    }

    @Test
    void responses_carrySecurityHeaders_andNoCors() throws Exception {
        try (TestGateway g = gateway(false)) {
            AdminClient c = new AdminClient(g);
            HttpResponse<String> page = c.get("/admin", "origin", "http://evil.example");
            assertEquals(
                    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                            + "frame-ancestors 'none'",
                    page.headers().firstValue("content-security-policy").orElseThrow());
            assertEquals(
                    "nosniff",
                    page.headers().firstValue("x-content-type-options").orElseThrow());
            assertEquals("DENY", page.headers().firstValue("x-frame-options").orElseThrow());
            assertEquals(
                    "text/html; charset=utf-8",
                    page.headers().firstValue("content-type").orElseThrow());
            assertFalse(page.body().contains("<script>"), "no inline script");
            assertFalse(page.body().contains("style="), "no inline style");
            HttpResponse<String> api = c.get("/api/status", "origin", "http://evil.example");
            assertEquals(
                    "nosniff",
                    api.headers().firstValue("x-content-type-options").orElseThrow());
            assertEquals("no-store", api.headers().firstValue("cache-control").orElseThrow());
            for (HttpResponse<String> r : List.of(page, api)) {
                assertTrue(
                        r.headers().map().keySet().stream().noneMatch(h -> h.startsWith("access-control-")),
                        "no CORS headers: " + r.headers().map().keySet());
            }
            HttpResponse<String> js = c.get("/admin/admin.js");
            assertEquals(
                    "text/javascript; charset=utf-8",
                    js.headers().firstValue("content-type").orElseThrow());
            String etag = js.headers().firstValue("etag").orElseThrow();
            assertEquals(304, c.get("/admin/admin.js", "if-none-match", etag).statusCode());
        }
    }

    @Test
    void root_redirectsToAdmin() throws Exception {
        try (TestGateway g = gateway(false)) {
            HttpResponse<String> r = new AdminClient(g).get("/");
            assertEquals(302, r.statusCode());
            assertEquals("/admin", r.headers().firstValue("location").orElseThrow());
        }
    }

    @Test
    void noResponse_containsTheProviderKeyOrTheAdminToken() throws Exception {
        try (TestGateway g = gateway(true)) {
            AdminClient c = new AdminClient(g, "authorization", "Bearer " + TOKEN);
            g.post(
                    "/v1/chat/completions",
                    "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            c.post("/api/health-check", "{}");
            c.post("/api/health-check", "{\"provider\":\"acme\",\"model\":\"gpt-4o\"}");
            for (String path : List.of(
                    "/api/status",
                    "/api/usage",
                    "/api/config",
                    "/api/errors",
                    "/api/requests",
                    "/api/session",
                    "/admin",
                    "/admin/admin.js")) {
                c.get(path);
            }
            c.edit("[{\"op\":\"set_provider\",\"provider\":\"acme\",\"limits\":{\"rpm\":\"not a number\"}}]");
            c.edit("[{\"op\":\"set_provider\",\"provider\":\"acme\",\"limits\":{\"rpm\":100}}]");
            HttpResponse<String> config = c.get("/api/config");
            assertEquals(true, at(config, "providers", 0, "api_key", "set"));
            assertEquals(false, config.body().contains("sk-"), config.body());
            List<String> transcript = c.transcript();
            assertTrue(transcript.size() >= 12);
            for (String response : transcript) {
                assertFalse(response.contains(KEY), response);
                assertFalse(response.contains(TOKEN), response);
            }
            assertNotEquals(0, acme.requests().size());
            assertEquals(
                    "Bearer " + KEY,
                    acme.requests().get(acme.requests().size() - 1).header("authorization"),
                    "the key is used, only never shown");
        }
    }
}
