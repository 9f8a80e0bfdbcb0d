package io.llmgateway.admin;

import io.llmgateway.server.Credentials;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/*
 * Design notes
 * - The cookie carries a random id (256 bits from SecureRandom), never the token: a stolen cookie dies
 *   with its session, and the token never sits in a browser.
 * - Each session remembers a fingerprint (SHA-256) of the token it was opened with and is only valid
 *   while the configured token is the same, so changing admin.token logs every browser out.
 * - Sessions live in this process only (a restart logs everyone out); the map is bounded, the oldest
 *   session makes room for a new one. Admin traffic is tiny, so one monitor guards everything.
 * - Failed logins are counted with every other failed admin credential, per address (AuthFailures).
 */
final class AdminSessions {
    static final long TTL_MILLIS = 12 * 3600_000L;
    static final int MAX_SESSIONS = 256;

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new LinkedHashMap<>();

    private record Session(byte[] tokenFingerprint, long expiresAt) {}

    /** A new session for {@code token}; the returned id goes into the cookie. */
    synchronized String open(String token, long now) {
        expire(now);
        if (sessions.size() >= MAX_SESSIONS) {
            Iterator<String> oldest = sessions.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        byte[] id = new byte[32];
        random.nextBytes(id);
        String sid = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        sessions.put(sid, new Session(fingerprint(token), now + TTL_MILLIS));
        return sid;
    }

    /** Whether {@code sid} names a live session opened with {@code token}. */
    synchronized boolean valid(String sid, String token, long now) {
        Session s = sessions.get(sid);
        if (s == null) {
            return false;
        }
        if (s.expiresAt <= now) {
            sessions.remove(sid);
            return false;
        }
        return MessageDigest.isEqual(s.tokenFingerprint, fingerprint(token));
    }

    synchronized void close(String sid) {
        sessions.remove(sid);
    }

    synchronized int size() {
        return sessions.size();
    }

    private void expire(long now) {
        sessions.values().removeIf(s -> s.expiresAt <= now);
    }

    private static byte[] fingerprint(String token) {
        return Credentials.sha256(token);
    }
}
