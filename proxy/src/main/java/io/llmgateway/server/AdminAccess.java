package io.llmgateway.server;

import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Decides who may use the gateway's management paths (admin API and page, metrics). With
 * {@code admin.token} set, a request must carry it as {@code Authorization: Bearer <token>} or
 * {@code x-admin-token}; without one, only clients on this machine are let in, so a fresh install is
 * never an open admin console.
 */
public final class AdminAccess {
    private final Gateway gateway;

    AdminAccess(Gateway gateway) {
        this.gateway = gateway;
    }

    /** Whether admin access is protected by a token (else: loopback only). */
    public boolean hasToken() {
        return gateway.config().admin().token() != null;
    }

    public boolean permits(LocalExchange exchange) {
        String token = gateway.config().admin().token();
        if (token == null) {
            return exchange.fromLoopback();
        }
        return matches(token, bearer(exchange.request().headers().get(HttpHeaderNames.AUTHORIZATION)))
                || matches(token, exchange.request().headers().get("x-admin-token"));
    }

    /** Compares in constant time, so response timing does not reveal how much of a guess was right. */
    public static boolean matches(String expected, String presented) {
        if (presented == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    private static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).trim();
    }

    /** The answer to a refused request: 401 in OpenAI's shape, without saying what would have worked. */
    public void refuse(LocalExchange exchange) {
        exchange.respondError(401, hasToken()
                ? "Admin access requires the admin token (Authorization: Bearer <admin.token>)."
                : "Admin access is only allowed from this machine until admin.token is set in the config.",
                null, "admin_unauthorized");
    }
}
