package io.llmgateway.admin;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.GatewayConfig;
import io.llmgateway.config.ModelConfig;
import io.llmgateway.config.ModelRoute;
import io.llmgateway.config.ProviderConfig;
import io.llmgateway.route.Failure;
import io.llmgateway.server.Gateway;
import io.llmgateway.upstream.Origin;
import io.llmgateway.upstream.PoolExhaustedException;
import io.llmgateway.upstream.UpstreamAnswer;
import io.llmgateway.upstream.UpstreamCall;
import io.llmgateway.util.JsonValues;
import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/*
 * Design notes
 * - A check is one real, minimal request: a chat completion with max_tokens 1 for the model's alias
 *   (or, for a provider no model uses, GET /models), in the provider's api (HealthRequest), sent through
 *   the gateway's own upstream client on one of its event loops: the provider's TLS settings (ca_file) and
 *   connection pools apply as for a proxied request, with one deadline over the whole check and a cap on
 *   the body read. It bypasses the rate limiters on purpose: it must be possible to probe a provider whose
 *   window is full or whose circuit is open.
 * - Results feed the router (Router.recordHealthCheck): a success closes an open circuit at once, a
 *   failure counts like a failed request, a 4xx other than 401/403/429 counts nothing.
 * - Everything but the HTTP exchange runs on the admin thread; results are kept per provider and per
 *   model route for the page.
 * - Provider error texts are shown to the admin, so the provider's key is cut out of them first (some
 *   providers quote a prefix of a rejected key).
 */
/** Sends health checks to providers, on demand and every {@code admin.health_check_interval}. */
final class HealthChecker implements AutoCloseable {
    static final Duration MAX_TIMEOUT = Duration.ofSeconds(30);
    /** What is read of an answer's body: enough for any error message, little enough for a runaway body. */
    static final int MAX_BODY = 64 * 1024;

    private static final int MAX_MESSAGE = 300;
    private static final Pattern KEY_LIKE = Pattern.compile("\\b(sk|pk|gsk|xai|key)-[A-Za-z0-9_*\\-]{6,}");

    /**
     * One check's result.
     *
     * @param model the model checked, or null for a provider-level check of a provider no model uses
     * @param alias the model name sent to the provider, or null
     * @param ok the provider answered 2xx
     * @param status the provider's HTTP status, 0 when it sent none
     * @param outcome {@code ok} or the failure kind in lower case ({@code connect}, {@code timeout}, ...)
     * @param message a short explanation when not ok (secrets removed), else null
     */
    record Result(
            String provider,
            String model,
            String alias,
            boolean ok,
            int status,
            long latencyMillis,
            String outcome,
            String message,
            long atMillis) {}

    private final Gateway gateway;
    private final ScheduledExecutorService adminThread;
    private final SeqRing<AdminError> errors;
    private final LongSupplier clock;
    private final Map<String, Result> byProvider = new HashMap<>();
    private final Map<String, Result> byRoute = new HashMap<>();
    private ScheduledFuture<?> periodic;
    private Duration periodicInterval;

    HealthChecker(
            Gateway gateway, ScheduledExecutorService adminThread, SeqRing<AdminError> errors, LongSupplier clock) {
        this.gateway = requireNonNull(gateway, "gateway");
        this.adminThread = requireNonNull(adminThread, "adminThread");
        this.errors = requireNonNull(errors, "errors");
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * Checks one provider, for {@code model} when given (else for the first model that lists it).
     * Call on the admin thread; the future completes there.
     *
     * @throws IllegalArgumentException when the provider does not exist or the model does not list it
     */
    CompletableFuture<Result> check(String provider, String model) {
        GatewayConfig config = gateway.config();
        ProviderConfig p = config.providers().get(provider);
        if (p == null) {
            throw new IllegalArgumentException("no provider \"" + provider + '"');
        }
        String alias = null;
        String checkedModel = model;
        if (model != null) {
            ModelConfig m = config.models().get(model);
            ModelRoute r = m == null
                    ? null
                    : m.routes().stream()
                            .filter(x -> x.provider().equals(provider))
                            .findFirst()
                            .orElse(null);
            if (r == null) {
                throw new IllegalArgumentException(
                        "model \"" + model + "\" does not list provider \"" + provider + '"');
            }
            alias = r.alias();
        } else {
            ModelRoute best = null;
            for (ModelConfig m : config.models().values()) {
                for (ModelRoute r : m.routes()) {
                    if (r.provider().equals(provider) && (best == null || !best.enabled() && r.enabled())) {
                        best = r;
                        checkedModel = m.name();
                    }
                }
            }
            alias = best == null ? null : best.alias();
        }
        return send(p, checkedModel, alias, config.upstream().responseTimeout());
    }

    /** Checks every provider (each for its first model) in parallel. */
    CompletableFuture<List<Result>> checkAll() {
        List<CompletableFuture<Result>> all = new ArrayList<>();
        for (String provider : gateway.config().providers().keySet()) {
            all.add(check(provider, null));
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> all.stream().map(CompletableFuture::join).toList());
    }

    /** The periodic task: a throw would cancel the schedule, so nothing escapes. */
    private void checkAllQuietly() {
        try {
            checkAll();
        } catch (RuntimeException e) {
            org.apache.logging.log4j.LogManager.getLogger(HealthChecker.class)
                    .warn("periodic health check failed to start: {}", e.toString());
        }
    }

    Result latest(String provider) {
        return byProvider.get(provider);
    }

    Result latest(String model, String provider) {
        return byRoute.get(TrafficStats.routeKey(model, provider));
    }

    /** Starts, changes or stops the periodic checks; call on the admin thread after each config change. */
    void schedule(Duration interval) {
        if (interval == null ? periodicInterval == null : interval.equals(periodicInterval)) {
            return;
        }
        if (periodic != null) {
            periodic.cancel(false);
            periodic = null;
        }
        periodicInterval = interval;
        if (interval != null) {
            long ms = Math.max(1000, interval.toMillis());
            periodic = adminThread.scheduleWithFixedDelay(this::checkAllQuietly, ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    private CompletableFuture<Result> send(ProviderConfig p, String model, String alias, Duration responseTimeout) {
        Duration timeout = responseTimeout.compareTo(MAX_TIMEOUT) < 0 ? responseTimeout : MAX_TIMEOUT;
        Origin origin = Origin.of(p);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("user-agent", "llm-gateway-health-check");
        headers.put("accept", "application/json");
        headers.put("accept-encoding", "identity");
        HealthRequest.headers(p, headers);
        String path = HealthRequest.path(p, origin.basePath(), alias);
        byte[] body = new byte[0];
        if (alias != null) {
            body = JsonValues.write(g -> {
                        g.writeStartObject();
                        g.writeStringField("model", alias);
                        g.writeArrayFieldStart("messages");
                        g.writeStartObject();
                        g.writeStringField("role", "user");
                        g.writeStringField("content", "ping");
                        g.writeEndObject();
                        g.writeEndArray();
                        g.writeNumberField("max_tokens", 1);
                        g.writeBooleanField("stream", false);
                        g.writeEndObject();
                    })
                    .getBytes(StandardCharsets.UTF_8);
            headers.put("content-type", "application/json");
        }
        long start = gateway.ticker().nanoTime();
        CompletableFuture<UpstreamAnswer> answered;
        try {
            UpstreamCall call =
                    new UpstreamCall(alias != null ? "POST" : "GET", path, headers, body, timeout, MAX_BODY);
            answered = gateway.upstream().call(gateway.loops().next(), origin, call);
        } catch (IllegalArgumentException unsendable) { // e.g. a base URL path that is not ASCII
            answered = CompletableFuture.failedFuture(unsendable);
        }
        return answered.handleAsync(
                (answer, error) -> {
                    long millis = TimeUnit.NANOSECONDS.toMillis(gateway.ticker().nanoTime() - start);
                    Result r = error == null
                            ? fromResponse(p, model, alias, answer, millis)
                            : fromError(p, model, alias, error, millis);
                    record(r, answer);
                    return r;
                },
                adminThread);
    }

    private Result fromResponse(ProviderConfig p, String model, String alias, UpstreamAnswer response, long millis) {
        int status = response.status();
        if (status >= 200 && status < 300) {
            return new Result(p.name(), model, alias, true, status, millis, "ok", null, clock.getAsLong());
        }
        Failure f = classify(status);
        String message = "HTTP " + status;
        String providerMessage = response.truncated() ? null : errorMessage(response.body());
        if (providerMessage != null) {
            message += ": " + scrub(providerMessage, p.apiKey());
        }
        return new Result(p.name(), model, alias, false, status, millis, outcome(f), message, clock.getAsLong());
    }

    private Result fromError(ProviderConfig p, String model, String alias, Throwable error, long millis) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        Failure f;
        String message;
        if (cause instanceof ConnectTimeoutException) {
            f = Failure.CONNECT;
            message = "connect timed out";
        } else if (cause instanceof TimeoutException) {
            f = Failure.TIMEOUT;
            message = "no complete answer within " + millis + " ms";
        } else if (cause instanceof PoolExhaustedException) {
            f = Failure.LOCAL_OVERLOAD;
            message = "all connections to the provider are busy";
        } else if (cause instanceof IllegalArgumentException) {
            f = Failure.CLIENT_ERROR; // the gateway's own config: nothing to hold against the provider
            message = "cannot send the check: " + cause.getMessage();
        } else if (cause instanceof ConnectException) {
            f = Failure.CONNECT;
            message = "connection refused or unreachable";
        } else if (cause instanceof IOException) {
            f = Failure.CONNECT;
            message = cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + scrub(cause.getMessage(), p.apiKey()));
        } else {
            f = Failure.PROTOCOL;
            message = cause.getClass().getSimpleName();
        }
        return new Result(p.name(), model, alias, false, 0, millis, outcome(f), truncate(message), clock.getAsLong());
    }

    private void record(Result r, UpstreamAnswer response) {
        Failure failure = r.ok() ? null : failureOf(r);
        long retryAfter = response == null ? 0 : retryAfterMillis(response);
        gateway.router().recordHealthCheck(r.provider(), failure, retryAfter);
        byProvider.put(r.provider(), r);
        if (r.model() != null) {
            byRoute.put(TrafficStats.routeKey(r.model(), r.provider()), r);
        }
        if (!r.ok()) {
            errors.add(new AdminError(
                    r.atMillis(), "health_check", r.model(), r.provider(), r.status(), r.outcome(), r.message(), null));
        }
    }

    private static Failure failureOf(Result r) {
        for (Failure f : Failure.values()) {
            if (outcome(f).equals(r.outcome())) {
                return f;
            }
        }
        return Failure.PROTOCOL;
    }

    static Failure classify(int status) {
        if (status == 401 || status == 403) {
            return Failure.AUTH;
        }
        if (status == 429) {
            return Failure.RATE_LIMITED;
        }
        if (status >= 500) {
            return Failure.SERVER_ERROR;
        }
        if (status >= 400) {
            return Failure.CLIENT_ERROR;
        }
        return Failure.PROTOCOL; // 1xx/3xx: not an answer we can use
    }

    private static String outcome(Failure f) {
        return f.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static long retryAfterMillis(UpstreamAnswer response) {
        String v = response.headers().get("retry-after");
        if (v == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(v.trim())) * 1000;
        } catch (NumberFormatException e) {
            return 0; // an HTTP date: the circuit's own cooldown applies
        }
    }

    /** {@code error.message} of an OpenAI-style error body, or null. */
    private static String errorMessage(String body) {
        if (body == null || body.isBlank() || body.length() > 64 * 1024) {
            return null;
        }
        try {
            if (Json.parse(body) instanceof Map<?, ?> root
                    && root.get("error") instanceof Map<?, ?> error
                    && error.get("message") instanceof String message) {
                return truncate(message);
            }
            if (Json.parse(body) instanceof Map<?, ?> root && root.get("error") instanceof String message) {
                return truncate(message);
            }
        } catch (Json.BadJson e) {
            // not JSON: say nothing rather than echo an HTML error page
        }
        return null;
    }

    /** Removes the provider's key and anything shaped like a key from a provider's text. */
    static String scrub(String text, String apiKey) {
        String out = text;
        if (apiKey != null && apiKey.length() >= 4) {
            out = out.replace(apiKey, "***");
        }
        return KEY_LIKE.matcher(out).replaceAll("$1-***");
    }

    private static String truncate(String s) {
        String oneLine = s.replace('\n', ' ').replace('\r', ' ');
        return oneLine.length() <= MAX_MESSAGE ? oneLine : oneLine.substring(0, MAX_MESSAGE) + "...";
    }

    @Override
    public void close() {
        if (periodic != null) {
            periodic.cancel(false);
        }
    }
}
