package io.llmgateway.admin;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.ConfigException;
import io.llmgateway.util.JsonValues;
import io.llmgateway.observe.AttemptRecord;
import io.llmgateway.observe.RequestRecord;
import io.llmgateway.server.AccessVerdict;
import io.llmgateway.server.Gateway;
import io.llmgateway.server.LocalExchange;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/*
 * Design notes
 * - The event loop only checks the request (CSRF rules, size, access) and copies what a handler needs;
 *   every handler runs on the single admin thread (file I/O, config edits, statistics), and its reply is
 *   handed back to the connection's own event loop, the only thread allowed to answer an exchange.
 * - Login, logout and the session probe are the exception: they touch nothing but the session map and
 *   the failure counts, and answer at once.
 * - The session probe counts like any other check: a wrong credential is a failure of the address, and a
 *   throttled address gets 429 instead of an answer, so it is no faster oracle than the API itself.
 * - CSRF: a state-changing call must be a POST with Content-Type application/json (a cross-site form
 *   cannot send that, and a cross-site fetch needs a CORS preflight this gateway never approves), must
 *   not come from another origin (Origin, Sec-Fetch-Site), and the session cookie is SameSite=Strict.
 * - Every call still unanswered when the gateway closes gets 503, so no exchange (and no buffer) is
 *   left behind.
 */
/** The admin JSON API under {@code /api/}. */
final class AdminApi implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(AdminApi.class);
    static final int MAX_BODY_BYTES = 256 * 1024;
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 200;

    /** What a handler needs, copied from the request on its event loop. */
    record Call(String body, Map<String, String> query, String ifMatch) {
        long queryLong(String name, long defaultValue) {
            String v = query.get(name);
            if (v == null) {
                return defaultValue;
            }
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                return defaultValue;
            }
        }
    }

    /** A handler's answer. */
    record Reply(int status, String json, Map<String, String> headers) {
        static Reply ok(String json) {
            return new Reply(200, json, Map.of());
        }

        static Reply error(int status, String code, String message) {
            return new Reply(status, AdminHttp.errorJson(status, code, message, null, null), Map.of());
        }
    }

    @FunctionalInterface
    private interface Handler {
        CompletionStage<Reply> handle(Call call) throws Exception;
    }

    private record Route(HttpMethod method, Handler handler) {
    }

    /** One dispatched exchange, answered exactly once. */
    private static final class Pending {
        final LocalExchange exchange;
        final AtomicBoolean answered = new AtomicBoolean();

        Pending(LocalExchange exchange) {
            this.exchange = exchange;
        }
    }

    private final Gateway gateway;
    private final AdminAccess access;
    private final Executor adminThread;
    private final ConfigStore store;
    private final TrafficStats stats;
    private final RecordFeed feed;
    private final HealthChecker health;
    private final SeqRing<AdminError> errors;
    private final StatusView view;
    private final LongSupplier clock;
    private final Map<String, Route> routes = new LinkedHashMap<>();
    private final Set<Pending> pending = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    AdminApi(Gateway gateway, AdminAccess access, Executor adminThread, ConfigStore store, TrafficStats stats,
            RecordFeed feed, HealthChecker health, SeqRing<AdminError> errors, LongSupplier clock) {
        this.gateway = requireNonNull(gateway, "gateway");
        this.access = requireNonNull(access, "access");
        this.adminThread = requireNonNull(adminThread, "adminThread");
        this.store = requireNonNull(store, "store");
        this.stats = requireNonNull(stats, "stats");
        this.feed = requireNonNull(feed, "feed");
        this.health = requireNonNull(health, "health");
        this.errors = requireNonNull(errors, "errors");
        this.clock = requireNonNull(clock, "clock");
        this.view = new StatusView(gateway, access, store, stats, health, feed);
        routes.put("/api/status", new Route(HttpMethod.GET, c -> done(Reply.ok(view.status(clock.getAsLong())))));
        // GET /api/usage (requests, tokens, errors per provider and model over time) is UsageEndpoint.
        routes.put("/api/config", new Route(HttpMethod.GET, this::config));
        routes.put("/api/config/edit", new Route(HttpMethod.POST, this::edit));
        routes.put("/api/config/reload", new Route(HttpMethod.POST, this::reload));
        routes.put("/api/health-check", new Route(HttpMethod.POST, this::healthCheck));
        routes.put("/api/reset", new Route(HttpMethod.POST, this::reset));
        routes.put("/api/errors", new Route(HttpMethod.GET, this::recentErrors));
        routes.put("/api/requests", new Route(HttpMethod.GET, this::recentRequests));
    }

    /** Entry point on the event loop for every path under {@code /api/}. */
    void handle(LocalExchange exchange) {
        HttpMethod method = exchange.method() == HttpMethod.HEAD ? HttpMethod.GET : exchange.method();
        boolean stateChanging = method != HttpMethod.GET;
        if (stateChanging) {
            Reply refusal = csrfRefusal(exchange);
            if (refusal != null) {
                respondNow(exchange, refusal);
                return;
            }
        }
        if (exchange.request().content().readableBytes() > MAX_BODY_BYTES) {
            respondNow(exchange, Reply.error(413, "body_too_large",
                    "Admin requests are limited to " + MAX_BODY_BYTES / 1024 + " KiB."));
            return;
        }
        String path = exchange.path();
        switch (path) {
            case "/api/session" -> {
                respondNow(exchange, method == HttpMethod.GET ? session(exchange) : notAllowed(HttpMethod.GET));
                return;
            }
            case "/api/login" -> {
                respondNow(exchange, method == HttpMethod.POST ? login(exchange) : notAllowed(HttpMethod.POST));
                return;
            }
            case "/api/logout" -> {
                respondNow(exchange, method == HttpMethod.POST ? logout(exchange) : notAllowed(HttpMethod.POST));
                return;
            }
            default -> {
                // below
            }
        }
        AccessVerdict verdict = access.check(exchange);
        if (!verdict.allowed()) {
            respondNow(exchange, refusal(exchange, verdict, "admin_unauthorized"));
            return;
        }
        Route route = routes.get(path);
        if (route == null) {
            respondNow(exchange, Reply.error(404, "not_found", "Unknown admin API path: " + path));
            return;
        }
        if (route.method != method) {
            respondNow(exchange, notAllowed(route.method));
            return;
        }
        Map<String, String> query = new LinkedHashMap<>();
        for (String name : List.of("since", "limit")) {
            String v = exchange.queryParam(name);
            if (v != null) {
                query.put(name, v);
            }
        }
        dispatch(exchange, route.handler, new Call(exchange.body(), query,
                exchange.request().headers().get(HttpHeaderNames.IF_MATCH)));
    }

    // ---- handlers (admin thread)

    private CompletionStage<Reply> config(Call call) {
        return done(new Reply(200, ConfigView.json(store), Map.of("etag", etag(store.version()))));
    }

    private CompletionStage<Reply> edit(Call call) throws Json.BadJson {
        Map<String, Object> body = Json.parseObject(call.body);
        Long expected = expectedVersion(call.ifMatch, body.get("version"));
        if (expected == null) {
            return done(Reply.error(428, "version_required", "Name the config version this change was made on:"
                    + " If-Match: \"v<version>\" or \"version\" in the body (GET /api/config returns it)."));
        }
        try {
            ConfigStore.Outcome outcome = store.edit(expected, body.get("changes"));
            LOG.info("admin: configuration changed from the admin page (version {})", outcome.version());
            return done(new Reply(200, outcomeJson(outcome), Map.of("etag", etag(outcome.version()))));
        } catch (ConfigStore.Conflict e) {
            return done(new Reply(409, AdminHttp.errorJson(409, e.code(), e.getMessage(), null,
                    Map.of("version", store.version())), Map.of()));
        } catch (ConfigEdits.BadEdit e) {
            return done(Reply.error(400, "invalid_change", e.getMessage()));
        } catch (ConfigException e) {
            return done(new Reply(422, AdminHttp.errorJson(422, "invalid_config",
                    "The change was rejected: the configuration would not be valid. Nothing was changed.",
                    e.problems(), Map.of("version", store.version())), Map.of()));
        } catch (IOException e) {
            LOG.error("admin: cannot write {}: {}", store.fileName(), e.toString());
            return done(Reply.error(500, "write_failed", "Cannot write " + store.fileName() + " ("
                    + e.getClass().getSimpleName() + "). Nothing was changed."));
        }
    }

    private CompletionStage<Reply> reload(Call call) {
        try {
            ConfigStore.Outcome outcome = store.reload();
            LOG.info("admin: configuration reloaded from {} (version {})", store.fileName(), outcome.version());
            return done(new Reply(200, outcomeJson(outcome), Map.of("etag", etag(outcome.version()))));
        } catch (IllegalStateException e) {
            return done(Reply.error(409, "not_persisted", e.getMessage()));
        } catch (ConfigException e) {
            errors.add(new AdminError(clock.getAsLong(), "config", null, null, 0, "invalid_config",
                    "reload of " + store.fileName() + " rejected: " + e.problems().get(0)
                            + (e.problems().size() > 1 ? " (and " + (e.problems().size() - 1) + " more)" : ""),
                    null));
            return done(new Reply(422, AdminHttp.errorJson(422, "invalid_config", store.fileName()
                    + " is not valid; the running configuration is unchanged.", e.problems(),
                    Map.of("version", store.version())), Map.of()));
        } catch (IOException e) {
            return done(Reply.error(500, "read_failed", "Cannot read " + store.fileName() + " ("
                    + e.getClass().getSimpleName() + ")."));
        }
    }

    private CompletionStage<Reply> healthCheck(Call call) throws Json.BadJson {
        Map<String, Object> body = Json.parseObject(call.body.isBlank() ? "{}" : call.body);
        Object provider = body.get("provider");
        Object model = body.get("model");
        if (provider != null && !(provider instanceof String) || model != null && !(model instanceof String)) {
            return done(Reply.error(400, "invalid_request", "provider and model must be names"));
        }
        if (provider == null) {
            return health.checkAll().thenApply(results -> Reply.ok(StatusView.healthList(results)));
        }
        try {
            return health.check((String) provider, (String) model)
                    .thenApply(r -> Reply.ok(JsonValues.write(g -> StatusView.writeHealth(g, r))));
        } catch (IllegalArgumentException e) {
            return done(Reply.error(404, "not_found", e.getMessage()));
        }
    }

    private CompletionStage<Reply> reset(Call call) throws Json.BadJson {
        Map<String, Object> body = Json.parseObject(call.body.isBlank() ? "{}" : call.body);
        Object provider = body.get("provider");
        if (provider == null) {
            gateway.router().reset();
            LOG.info("admin: every provider's limits and circuit reset");
            return done(Reply.ok("{\"reset\":\"all\"}"));
        }
        if (!(provider instanceof String name) || !gateway.router().reset(name)) {
            return done(Reply.error(404, "not_found", "no provider \"" + provider + '"'));
        }
        LOG.info("admin: limits and circuit of provider {} reset", name);
        return done(Reply.ok(JsonValues.write(g -> {
            g.writeStartObject();
            g.writeStringField("reset", name);
            g.writeEndObject();
        })));
    }

    private CompletionStage<Reply> recentErrors(Call call) {
        List<SeqRing.Entry<AdminError>> list = errors.newerThan(call.queryLong("since", 0), limit(call));
        return done(Reply.ok(JsonValues.write(g -> {
            g.writeStartObject();
            g.writeNumberField("last_seq", errors.lastSeq());
            g.writeArrayFieldStart("errors");
            for (SeqRing.Entry<AdminError> e : list) {
                AdminError a = e.item();
                g.writeStartObject();
                g.writeNumberField("seq", e.seq());
                g.writeNumberField("at", a.atMillis());
                g.writeStringField("source", a.source());
                Json.field(g, "model", a.model());
                Json.field(g, "provider", a.provider());
                g.writeNumberField("status", a.status());
                Json.field(g, "type", a.type());
                Json.field(g, "message", a.message());
                Json.field(g, "request_id", a.requestId());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        })));
    }

    private CompletionStage<Reply> recentRequests(Call call) {
        List<SeqRing.Entry<RequestRecord>> list = stats.recent(call.queryLong("since", 0), limit(call));
        return done(Reply.ok(JsonValues.write(g -> {
            g.writeStartObject();
            g.writeNumberField("last_seq", stats.lastRequestSeq());
            g.writeArrayFieldStart("requests");
            for (SeqRing.Entry<RequestRecord> e : list) {
                RequestRecord r = e.item();
                g.writeStartObject();
                g.writeNumberField("seq", e.seq());
                g.writeNumberField("at", r.startEpochMillis());
                Json.field(g, "request_id", r.requestId());
                Json.field(g, "path", r.path());
                Json.field(g, "model", r.modelAsked());
                Json.field(g, "model_used", r.modelUsed());
                Json.field(g, "provider", r.provider());
                g.writeNumberField("status", r.status());
                g.writeBooleanField("stream", r.stream());
                g.writeNumberField("latency_ms", r.totalMillis());
                g.writeNumberField("first_byte_ms", r.firstByteMillis());
                g.writeNumberField("prompt_tokens", r.promptTokens());
                g.writeNumberField("completion_tokens", r.completionTokens());
                g.writeNumberField("total_tokens", r.totalTokens());
                g.writeBooleanField("tokens_estimated", r.tokensEstimated());
                Json.field(g, "error", r.errorMessage());
                g.writeArrayFieldStart("attempts");
                for (AttemptRecord a : r.attempts()) {
                    g.writeStartObject();
                    g.writeStringField("provider", a.provider());
                    g.writeStringField("outcome", a.outcome());
                    g.writeNumberField("status", a.status());
                    g.writeNumberField("latency_ms", a.millis());
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        })));
    }

    // ---- public endpoints (event loop)

    private Reply session(LocalExchange exchange) {
        AccessVerdict verdict = access.check(exchange);
        if (verdict.outcome() == AccessVerdict.Outcome.THROTTLED) {
            return refusal(exchange, verdict, null);
        }
        boolean permitted = verdict.allowed();
        boolean tokenRequired = access.hasToken();
        return new Reply(200, JsonValues.write(g -> {
            g.writeStartObject();
            g.writeBooleanField("authenticated", permitted);
            g.writeBooleanField("token_required", tokenRequired);
            g.writeEndObject();
        }), permitted ? Map.of() : staleCookie(exchange));
    }

    private Reply login(LocalExchange exchange) {
        if (!access.hasToken()) {
            return Reply.error(400, "no_token_configured", "There is nothing to log in to: admin.token is not set,"
                    + " so the admin page is open to this machine only.");
        }
        Object token;
        try {
            token = Json.parseObject(exchange.body()).get("token");
        } catch (Json.BadJson e) {
            return Reply.error(400, "invalid_request", e.getMessage());
        }
        // A missing or non-string token is checked (and fails) like a wrong one.
        AdminAccess.Login login = access.login(exchange, token instanceof String t ? t : null);
        return switch (login.verdict().outcome()) {
            case ALLOWED -> new Reply(204, "", Map.of("set-cookie", access.sessionCookie(login.sessionId())));
            case THROTTLED -> refusal(exchange, login.verdict(), null);
            case REFUSED -> Reply.error(401, "invalid_token", "Wrong admin token.");
        };
    }

    /**
     * 429 with Retry-After for a throttled address; else 401 with {@code code}, deleting a session cookie
     * that did not work, so that a browser stops presenting it (each try would count as a failure).
     */
    private Reply refusal(LocalExchange exchange, AccessVerdict verdict, String code) {
        if (verdict.outcome() == AccessVerdict.Outcome.THROTTLED) {
            return new Reply(429, AdminHttp.errorJson(429, "too_many_attempts", verdict.message(), null, null),
                    Map.of("retry-after", Long.toString(verdict.retryAfterSeconds())));
        }
        return new Reply(401, AdminHttp.errorJson(401, code, verdict.message(), null, null), staleCookie(exchange));
    }

    private Map<String, String> staleCookie(LocalExchange exchange) {
        return exchange.request().headers().contains(HttpHeaderNames.COOKIE)
                ? Map.of("set-cookie", access.expiredSessionCookie()) : Map.of();
    }

    private Reply logout(LocalExchange exchange) {
        access.logout(exchange);
        return new Reply(204, "", Map.of("set-cookie", access.expiredSessionCookie()));
    }

    // ---- plumbing

    /** Refuses what a browser on another site could make a logged-in admin's browser send. */
    static Reply csrfRefusal(LocalExchange exchange) {
        var headers = exchange.request().headers();
        if (exchange.method() != HttpMethod.POST) {
            return notAllowed(HttpMethod.POST);
        }
        String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            return Reply.error(415, "json_required",
                    "State-changing admin requests must be sent with Content-Type: application/json.");
        }
        String site = headers.get("sec-fetch-site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return Reply.error(403, "cross_site", "Cross-site admin requests are refused.");
        }
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (origin != null) {
            String host = headers.get(HttpHeaderNames.HOST);
            String bare = origin.replaceFirst("^https?://", "");
            if (host == null || origin.equals(bare) || !bare.equalsIgnoreCase(host)) {
                return Reply.error(403, "cross_site", "Cross-origin admin requests are refused.");
            }
        }
        return null;
    }

    private static Reply notAllowed(HttpMethod allowed) {
        return new Reply(405, AdminHttp.errorJson(405, "method_not_allowed", "Use " + allowed + " for this path.",
                null, null), Map.of("allow", allowed.name()));
    }

    private void dispatch(LocalExchange exchange, Handler handler, Call call) {
        Pending p = new Pending(exchange);
        pending.add(p);
        if (closed) {
            answer(p, Reply.error(503, "shutting_down", "The gateway is shutting down."));
            return;
        }
        try {
            adminThread.execute(() -> run(p, handler, call));
        } catch (RejectedExecutionException e) {
            answer(p, Reply.error(503, "shutting_down", "The gateway is shutting down."));
        }
    }

    private void run(Pending p, Handler handler, Call call) {
        CompletionStage<Reply> reply;
        try {
            feed.drainTo(stats::add); // the page sees requests that ended a moment ago
            reply = handler.handle(call);
        } catch (Json.BadJson e) {
            reply = done(Reply.error(400, "invalid_json", e.getMessage()));
        } catch (Exception e) {
            LOG.error("admin API failed", e);
            reply = done(Reply.error(500, "internal_error", "Internal error in the admin API."));
        }
        reply.whenComplete((r, error) -> {
            if (error != null) {
                LOG.error("admin API failed", error);
                answer(p, Reply.error(500, "internal_error", "Internal error in the admin API."));
            } else {
                answer(p, r);
            }
        });
    }

    /** Answers on the exchange's event loop, once. */
    private void answer(Pending p, Reply reply) {
        if (!p.answered.compareAndSet(false, true)) {
            return;
        }
        pending.remove(p);
        LocalExchange exchange = p.exchange;
        try {
            exchange.ctx().executor().execute(() -> respondNow(exchange, reply));
        } catch (RejectedExecutionException e) {
            exchange.request().release(); // the loop is gone, and the connection with it
        }
    }

    private static void respondNow(LocalExchange exchange, Reply reply) {
        FullHttpResponse r = AdminHttp.json(exchange, reply.status, reply.json);
        reply.headers.forEach((k, v) -> r.headers().set(k, v));
        if (reply.status == 204) {
            r.headers().remove(HttpHeaderNames.CONTENT_TYPE);
        }
        exchange.respond(r);
    }

    private static CompletionStage<Reply> done(Reply reply) {
        return CompletableFuture.completedFuture(reply);
    }

    private static int limit(Call call) {
        long l = call.queryLong("limit", DEFAULT_LIMIT);
        return (int) Math.max(1, Math.min(MAX_LIMIT, l));
    }

    static String etag(long version) {
        return "\"v" + version + '"';
    }

    /** From If-Match ({@code "v12"}, {@code v12}, {@code 12}) or the body's {@code version}; null when neither. */
    static Long expectedVersion(String ifMatch, Object bodyVersion) {
        if (ifMatch != null) {
            String v = ifMatch.trim();
            if (v.startsWith("W/")) {
                v = v.substring(2);
            }
            v = v.replace("\"", "");
            if (v.startsWith("v")) {
                v = v.substring(1);
            }
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                return -1L; // a version that never matches: 409
            }
        }
        return bodyVersion instanceof Long n ? n : null;
    }

    private String outcomeJson(ConfigStore.Outcome outcome) {
        return JsonValues.write(g -> {
            g.writeStartObject();
            g.writeNumberField("version", outcome.version());
            g.writeBooleanField("persisted", store.persisted());
            g.writeArrayFieldStart("warnings");
            for (String w : outcome.warnings()) {
                g.writeString(w);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    @Override
    public void close() {
        closed = true;
        for (Pending p : pending) {
            answer(p, Reply.error(503, "shutting_down", "The gateway is shutting down."));
        }
    }
}
