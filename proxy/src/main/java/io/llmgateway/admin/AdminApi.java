package io.llmgateway.admin;

import static io.llmgateway.admin.AdminReply.done;
import static io.llmgateway.admin.AdminReply.notAllowed;
import static java.util.Objects.requireNonNull;

import io.llmgateway.server.AccessVerdict;
import io.llmgateway.server.Gateway;
import io.llmgateway.server.LocalExchange;
import io.llmgateway.util.JsonValues;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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

    @FunctionalInterface
    private interface Handler {
        CompletionStage<AdminReply> handle(AdminCall call) throws Exception;
    }

    private record Route(HttpMethod method, Handler handler) {}

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
    private final TrafficStats stats;
    private final RecordFeed feed;
    private final HealthChecker health;
    private final SessionEndpoints session;
    private final Map<String, Route> routes = new LinkedHashMap<>();
    private final Set<Pending> pending = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    AdminApi(
            Gateway gateway,
            AdminAccess access,
            Executor adminThread,
            ConfigStore store,
            TrafficStats stats,
            RecordFeed feed,
            HealthChecker health,
            SeqRing<AdminError> errors,
            LongSupplier clock) {
        this.gateway = requireNonNull(gateway, "gateway");
        this.access = requireNonNull(access, "access");
        this.adminThread = requireNonNull(adminThread, "adminThread");
        this.stats = requireNonNull(stats, "stats");
        this.feed = requireNonNull(feed, "feed");
        this.health = requireNonNull(health, "health");
        requireNonNull(clock, "clock");
        this.session = new SessionEndpoints(access);
        StatusView view = new StatusView(gateway, access, store, stats, health, feed);
        ConfigEndpoints config = new ConfigEndpoints(store, errors, clock);
        RecentLists recent = new RecentLists(errors, stats);
        routes.put("/api/status", new Route(HttpMethod.GET, c -> done(AdminReply.ok(view.status(clock.getAsLong())))));
        // GET /api/usage (requests, tokens, errors per provider and model over time) is UsageEndpoint.
        routes.put("/api/config", new Route(HttpMethod.GET, config::config));
        routes.put("/api/config/edit", new Route(HttpMethod.POST, config::edit));
        routes.put("/api/config/reload", new Route(HttpMethod.POST, config::reload));
        routes.put("/api/health-check", new Route(HttpMethod.POST, this::healthCheck));
        routes.put("/api/reset", new Route(HttpMethod.POST, this::reset));
        routes.put("/api/spend/reset", new Route(HttpMethod.POST, new SpendEndpoints(gateway)::reset));
        CacheEndpoints cache = new CacheEndpoints(gateway);
        routes.put("/api/cache", new Route(HttpMethod.GET, cache::view));
        routes.put("/api/cache/clear", new Route(HttpMethod.POST, cache::clear));
        routes.put("/api/errors", new Route(HttpMethod.GET, recent::recentErrors));
        routes.put("/api/requests", new Route(HttpMethod.GET, recent::recentRequests));
    }

    /** Entry point on the event loop for every path under {@code /api/}. */
    void handle(LocalExchange exchange) {
        HttpMethod method = exchange.method() == HttpMethod.HEAD ? HttpMethod.GET : exchange.method();
        boolean stateChanging = method != HttpMethod.GET;
        if (stateChanging) {
            AdminReply refusal = csrfRefusal(exchange);
            if (refusal != null) {
                respondNow(exchange, refusal);
                return;
            }
        }
        if (exchange.request().content().readableBytes() > MAX_BODY_BYTES) {
            respondNow(
                    exchange,
                    AdminReply.error(
                            413, "body_too_large", "Admin requests are limited to " + MAX_BODY_BYTES / 1024 + " KiB."));
            return;
        }
        String path = exchange.path();
        switch (path) {
            case "/api/session" -> {
                respondNow(exchange, method == HttpMethod.GET ? session.session(exchange) : notAllowed(HttpMethod.GET));
                return;
            }
            case "/api/login" -> {
                respondNow(exchange, method == HttpMethod.POST ? session.login(exchange) : notAllowed(HttpMethod.POST));
                return;
            }
            case "/api/logout" -> {
                respondNow(
                        exchange, method == HttpMethod.POST ? session.logout(exchange) : notAllowed(HttpMethod.POST));
                return;
            }
            default -> {
                // below
            }
        }
        AccessVerdict verdict = access.check(exchange);
        if (!verdict.allowed()) {
            respondNow(exchange, session.refusal(exchange, verdict, "admin_unauthorized"));
            return;
        }
        Route route = routes.get(path);
        if (route == null) {
            respondNow(exchange, AdminReply.error(404, "not_found", "Unknown admin API path: " + path));
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
        dispatch(
                exchange,
                route.handler,
                new AdminCall(
                        exchange.body(), query, exchange.request().headers().get(HttpHeaderNames.IF_MATCH)));
    }

    // ---- handlers (admin thread)

    private CompletionStage<AdminReply> healthCheck(AdminCall call) throws Json.BadJson {
        Map<String, Object> body = Json.parseObject(call.body().isBlank() ? "{}" : call.body());
        Object provider = body.get("provider");
        Object model = body.get("model");
        if (provider != null && !(provider instanceof String) || model != null && !(model instanceof String)) {
            return done(AdminReply.error(400, "invalid_request", "provider and model must be names"));
        }
        if (provider == null) {
            return health.checkAll().thenApply(results -> AdminReply.ok(StatusView.healthList(results)));
        }
        try {
            return health.check((String) provider, (String) model)
                    .thenApply(r -> AdminReply.ok(JsonValues.write(g -> StatusView.writeHealth(g, r))));
        } catch (IllegalArgumentException e) {
            return done(AdminReply.error(404, "not_found", e.getMessage()));
        }
    }

    private CompletionStage<AdminReply> reset(AdminCall call) throws Json.BadJson {
        Map<String, Object> body = Json.parseObject(call.body().isBlank() ? "{}" : call.body());
        Object provider = body.get("provider");
        if (provider == null) {
            gateway.router().reset();
            LOG.info("admin: every provider's limits and circuit reset");
            return done(AdminReply.ok("{\"reset\":\"all\"}"));
        }
        if (!(provider instanceof String name) || !gateway.router().reset(name)) {
            return done(AdminReply.error(404, "not_found", "no provider \"" + provider + '"'));
        }
        LOG.info("admin: limits and circuit of provider {} reset", name);
        return done(AdminReply.ok(JsonValues.write(g -> {
            g.writeStartObject();
            g.writeStringField("reset", name);
            g.writeEndObject();
        })));
    }

    // ---- plumbing

    /** Refuses what a browser on another site could make a logged-in admin's browser send. */
    static AdminReply csrfRefusal(LocalExchange exchange) {
        var headers = exchange.request().headers();
        if (exchange.method() != HttpMethod.POST) {
            return notAllowed(HttpMethod.POST);
        }
        String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            return AdminReply.error(
                    415,
                    "json_required",
                    "State-changing admin requests must be sent with Content-Type: application/json.");
        }
        String site = headers.get("sec-fetch-site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return AdminReply.error(403, "cross_site", "Cross-site admin requests are refused.");
        }
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (origin != null) {
            String host = headers.get(HttpHeaderNames.HOST);
            String bare = origin.replaceFirst("^https?://", "");
            if (host == null || origin.equals(bare) || !bare.equalsIgnoreCase(host)) {
                return AdminReply.error(403, "cross_site", "Cross-origin admin requests are refused.");
            }
        }
        return null;
    }

    private void dispatch(LocalExchange exchange, Handler handler, AdminCall call) {
        Pending p = new Pending(exchange);
        pending.add(p);
        if (closed) {
            answer(p, AdminReply.error(503, "shutting_down", "The gateway is shutting down."));
            return;
        }
        try {
            adminThread.execute(() -> run(p, handler, call));
        } catch (RejectedExecutionException e) {
            answer(p, AdminReply.error(503, "shutting_down", "The gateway is shutting down."));
        }
    }

    private void run(Pending p, Handler handler, AdminCall call) {
        CompletionStage<AdminReply> reply;
        try {
            feed.drainTo(stats::add); // the page sees requests that ended a moment ago
            reply = handler.handle(call);
        } catch (Json.BadJson e) {
            reply = done(AdminReply.error(400, "invalid_json", e.getMessage()));
        } catch (Exception e) {
            LOG.error("admin API failed", e);
            reply = done(AdminReply.error(500, "internal_error", "Internal error in the admin API."));
        }
        reply.whenComplete((r, error) -> {
            if (error != null) {
                LOG.error("admin API failed", error);
                answer(p, AdminReply.error(500, "internal_error", "Internal error in the admin API."));
            } else {
                answer(p, r);
            }
        });
    }

    /** Answers on the exchange's event loop, once. */
    private void answer(Pending p, AdminReply reply) {
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

    private static void respondNow(LocalExchange exchange, AdminReply reply) {
        FullHttpResponse r = AdminHttp.json(exchange, reply.status(), reply.json());
        reply.headers().forEach((k, v) -> r.headers().set(k, v));
        if (reply.status() == 204) {
            r.headers().remove(HttpHeaderNames.CONTENT_TYPE);
        }
        exchange.respond(r);
    }

    @Override
    public void close() {
        closed = true;
        for (Pending p : pending) {
            answer(p, AdminReply.error(503, "shutting_down", "The gateway is shutting down."));
        }
    }
}
