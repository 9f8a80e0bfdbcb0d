package io.llmgateway.server;

import static java.util.Objects.requireNonNull;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;

/**
 * Decides who may use the gateway's management paths (admin API and page, metrics). With
 * {@code admin.token} set, a request must carry it as {@code Authorization: Bearer <token>} or
 * {@code x-admin-token}, or carry the session cookie a {@link #login login} with the token set; without
 * a token, only clients on this machine are let in (and only under a local host name, so a web page
 * that rebinds its own host name to 127.0.0.1 gets nothing), so a fresh install is never an open
 * admin console.
 */
public final class AdminAccess {
    /** The session cookie's name; its value is a random session id, never the token. */
    public static final String SESSION_COOKIE = "llmgw_admin";

    private final Gateway gateway;
    private final AdminSessions sessions = new AdminSessions();

    AdminAccess(Gateway gateway) {
        this.gateway = gateway;
    }

    /** Whether admin access is protected by a token (else: loopback only). */
    public boolean hasToken() {
        return gateway.config().admin().token() != null;
    }

    public boolean permits(LocalExchange exchange) {
        return permits(exchange.request(), exchange.fromLoopback());
    }

    /** Whether a request head carries admin access; the request guard asks before a body is read. */
    boolean permits(HttpRequest head, boolean fromLoopback) {
        String token = gateway.config().admin().token();
        if (token == null) {
            return fromLoopback && localHost(head.headers().get(HttpHeaderNames.HOST));
        }
        if (matches(token, Credentials.bearer(head.headers().get(HttpHeaderNames.AUTHORIZATION)))
                || matches(token, head.headers().get("x-admin-token"))) {
            return true;
        }
        String sid = sessionId(head);
        return sid != null && sessions.valid(sid, token, gateway.clock().millis());
    }

    /** True when failed logins came too fast; answer 429 without looking at the presented token. */
    public boolean loginThrottled() {
        return sessions.throttled(gateway.clock().millis());
    }

    /**
     * Opens a session when {@code presentedToken} is the admin token.
     *
     * @return the session id for {@link #sessionCookie}, or null when no token is configured or it does
     *         not match (the failure counts toward {@link #loginThrottled})
     */
    public String login(String presentedToken) {
        String token = gateway.config().admin().token();
        long now = gateway.clock().millis();
        if (token == null || !matches(token, presentedToken)) {
            if (token != null) {
                sessions.failed(now);
            }
            return null;
        }
        return sessions.open(token, now);
    }

    /** Ends the session of the request's cookie, if any. */
    public void logout(LocalExchange exchange) {
        String sid = sessionId(exchange.request());
        if (sid != null) {
            sessions.close(sid);
        }
    }

    /**
     * The {@code Set-Cookie} value for a new session: HttpOnly (no script reads it), SameSite=Strict
     * (no other site's page sends it), for every path of this gateway.
     */
    public String sessionCookie(String sessionId) {
        requireNonNull(sessionId, "sessionId");
        return SESSION_COOKIE + '=' + sessionId + "; Path=/; HttpOnly; SameSite=Strict; Max-Age="
                + AdminSessions.TTL_MILLIS / 1000;
    }

    /** The {@code Set-Cookie} value that deletes the session cookie. */
    public String expiredSessionCookie() {
        return SESSION_COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
    }

    /** Open sessions (for tests). */
    int sessions() {
        return sessions.size();
    }

    /** Compares in constant time, so response timing does not reveal how much of a guess was right. */
    public static boolean matches(String expected, String presented) {
        if (presented == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    private static String sessionId(HttpRequest request) {
        List<String> headers = request.headers().getAll(HttpHeaderNames.COOKIE);
        for (String header : headers) {
            for (Cookie c : ServerCookieDecoder.LAX.decode(header)) {
                if (SESSION_COOKIE.equals(c.name()) && !c.value().isEmpty()) {
                    return c.value();
                }
            }
        }
        return null;
    }

    /**
     * Whether a Host header names this machine. Absent (HTTP/1.0) passes: browsers, the only clients a
     * rebinding attack can use, always send one.
     */
    static boolean localHost(String host) {
        if (host == null) {
            return true;
        }
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 && h.substring(1, end).equals("::1");
        }
        int colon = h.indexOf(':');
        if (colon >= 0) {
            h = h.substring(0, colon);
        }
        return h.equals("localhost") || h.endsWith(".localhost") || h.startsWith("127.") && isDottedQuad(h);
    }

    private static boolean isDottedQuad(String h) {
        String[] parts = h.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.length() > 3 || !AsciiDigits.only(p)) {
                return false;
            }
        }
        return true;
    }

    /** The answer to a refused request: 401 in OpenAI's shape, without saying what would have worked. */
    public void refuse(LocalExchange exchange) {
        exchange.respondError(401, hasToken()
                ? "Admin access requires the admin token (Authorization: Bearer <admin.token>) or a login."
                : "Admin access is only allowed from this machine until admin.token is set in the config.",
                null, "admin_unauthorized");
    }
}
