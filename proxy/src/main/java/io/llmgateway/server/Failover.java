package io.llmgateway.server;

import static java.util.Objects.requireNonNull;

import io.llmgateway.route.Attempt;
import io.llmgateway.route.Failure;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponse;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * What the failed attempts of one exchange leave behind for the next attempt and for the final answer when
 * none is left: the providers tried, a text of what went wrong, the most telling provider error. It settles
 * each failed attempt with the router and the exchange's record, and decides whether a provider's error
 * answer moves on to the next provider. Confined to the exchange's event loop; {@link #release} frees the
 * kept error body.
 */
final class Failover {
    // The exchange's logger: operators (and tests) watch one name for a request's story.
    private static final Logger LOG = LogManager.getLogger(ProxyExchange.class);

    private final ExchangeRecord record;
    private final Clock clock;
    private Set<String> tried = Set.of(); // copied as it grows: nearly every request tries one provider
    private int attempts;
    private StringBuilder failures; // only when an attempt fails
    private boolean onlyOverloaded = true; // every failed attempt so far was our own pool being full
    private boolean timedOut;
    private int errorStatus;
    private HttpResponse errorHead;
    private ByteBuf errorBody;

    /**
     * @param record where each attempt's end is recorded
     * @param clock reads a provider's {@code Retry-After} date
     */
    Failover(ExchangeRecord record, Clock clock) {
        this.record = requireNonNull(record, "record");
        this.clock = requireNonNull(clock, "clock");
    }

    /** What a provider's non-2xx answer counts as: all but the client's own errors move on to the next. */
    static Failure classify(int status) {
        if (status == 429) {
            return Failure.RATE_LIMITED;
        }
        if (status == 401 || status == 403) {
            return Failure.AUTH;
        }
        if (status == 408) {
            return Failure.TIMEOUT;
        }
        if (status >= 500 && status != 501) {
            return Failure.SERVER_ERROR;
        }
        return Failure.CLIENT_ERROR;
    }

    /** {@code attempt} starts: counted, timed and traced by the record, its provider skipped by the next ones. */
    void started(Attempt attempt) {
        started(attempt.provider());
        record.attemptStarted(attempt);
    }

    /** An attempt on {@code provider} starts: counted, timed by the record, skipped by the next ones. */
    void started(String provider) {
        attempts++;
        record.attemptStarted();
        if (tried.isEmpty()) {
            tried = Set.of(provider);
        } else {
            Set<String> more = new HashSet<>(tried);
            more.add(provider);
            tried = more;
        }
    }

    int attempts() {
        return attempts;
    }

    /** The providers tried so far, for the router to skip. */
    Set<String> tried() {
        return tried;
    }

    /**
     * The current {@code attempt} failed before anything reached the client: settles it with the router,
     * records and logs it, and keeps {@code why} for the final answer.
     */
    void attemptFailed(Attempt attempt, Failure kind, String why) {
        attempt.failed(kind, 0);
        record.attemptEnded(attempt, kind, 0);
        LOG.info("[{}] attempt {} failed: {}: {}", record.requestId(), attempts, attempt.provider(), why);
        failed(kind, attempt.provider() + ": " + why);
    }

    /**
     * The provider of {@code attempt} answered the error {@code head} with {@code body} (read whole): settles
     * the attempt with the router (with the wait the provider asked for) and records it. True when the error
     * is retryable: it is kept, body and all, as the final answer should no later attempt succeed, and the
     * exchange moves on. False when it is the client's own error: it goes back as it is, and {@code body}
     * stays the caller's.
     */
    boolean providerAnswered(Attempt attempt, HttpResponse head, ByteBuf body) {
        int status = head.status().code();
        Failure kind = classify(status);
        long retryAfterMillis = RetryAfter.millis(head.headers(), clock);
        attempt.failed(kind, kind == Failure.CLIENT_ERROR ? 0 : retryAfterMillis);
        record.attemptEnded(attempt, kind, status);
        if (kind == Failure.CLIENT_ERROR) {
            return false;
        }
        LOG.info("[{}] attempt {} failed: {}: HTTP {}", record.requestId(), attempts, attempt.provider(), status);
        providerError(attempt.provider() + ": HTTP " + status, status, head, body);
        return true;
    }

    /** An attempt failed before any answer: {@code what} names the provider and the cause. */
    void failed(Failure kind, String what) {
        noteFailure(what);
        if (kind == Failure.TIMEOUT && errorBody == null) {
            timedOut = true;
        }
        onlyOverloaded &= kind == Failure.LOCAL_OVERLOAD;
    }

    /** A provider answered a retryable error: the latest one is the final answer if no attempt succeeds. */
    void providerError(String what, int status, HttpResponse head, ByteBuf body) {
        noteFailure(what);
        if (errorBody != null) {
            errorBody.release();
        }
        errorStatus = status;
        errorHead = head;
        errorBody = body;
    }

    private void noteFailure(String what) {
        if (failures == null) {
            failures = new StringBuilder();
        } else {
            failures.append("; ");
        }
        failures.append(what);
    }

    /** Whether a provider's error answer is kept ({@link #errorStatus}, {@link #errorHead}, {@link #takeErrorBody}). */
    boolean hasProviderError() {
        return errorBody != null;
    }

    int errorStatus() {
        return errorStatus;
    }

    HttpResponse errorHead() {
        return errorHead;
    }

    /** The kept error body, now owned by the caller. */
    ByteBuf takeErrorBody() {
        ByteBuf b = errorBody;
        errorBody = null;
        return b;
    }

    /** Whether every failed attempt found the gateway's own connection pool full. */
    boolean onlyOverloaded() {
        return onlyOverloaded;
    }

    /** Whether an attempt timed out before any provider answered an error. */
    boolean timedOut() {
        return timedOut;
    }

    /** What went wrong, attempt by attempt. */
    String failures() {
        return failures == null ? "" : failures.toString();
    }

    void release() {
        if (errorBody != null) {
            errorBody.release();
            errorBody = null;
        }
    }
}
