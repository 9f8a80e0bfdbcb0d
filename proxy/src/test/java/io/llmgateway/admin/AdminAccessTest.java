package io.llmgateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import org.junit.jupiter.api.Test;

class AdminAccessTest {

    @Test
    void localHost_acceptsOnlyNamesOfThisMachine() {
        for (String ok : new String[] {
            null,
            "localhost",
            "LOCALHOST:8100",
            "127.0.0.1",
            "127.0.0.1:8100",
            "127.1.2.3",
            "[::1]",
            "[::1]:8100",
            "admin.localhost:8100"
        }) {
            assertTrue(AdminAccess.localHost(ok), ok);
        }
        for (String bad : new String[] {
            "evil.example",
            "127.0.0.1.evil.example",
            "localhost.evil.example",
            "10.0.0.1:8100",
            "[::2]",
            "[::1",
            "0.0.0.0",
            "127.evil"
        }) {
            assertFalse(AdminAccess.localHost(bad), bad);
        }
    }

    @Test
    void sessions_areRandomBoundToTheTokenAndExpire() {
        AdminSessions sessions = new AdminSessions();
        String a = sessions.open("token-1", 0);
        String b = sessions.open("token-1", 0);
        assertNotEquals(a, b);
        assertEquals(43, a.length(), "256 bits, base64url");
        assertTrue(sessions.valid(a, "token-1", 1000));
        assertFalse(sessions.valid(a, "token-2", 1000), "a new token ends old sessions");
        assertFalse(sessions.valid("guess", "token-1", 1000));
        assertFalse(sessions.valid(b, "token-1", AdminSessions.TTL_MILLIS), "expired");
        sessions.close(a);
        assertFalse(sessions.valid(a, "token-1", 1000));
    }

    @Test
    void sessions_bounded_oldestMakesRoom() {
        AdminSessions sessions = new AdminSessions();
        String first = sessions.open("t", 0);
        for (int i = 1; i < AdminSessions.MAX_SESSIONS; i++) {
            sessions.open("t", 0);
        }
        assertTrue(sessions.valid(first, "t", 1));
        sessions.open("t", 0);
        assertEquals(AdminSessions.MAX_SESSIONS, sessions.size());
        assertFalse(sessions.valid(first, "t", 1));
    }

    @Test
    void proxied_anyForwardingHeader() {
        for (String name : new String[] {
            "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Real-IP", "Via"
        }) {
            assertTrue(AdminAccess.proxied(new DefaultHttpHeaders().add(name, "127.0.0.1")), name);
        }
        assertFalse(AdminAccess.proxied(new DefaultHttpHeaders().add("Host", "127.0.0.1:8100")));
    }
}
