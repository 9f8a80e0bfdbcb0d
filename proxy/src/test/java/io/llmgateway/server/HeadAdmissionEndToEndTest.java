package io.llmgateway.server;

import static io.llmgateway.testing.ChatBodies.CHAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.admin.AdminAccess;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RawHttp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Credentials, path and declared length are checked on the request head: a refused request is answered
 * before its body is read, 100 Continue, or a byte of the shared body budget; legitimate requests pass.
 */
class HeadAdmissionEndToEndTest {
    private static final String KEY = "sk-front-0123456789";
    private static final String ADMIN_TOKEN = "front-admin-token";
    private static final String AUTH = "Authorization: Bearer " + KEY;
    private static MockUpstream upstream;
    private static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = MockUpstream.start();
        gateway = TestGateway.start(config(upstream));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static String config(MockUpstream upstream) {
        return """
                server:
                  max_buffered_body_size: 1MiB
                admin:
                  token: %s
                gateway:
                  api_keys:
                    - %s
                api_provider:
                  p:
                    base_url: %s
                model_config:
                  gpt-4o:
                    p: {}
                """.formatted(ADMIN_TOKEN, KEY, upstream.baseUrl());
    }

    private static String head(String method, String path, long contentLength, String... extraLines) {
        StringBuilder sb = new StringBuilder(method)
                .append(' ')
                .append(path)
                .append(" HTTP/1.1\r\nHost: gw\r\n")
                .append("Content-Type: application/json\r\nContent-Length: ")
                .append(contentLength)
                .append("\r\n");
        for (String line : extraLines) {
            sb.append(line).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    /** Sends only a head and reads until the gateway closes; the body it announces never comes. */
    private static String headOnly(String head) throws IOException {
        try (RawHttp c = RawHttp.connect(gateway.port())) {
            return c.send(head).readUntilClose(5000);
        }
    }

    @Test
    void postsWithoutAKey_declaring30MB_are401AtOnce_andDoNotHoldTheBudget() throws Exception {
        // The attack: more connections than the budget has room for, each announcing a huge body.
        List<RawHttp> attackers = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                attackers.add(RawHttp.connect(gateway.port()).send(head("POST", "/v1/chat/completions", 30_000_000)));
            }
            for (RawHttp a : attackers) {
                String r = a.readUntilClose(5000);
                assertTrue(r.startsWith("HTTP/1.1 401"), r);
                assertTrue(r.contains("\"code\":\"invalid_api_key\""), r);
                assertTrue(r.toLowerCase().contains("connection: close"), r);
                assertFalse(r.contains("<<timeout"), "the body is left unread: the connection must close: " + r);
            }
            assertEquals(0, gateway.gateway().bodyBudget().used());
        } finally {
            for (RawHttp a : attackers) {
                a.close();
            }
        }
        assertEquals(
                200,
                gateway.post("/v1/chat/completions", CHAT, "authorization", "Bearer " + KEY)
                        .statusCode());
    }

    @Test
    void expect100Continue_withoutAKey_is401_andNo100Continue() throws Exception {
        String r = headOnly(head("POST", "/v1/chat/completions", 1000, "Expect: 100-continue"));

        assertTrue(r.startsWith("HTTP/1.1 401"), r);
        assertFalse(r.contains("100 Continue"), r);
        assertFalse(r.contains("<<timeout"), r);
    }

    @Test
    void expect100Continue_withAKey_getsContinue_thenTheAnswer() throws Exception {
        try (RawHttp c = RawHttp.connect(gateway.port())) {
            String cont = c.send(head("POST", "/v1/chat/completions", CHAT.length(), AUTH, "Expect: 100-continue"))
                    .readHead();
            String answer = c.send(CHAT).readResponse();

            assertTrue(cont.startsWith("HTTP/1.1 100 Continue"), cont);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        }
    }

    @Test
    void unknownPath_withABody_is404BeforeTheBody() throws Exception {
        String r = headOnly(head("POST", "/v2/nothing/here", 30_000_000, AUTH));

        assertTrue(r.startsWith("HTTP/1.1 404"), r);
        assertTrue(r.contains("\"code\":\"unknown_url\""), r);
        assertFalse(r.contains("<<timeout"), r);
    }

    @Test
    void unknownPath_withoutABody_is404_andTheConnectionStaysUsable() throws Exception {
        try (RawHttp c = RawHttp.connect(gateway.port())) {
            String notFound =
                    c.send("GET /v2/nothing HTTP/1.1\r\nHost: gw\r\n\r\n").readResponse();
            String health = c.send("GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n").readResponse();

            assertTrue(notFound.startsWith("HTTP/1.1 404"), notFound);
            assertTrue(health.startsWith("HTTP/1.1 200"), health);
        }
    }

    @Test
    void gatewayGetPaths_takeOnlyASmallBody() throws Exception {
        String big = headOnly(head("GET", "/healthz", 1_000_000));

        assertTrue(big.startsWith("HTTP/1.1 413"), big);
        assertFalse(big.contains("<<timeout"), big);
    }

    @Test
    void adminPaths_withoutAccess_are401BeforeTheBody() throws Exception {
        String declared = headOnly(head("POST", "/api/config/edit", 30_000_000));
        String chunked;
        try (RawHttp c = RawHttp.connect(gateway.port())) {
            c.send("POST /api/config/edit HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            String chunk = "x".repeat(8192);
            for (int i = 0; i < 3; i++) { // past the 16 KiB that a request without credentials may send
                c.send(Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
            }
            chunked = c.readUntilClose(5000);
        }

        assertTrue(declared.startsWith("HTTP/1.1 401"), declared);
        assertTrue(declared.contains("\"code\":\"admin_unauthorized\""), declared);
        assertFalse(declared.contains("<<timeout"), declared);
        assertTrue(chunked.startsWith("HTTP/1.1 401"), chunked);
        assertFalse(chunked.contains("<<timeout"), chunked);
    }

    @Test
    void adminPaths_withAccess_orPublic_stillWork() throws Exception {
        String body = "{\"token\":\"" + ADMIN_TOKEN + "\"}";
        try (RawHttp c = RawHttp.connect(gateway.port())) {
            String wrongLogin =
                    c.send(RawHttp.post("/api/login", "{\"token\":\"wrong\"}")).readResponse();
            String login = c.send(RawHttp.post("/api/login", body)).readResponse();
            String withToken = c.send(RawHttp.post("/api/config/edit", "{}", "x-admin-token: " + ADMIN_TOKEN))
                    .readResponse();
            // Past the small cap, so admin access is checked on the head: the token lets it through.
            String bigWithToken = c.send(RawHttp.post(
                            "/api/config/edit",
                            "{\"pad\":\"" + "x".repeat(20_000) + "\"}",
                            "x-admin-token: " + ADMIN_TOKEN))
                    .readResponse();

            assertTrue(wrongLogin.startsWith("HTTP/1.1 401"), wrongLogin);
            assertTrue(wrongLogin.contains("invalid_token"), "the login endpoint itself answered: " + wrongLogin);
            assertTrue(login.startsWith("HTTP/1.1 204"), login);
            assertTrue(login.toLowerCase().contains("set-cookie: " + AdminAccess.SESSION_COOKIE), login);
            assertNotEquals(401, Integer.parseInt(withToken.substring(9, 12)), withToken);
            assertNotEquals(401, Integer.parseInt(bigWithToken.substring(9, 12)), bigWithToken);
            assertTrue(bigWithToken.startsWith("HTTP/1.1 "), bigWithToken);
        }
    }

    @Test
    void aRefusalPipelinedBehindARequest_isAnsweredAfterIt() throws Exception {
        upstream.enqueue(Behaviour.chatCompletion("first").withDelay(Duration.ofMillis(200)));
        try (RawHttp c = RawHttp.connect(gateway.port())) {
            c.send(RawHttp.post("/v1/chat/completions", CHAT, AUTH) + head("POST", "/v1/chat/completions", 30_000_000));
            String first = c.readResponse();
            String rest = c.readUntilClose(5000);

            assertTrue(first.startsWith("HTTP/1.1 200") && first.contains("first"), first);
            assertTrue(rest.startsWith("HTTP/1.1 401"), rest);
            assertFalse(rest.contains("<<timeout"), rest);
        }
    }

    @Test
    void aFinishedRequest_refundsOnlyItsOwnBody_notThoseQueuedBehindIt() throws Exception {
        try (MockUpstream up = MockUpstream.start();
                TestGateway g = TestGateway.start(config(up))) {
            up.enqueue(Behaviour.chatCompletion("first"), Behaviour.stall());
            String second = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(50_000)
                    + "\"}]}";
            try (RawHttp c = RawHttp.connect(g.port())) {
                // Both in one write: the second waits in the connection's queue while the first is answered.
                c.send(RawHttp.post("/v1/chat/completions", CHAT, AUTH)
                        + RawHttp.post("/v1/chat/completions", second, AUTH));
                assertNotNull(up.takeRequest(Duration.ofSeconds(10)));
                assertNotNull(up.takeRequest(Duration.ofSeconds(10)), "the second request reached the provider");

                // The first is answered; the second, now at the provider, still holds its body in the budget.
                assertEquals(
                        second.getBytes(StandardCharsets.UTF_8).length,
                        g.gateway().bodyBudget().used());
            }
        }
    }
}
