package io.llmgateway.admin;

import static io.llmgateway.admin.AdminClient.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.limit.MutableClock;
import io.llmgateway.server.TestGateway;
import io.llmgateway.testing.LogCapture;
import io.llmgateway.testing.RawHttp;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failed admin authentications are counted per client address on every path that checks credentials:
 * after 5 an address waits (429 + Retry-After), growing to a refusal until the window frees; other
 * addresses and signed-in sessions are unaffected. Real sockets, the gateway's clock moved by hand.
 */
class AdminThrottleTest {
    private static final String TOKEN = "adm-throttle-token-7c2e9a";
    private static final String GUESS = "guess-Zq9fK2-not-the-token";
    private static final int FREE = 5;

    private final MutableClock clock = MutableClock.at("2025-03-01T10:00:00Z");
    private TestGateway g;
    private AdminClient anonymous;
    private AdminClient admin;

    @BeforeEach
    void start() throws Exception {
        g = TestGateway.start("""
                admin:
                  token: %s
                api_provider:
                  acme:
                    base_url: http://127.0.0.1:9/v1
                model_config:
                  gpt-4o:
                    acme: {}
                """.formatted(TOKEN), clock);
        anonymous = new AdminClient(g);
        admin = anonymous.with("authorization", "Bearer " + TOKEN);
    }

    @AfterEach
    void stop() {
        g.close();
    }

    @FunctionalInterface
    private interface Call {
        HttpResponse<String> send() throws Exception;
    }

    /** One failing request per way of presenting a credential, with the status it gets before any wait. */
    private Map<String, Call> failingCalls() {
        Map<String, Call> calls = new LinkedHashMap<>();
        calls.put("Bearer on /api/status", () -> anonymous.get("/api/status", "authorization", "Bearer " + GUESS));
        calls.put("x-admin-token on /api/config", () -> anonymous.get("/api/config", "x-admin-token", GUESS));
        calls.put("cookie on /api/status", () -> anonymous.get("/api/status", "cookie", "llmgw_admin=" + GUESS));
        calls.put("login", () -> anonymous.post("/api/login", "{\"token\":\"" + GUESS + "\"}"));
        calls.put("login without a token", () -> anonymous.post("/api/login", "{}"));
        calls.put("/api/session probe", () -> anonymous.get("/api/session", "x-admin-token", GUESS));
        calls.put("/metrics", () -> anonymous.get("/metrics", "authorization", "Bearer " + GUESS));
        calls.put("/api/usage", () -> anonymous.get("/api/usage", "x-admin-token", GUESS));
        calls.put("/admin page", () -> anonymous.get("/admin", "authorization", "Bearer " + GUESS));
        calls.put("state-changing POST", () -> anonymous.post("/api/reset", "{}", "x-admin-token", GUESS));
        return calls;
    }

    private void fail(int times, Call call, String what) throws Exception {
        for (int i = 0; i < times; i++) {
            HttpResponse<String> r = call.send();
            assertTrue(
                    r.statusCode() == 401 || r.statusCode() == 200 && !r.body().contains("\"authenticated\":true"),
                    what + ": " + r.statusCode() + " " + r.body());
        }
    }

    @Test
    void everyAuthPath_countsFailures_thenTheAddressWaits() throws Exception {
        for (Map.Entry<String, Call> e : failingCalls().entrySet()) {
            clock.advance(Duration.ofMinutes(16)); // an empty window for each path
            assertEquals(200, admin.get("/api/status").statusCode(), e.getKey());
            fail(FREE, e.getValue(), e.getKey());
            HttpResponse<String> r = admin.get("/api/status");
            assertEquals(429, r.statusCode(), e.getKey() + " was not counted");
            assertEquals("1", r.headers().firstValue("retry-after").orElseThrow(), e.getKey());
            clock.advance(Duration.ofSeconds(1));
            assertEquals(200, admin.get("/api/status").statusCode(), e.getKey() + ": the wait is over");
        }
    }

    /** A chunked body may exceed the small cap, so its credentials are checked on the head: once, not twice. */
    @Test
    void chunkedBody_credentialsCheckedOnTheHead_countOnce() throws Exception {
        Call chunked = () -> {
            try (RawHttp raw = RawHttp.connect(g.port())) {
                String answer = raw.send("POST /api/reset HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                + "Content-Type: application/json\r\nx-admin-token: " + GUESS + "\r\n"
                                + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
                        .readResponse();
                assertTrue(answer.startsWith("HTTP/1.1 401 "), answer);
                return null;
            }
        };
        for (int i = 0; i < FREE - 1; i++) {
            chunked.send();
        }
        assertEquals(200, admin.get("/api/status").statusCode(), "each chunked attempt counts once");
        chunked.send();
        assertEquals(429, admin.get("/api/status").statusCode(), "the fifth attempt was counted");
    }

    @Test
    void waiting_everyPathAnswers429WithRetryAfter_evenToTheRightToken() throws Exception {
        fail(FREE, () -> anonymous.get("/api/status", "authorization", "Bearer " + GUESS), "guess");
        List<HttpResponse<String>> answers = List.of(
                admin.get("/api/status"),
                admin.get("/api/session"),
                anonymous.post("/api/login", "{\"token\":\"" + TOKEN + "\"}"),
                admin.get("/metrics"),
                admin.get("/api/usage"),
                anonymous.get("/api/config", "x-admin-token", TOKEN));
        for (HttpResponse<String> r : answers) {
            assertEquals(429, r.statusCode(), r.uri().toString());
            assertEquals(
                    "1",
                    r.headers().firstValue("retry-after").orElseThrow(),
                    r.uri().toString());
            assertEquals("too_many_attempts", at(r, "error", "code"), r.uri().toString());
            assertFalse(r.body().contains(TOKEN));
        }
        HttpResponse<String> page = admin.get("/admin");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("login.js"), "a waiting address sees the sign-in page");
        HttpResponse<String> probe = anonymous.get("/api/session");
        assertEquals(false, at(probe, "authenticated"), "presenting nothing is no attempt");
    }

    @Test
    void manyFailures_refusedUntilTheWindowFrees() throws Exception {
        int failures = 0;
        while (failures < 20) {
            HttpResponse<String> r = anonymous.get("/api/status", "authorization", "Bearer " + GUESS);
            if (r.statusCode() == 429) {
                clock.advance(Duration.ofSeconds(
                        Long.parseLong(r.headers().firstValue("retry-after").orElseThrow())));
            } else {
                assertEquals(401, r.statusCode());
                failures++;
            }
        }
        // 5 free failures, then waits of 1+2+4+8+16+32 s and 60 s nine times: the 20th came at 603 s.
        HttpResponse<String> blocked = admin.get("/api/status");
        assertEquals(429, blocked.statusCode());
        assertEquals("297", blocked.headers().firstValue("retry-after").orElseThrow(), "until 15 min after the first");
        clock.advance(Duration.ofSeconds(296));
        assertEquals(429, admin.get("/api/status").statusCode());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(200, admin.get("/api/status").statusCode());
    }

    @Test
    void anotherAddress_unaffected() throws Exception {
        fail(FREE, () -> anonymous.get("/api/status", "authorization", "Bearer " + GUESS), "guess");
        assertEquals(429, admin.get("/api/status").statusCode());
        try (RawHttp other = RawHttp.connectFrom("127.0.0.2", g.port())) {
            String ok = other.send("GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                            + "\r\n\r\n")
                    .readResponse();
            assertTrue(ok.startsWith("HTTP/1.1 200"), ok);
            String wrong = other.send("GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + GUESS
                            + "\r\n\r\n")
                    .readResponse();
            assertTrue(wrong.startsWith("HTTP/1.1 401"), "its own first failure: " + wrong);
        }
        assertEquals(429, admin.get("/api/status").statusCode(), "and 127.0.0.2's success reset nothing here");
    }

    @Test
    void waiting_aSignedInSessionKeepsWorking() throws Exception {
        HttpResponse<String> login = anonymous.post("/api/login", "{\"token\":\"" + TOKEN + "\"}");
        assertEquals(204, login.statusCode());
        AdminClient session = anonymous.with(
                "cookie", login.headers().firstValue("set-cookie").orElseThrow().split(";")[0]);
        fail(FREE, () -> anonymous.get("/api/status", "x-admin-token", GUESS), "guess");
        assertEquals(429, admin.get("/api/status").statusCode());
        assertEquals(200, session.get("/api/status").statusCode(), "a session id is nothing to guess");
        assertEquals(true, at(session.get("/api/session"), "authenticated"));
    }

    @Test
    void staleCookie_isAFailure_andTheBrowserIsToldToDropIt() throws Exception {
        HttpResponse<String> r = anonymous.get("/api/session", "cookie", "llmgw_admin=" + GUESS);
        assertEquals(200, r.statusCode());
        assertEquals(false, at(r, "authenticated"));
        assertTrue(r.headers().firstValue("set-cookie").orElseThrow().contains("Max-Age=0"), "the browser drops it");
        HttpResponse<String> api = anonymous.get("/api/status", "cookie", "llmgw_admin=" + GUESS);
        assertEquals(401, api.statusCode());
        assertTrue(api.headers().firstValue("set-cookie").orElseThrow().contains("Max-Age=0"));
        HttpResponse<String> page = anonymous.get("/admin", "cookie", "llmgw_admin=" + GUESS);
        assertTrue(page.body().contains("login.js"));
        assertTrue(page.headers().firstValue("set-cookie").orElseThrow().contains("Max-Age=0"));
        HttpResponse<String> waiting = admin.get("/api/status");
        assertEquals(200, waiting.statusCode(), "three failures: no wait yet");
        assertEquals(false, at(anonymous.get("/api/session"), "authenticated"));
    }

    @Test
    void presentingNothing_isNoAttempt() throws Exception {
        for (int i = 0; i < 3 * FREE; i++) {
            assertEquals(false, at(anonymous.get("/api/session"), "authenticated"));
            assertEquals(401, anonymous.get("/api/status").statusCode());
            assertEquals(200, anonymous.get("/admin").statusCode());
        }
        assertEquals(200, admin.get("/api/status").statusCode());
    }

    @Test
    void failedAttempt_loggedWithAddressAndPath_neverTheValue() throws Exception {
        try (LogCapture log = LogCapture.of(AdminAccess.class)) {
            anonymous.get("/api/status", "authorization", "Bearer " + GUESS);
            anonymous.post("/api/login", "{\"token\":\"" + GUESS + "x\"}");
            admin.get("/api/status");
            List<String> lines = log.lines();
            assertEquals(2, lines.size(), lines.toString());
            assertTrue(lines.get(0).startsWith("WARN "), lines.get(0));
            assertTrue(lines.get(0).contains("from 127.0.0.1 on /api/status (Authorization: Bearer)"), lines.get(0));
            assertTrue(lines.get(1).contains("from 127.0.0.1 on /api/login (login); 2 failure(s)"), lines.get(1));
            for (String line : lines) {
                assertFalse(line.contains(GUESS), line);
                assertFalse(line.contains(TOKEN), line);
            }
        }
    }
}
