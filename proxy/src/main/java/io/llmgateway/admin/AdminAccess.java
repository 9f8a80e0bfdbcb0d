package io.llmgateway.admin;

import static java.util.Objects.requireNonNull;

import io.llmgateway.openai.OpenAiErrors;
import io.llmgateway.server.AccessVerdict;
import io.llmgateway.server.Credentials;
import io.llmgateway.server.Gateway;
import io.llmgateway.server.LocalExchange;
import io.llmgateway.server.ManagementAccess;
import io.llmgateway.util.AsciiDigits;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Decides who may use the gateway's management paths (admin API and page, metrics). With
 * {@code admin.token} set, a request must carry it as {@code Authorization: Bearer <token>} or
 * {@code x-admin-token}, or carry the session cookie a {@link #login login} with the token set; without
 * a token, only clients on this machine are let in (and only under a local host name, so a web page
 * that rebinds its own host name to 127.0.0.1 gets nothing, and only directly, not through a proxy), so
 * a fresh install is never an open admin console.
 *
 * <p>Every presented credential that is wrong counts as a failure of the client's address (see
 * {@link AuthFailures}); an address with too many failures is answered 429 with Retry-After, without its
 * credentials being looked at. A request that presents nothing is not an attempt and is not counted.
 */
public final class AdminAccess implements ManagementAccess {
    private static final Logger LOG = LogManager.getLogger(AdminAccess.class);
    /** The session cookie's name; its value is a random session id, never the token. */
    public static final String SESSION_COOKIE = "llmgw_admin";
    /** Headers a reverse proxy adds: to the gateway, a proxied visitor looks like a local client. */
    private static final List<String> PROXY_HEADERS =
            List.of("forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip", "via");

    private static final AccessVerdict NEEDS_TOKEN =
            refused("Admin access requires the admin token (Authorization: Bearer <admin.token>) or a login.");
    private static final AccessVerdict LOCAL_ONLY =
            refused("Admin access is only allowed from this machine until admin.token is set in the config.");
    private static final AccessVerdict PROXIED = refused("Admin access through a proxy requires admin.token to be set"
            + " in the config; without it, only direct clients on this machine are let in.");

    private static AccessVerdict refused(String message) {
        return new AccessVerdict(AccessVerdict.Outcome.REFUSED, message, 0);
    }

    static AccessVerdict throttled(long waitMillis) {
        long seconds = Math.max(1, (waitMillis + 999) / 1000);
        return new AccessVerdict(
                AccessVerdict.Outcome.THROTTLED,
                "Too many failed admin authentications from this" + " address; retry in " + seconds + " s.",
                seconds);
    }

    /** The outcome of a login: the verdict, and the new session's id when it is ALLOWED. */
    public record Login(AccessVerdict verdict, String sessionId) {}

    private final Gateway gateway;
    private final AdminSessions sessions = new AdminSessions();
    private final AuthFailures failures;

    AdminAccess(Gateway gateway) {
        this.gateway = gateway;
        this.failures = new AuthFailures(() -> gateway.clock().millis());
    }

    /** Whether admin access is protected by a token (else: loopback only). */
    public boolean hasToken() {
        return gateway.config().admin().token() != null;
    }

    /**
     * Checks a request's credentials. A wrong credential counts as a failure of {@code peer}: call this
     * once per request.
     *
     * @param headers the request's headers
     * @param peer    the client's address (the connection's remote address), or null when it has none
     * @param path    the request's path, for the log
     */
    @Override
    public AccessVerdict check(HttpHeaders headers, InetAddress peer, String path) {
        String token = gateway.config().admin().token();
        if (token == null) {
            if (proxied(headers)) {
                return PROXIED;
            }
            return peer != null && peer.isLoopbackAddress() && localHost(headers.get(HttpHeaderNames.HOST))
                    ? AccessVerdict.ALLOWED
                    : LOCAL_ONLY;
        }
        String sid = sessionId(headers);
        // A live session passes even while its address waits: its id is 256 random bits, nothing a guess
        // finds, and an admin signed in behind the same address (a NAT, a reverse proxy) keeps working.
        if (sid != null && sessions.valid(sid, token, gateway.clock().millis())) {
            return AccessVerdict.ALLOWED;
        }
        String bearer = Credentials.bearer(headers.get(HttpHeaderNames.AUTHORIZATION));
        String header = headers.get("x-admin-token");
        if (bearer == null && header == null && sid == null) {
            return NEEDS_TOKEN; // nothing presented, nothing guessed
        }
        AuthFailures.Attempt attempt = failures.attempt(peer, () -> matches(token, bearer) || matches(token, header));
        return verdict(attempt, peer, path, presented(bearer, header, sid), NEEDS_TOKEN);
    }

    /**
     * {@link #check(HttpHeaders, InetAddress, String)} for a local exchange; the verdict the request guard
     * reached on the head when it checked there, so that no request counts twice.
     */
    public AccessVerdict check(LocalExchange exchange) {
        AccessVerdict onHead = exchange.headVerdict();
        if (onHead != null) {
            return onHead;
        }
        return check(exchange.request().headers(), exchange.remoteAddress(), exchange.path());
    }

    /** Whether the exchange's credentials let it in; answers a refused or throttled one (see refuse). */
    public boolean admit(LocalExchange exchange) {
        AccessVerdict verdict = check(exchange);
        if (!verdict.allowed()) {
            refuse(exchange, verdict);
        }
        return verdict.allowed();
    }

    /** Whether the exchange's credentials let it in (a refused or throttled one is not); counts like check. */
    public boolean permits(LocalExchange exchange) {
        return check(exchange).allowed();
    }

    /**
     * Opens a session when {@code presentedToken} is the admin token. A wrong or missing token counts as a
     * failure of the client's address, like any other admin credential.
     *
     * @return ALLOWED with the session id for {@link #sessionCookie}, REFUSED (also when no token is
     *         configured) or THROTTLED
     */
    public Login login(LocalExchange exchange, String presentedToken) {
        String token = gateway.config().admin().token();
        if (token == null) {
            return new Login(NEEDS_TOKEN, null);
        }
        InetAddress peer = exchange.remoteAddress();
        AuthFailures.Attempt attempt = failures.attempt(peer, () -> matches(token, presentedToken));
        AccessVerdict verdict = verdict(attempt, peer, exchange.path(), "login", NEEDS_TOKEN);
        return new Login(
                verdict,
                verdict.allowed() ? sessions.open(token, gateway.clock().millis()) : null);
    }

    private AccessVerdict verdict(
            AuthFailures.Attempt attempt, InetAddress peer, String path, String presented, AccessVerdict refusal) {
        switch (attempt.result()) {
            case PASSED:
                return AccessVerdict.ALLOWED;
            case WAIT:
                return throttled(attempt.waitMillis());
            default:
                // Says which kind of credential failed, never its value.
                LOG.warn(
                        "admin: failed authentication from {} on {} ({}); {} failure(s) from this address in the"
                                + " last {} min{}",
                        peer == null ? "an unknown address" : peer.getHostAddress(),
                        printable(path),
                        presented,
                        attempt.failures(),
                        AuthFailures.WINDOW_MILLIS / 60_000,
                        attempt.waitMillis() > 0
                                ? "; its next attempt is refused for "
                                        + throttled(attempt.waitMillis()).retryAfterSeconds() + " s"
                                : "");
                return refusal;
        }
    }

    /** Ends the session of the request's cookie, if any. */
    public void logout(LocalExchange exchange) {
        String sid = sessionId(exchange.request().headers());
        if (sid != null) {
            sessions.close(sid);
        }
    }

    /**
     * The {@code Set-Cookie} value for a new session: HttpOnly (no script reads it), SameSite=Strict
     * (no other site's page sends it), for every path of this gateway; Secure when the session was made
     * over TLS, so that the browser never sends it in clear (e.g. to the plain port).
     */
    public String sessionCookie(String sessionId, boolean overTls) {
        requireNonNull(sessionId, "sessionId");
        return SESSION_COOKIE + '=' + sessionId + "; Path=/; HttpOnly; SameSite=Strict;" + (overTls ? " Secure;" : "")
                + " Max-Age=" + AdminSessions.TTL_MILLIS / 1000;
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
        return MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }

    private static String sessionId(HttpHeaders headers) {
        for (String header : headers.getAll(HttpHeaderNames.COOKIE)) {
            for (Cookie c : ServerCookieDecoder.LAX.decode(header)) {
                if (SESSION_COOKIE.equals(c.name()) && !c.value().isEmpty()) {
                    return c.value();
                }
            }
        }
        return null;
    }

    private static String presented(String bearer, String header, String sid) {
        StringBuilder b = new StringBuilder();
        if (bearer != null) {
            b.append("Authorization: Bearer");
        }
        if (header != null) {
            b.append(b.isEmpty() ? "" : ", ").append("x-admin-token");
        }
        if (sid != null) {
            b.append(b.isEmpty() ? "" : ", ").append("session cookie");
        }
        return b.toString();
    }

    /** Whether a request came through a proxy that says so. */
    static boolean proxied(HttpHeaders headers) {
        for (String name : PROXY_HEADERS) {
            if (headers.contains(name)) {
                return true;
            }
        }
        return false;
    }

    /** A path fit for one log line: control characters replaced, length capped. */
    private static String printable(String path) {
        String p = path.length() > 200 ? path.substring(0, 200) + "..." : path;
        StringBuilder b = new StringBuilder(p.length());
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
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

    /** The answer to a refused request: 401, or 429 with Retry-After, in OpenAI's shape. */
    public void refuse(LocalExchange exchange, AccessVerdict verdict) {
        if (verdict.outcome() == AccessVerdict.Outcome.THROTTLED) {
            FullHttpResponse r = OpenAiErrors.response(
                    exchange.ctx().alloc(),
                    HttpResponseStatus.TOO_MANY_REQUESTS,
                    OpenAiErrors.typeFor(429),
                    verdict.message(),
                    null,
                    "too_many_attempts");
            r.headers().set(HttpHeaderNames.RETRY_AFTER, verdict.retryAfterSeconds());
            exchange.respond(r);
        } else {
            exchange.respondError(401, verdict.message(), null, "admin_unauthorized");
        }
    }
}
