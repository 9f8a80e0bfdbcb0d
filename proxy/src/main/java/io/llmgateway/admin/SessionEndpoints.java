package io.llmgateway.admin;

import static java.util.Objects.requireNonNull;

import io.llmgateway.server.AccessVerdict;
import io.llmgateway.server.LocalExchange;
import io.llmgateway.util.JsonValues;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.Map;

/**
 * Login, logout and the session probe, and the refusals of a call without access. They touch nothing but
 * the sessions and the failure counts, so they answer on the event loop.
 */
final class SessionEndpoints {
    private final AdminAccess access;

    SessionEndpoints(AdminAccess access) {
        this.access = requireNonNull(access, "access");
    }

    AdminReply session(LocalExchange exchange) {
        AccessVerdict verdict = access.check(exchange);
        if (verdict.outcome() == AccessVerdict.Outcome.THROTTLED) {
            return refusal(exchange, verdict, null);
        }
        boolean permitted = verdict.allowed();
        boolean tokenRequired = access.hasToken();
        return new AdminReply(
                200,
                JsonValues.write(g -> {
                    g.writeStartObject();
                    g.writeBooleanField("authenticated", permitted);
                    g.writeBooleanField("token_required", tokenRequired);
                    g.writeEndObject();
                }),
                permitted ? Map.of() : staleCookie(exchange));
    }

    AdminReply login(LocalExchange exchange) {
        if (!access.hasToken()) {
            return AdminReply.error(
                    400,
                    "no_token_configured",
                    "There is nothing to log in to: admin.token is not set,"
                            + " so the admin page is open to this machine only.");
        }
        Object token;
        try {
            token = Json.parseObject(exchange.body()).get("token");
        } catch (Json.BadJson e) {
            return AdminReply.error(400, "invalid_request", e.getMessage());
        }
        // A missing or non-string token is checked (and fails) like a wrong one.
        AdminAccess.Login login = access.login(exchange, token instanceof String t ? t : null);
        return switch (login.verdict().outcome()) {
            case ALLOWED ->
                new AdminReply(
                        204, "", Map.of("set-cookie", access.sessionCookie(login.sessionId(), exchange.overTls())));
            case THROTTLED -> refusal(exchange, login.verdict(), null);
            case REFUSED -> AdminReply.error(401, "invalid_token", "Wrong admin token.");
        };
    }

    /**
     * 429 with Retry-After for a throttled address; else 401 with {@code code}, deleting a session cookie
     * that did not work, so that a browser stops presenting it (each try would count as a failure).
     */
    AdminReply refusal(LocalExchange exchange, AccessVerdict verdict, String code) {
        if (verdict.outcome() == AccessVerdict.Outcome.THROTTLED) {
            return new AdminReply(
                    429,
                    AdminHttp.errorJson(429, "too_many_attempts", verdict.message(), null, null),
                    Map.of("retry-after", Long.toString(verdict.retryAfterSeconds())));
        }
        return new AdminReply(
                401, AdminHttp.errorJson(401, code, verdict.message(), null, null), staleCookie(exchange));
    }

    private Map<String, String> staleCookie(LocalExchange exchange) {
        return exchange.request().headers().contains(HttpHeaderNames.COOKIE)
                ? Map.of("set-cookie", access.expiredSessionCookie())
                : Map.of();
    }

    AdminReply logout(LocalExchange exchange) {
        access.logout(exchange);
        return new AdminReply(204, "", Map.of("set-cookie", access.expiredSessionCookie()));
    }
}
