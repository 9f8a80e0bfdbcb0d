package io.llmgateway.route;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.RoutingSettings;
import java.time.Clock;

/**
 * One provider's circuit breaker.
 *
 * <p>Design notes. The admission check is a volatile read when the circuit is closed (the common case)
 * or still cooling down; only the moment a cooldown ends takes the monitor, so that exactly one caller
 * becomes the half-open trial. A trial has a lease (the maximum cooldown): if its outcome never comes
 * back (a bug on the caller's side) another trial may start after it, instead of the provider being
 * skipped forever. Outcomes of requests admitted before the circuit opened do not move it: only the
 * trial decides, and the doubling applies to failed trials, not to stragglers.
 */
final class CircuitBreaker {

    /** {@link #tryAcquire(long)}: refused, the circuit is open or a trial is running. */
    static final int DENIED = 0;
    /** {@link #tryAcquire(long)}: an ordinary request through a closed circuit. */
    static final int PERMITTED = 1;
    /** {@link #tryAcquire(long)}: this request is the half-open trial and must report its outcome. */
    static final int TRIAL = 2;

    private final Clock clock;
    private volatile RoutingSettings settings;

    private volatile CircuitState state = CircuitState.CLOSED;
    /** OPEN: when a trial may start. HALF_OPEN: when the running trial's lease ends. */
    private volatile long openUntil;
    private volatile boolean keyRejected;
    private volatile int failures;
    /** The next open period; 0 means the base cooldown. Guarded by this. */
    private long nextCooldown;

    CircuitBreaker(RoutingSettings settings, Clock clock) {
        this.settings = requireNonNull(settings, "settings");
        this.clock = requireNonNull(clock, "clock");
    }

    void settings(RoutingSettings newSettings) {
        settings = requireNonNull(newSettings, "newSettings");
    }

    /** Whether a request could pass now, without claiming anything. */
    boolean isAvailable(long now) {
        return state == CircuitState.CLOSED || now >= openUntil;
    }

    int tryAcquire(long now) {
        if (state == CircuitState.CLOSED) {
            return PERMITTED;
        }
        if (now < openUntil) {
            return DENIED;
        }
        synchronized (this) {
            if (state == CircuitState.CLOSED) {
                return PERMITTED;
            }
            if (now < openUntil) {
                return DENIED;
            }
            state = CircuitState.HALF_OPEN;
            openUntil = now + settings.maxCooldown().toMillis();
            return TRIAL;
        }
    }

    void onSuccess(boolean trial) {
        if (!trial && (state != CircuitState.CLOSED || failures == 0)) {
            return;
        }
        synchronized (this) {
            if (trial) {
                close();
            } else if (state == CircuitState.CLOSED) {
                failures = 0;
            }
        }
    }

    /** A failure that counts toward the threshold (connect, timeout, 5xx, protocol, 429 without Retry-After). */
    synchronized void onFailure(boolean trial) {
        long now = clock.millis();
        if (trial) {
            open(now, takeCooldown());
        } else if (state == CircuitState.CLOSED && ++failures >= settings.failureThreshold()) {
            open(now, takeCooldown());
        }
    }

    /** A 429 whose Retry-After says how long the provider wants to be left alone. */
    void onRateLimited(boolean trial, long retryAfterMillis) {
        if (retryAfterMillis <= 0) {
            onFailure(trial);
            return;
        }
        synchronized (this) {
            long cooldown = trial ? Math.max(retryAfterMillis, takeCooldown()) : retryAfterMillis;
            open(clock.millis(), cooldown);
        }
    }

    /** 401/403: the key was refused; retrying soon cannot help. */
    synchronized void onKeyRejected() {
        open(clock.millis(), settings.badKeyCooldown().toMillis());
        keyRejected = true;
    }

    /** An outcome that says nothing about the provider; a trial gives its turn back. */
    synchronized void onNeutral(boolean trial) {
        if (trial && state == CircuitState.HALF_OPEN) {
            state = CircuitState.OPEN;
            openUntil = 0;
        }
    }

    synchronized void reset() {
        close();
    }

    /**
     * The outcome of a health check, which is not an admitted request (it holds no permit): a success
     * proves the provider answers again and closes the circuit at once; a failure weighs like a failed
     * ordinary request.
     *
     * @param failure null for a success
     */
    void onHealthCheck(Failure failure, long retryAfterMillis) {
        if (failure == null) {
            synchronized (this) {
                close();
            }
            return;
        }
        switch (failure) {
            case RATE_LIMITED:
                onRateLimited(false, retryAfterMillis);
                break;
            case AUTH:
                onKeyRejected();
                break;
            case CLIENT_ERROR:
            case LOCAL_OVERLOAD:
                break; // says nothing about the provider
            default:
                onFailure(false);
                break;
        }
    }

    CircuitState state() {
        return state;
    }

    boolean keyRejected() {
        return keyRejected;
    }

    int failures() {
        return failures;
    }

    /** Milliseconds until a request may try again; 0 when the circuit is closed or a trial may start. */
    long millisUntilRetry(long now) {
        return state == CircuitState.CLOSED ? 0 : Math.max(0, openUntil - now);
    }

    private void close() {
        state = CircuitState.CLOSED;
        failures = 0;
        nextCooldown = 0;
        openUntil = 0;
        keyRejected = false;
    }

    /** Opens until at least {@code now + cooldown}; a longer open period already running is kept. */
    private void open(long now, long cooldown) {
        long until = now + cooldown;
        if (state != CircuitState.OPEN || until > openUntil) {
            openUntil = until;
        }
        state = CircuitState.OPEN;
        failures = 0;
    }

    /** The cooldown for this open; doubles the next one, up to the cap. */
    private long takeCooldown() {
        RoutingSettings s = settings;
        long base = s.baseCooldown().toMillis();
        long max = s.maxCooldown().toMillis();
        long cooldown = Math.min(nextCooldown == 0 ? base : nextCooldown, max);
        nextCooldown = Math.min(cooldown * 2, max);
        return cooldown;
    }

    @Override
    public String toString() {
        return "CircuitBreaker[" + state + (keyRejected ? ", key rejected" : "") + ']';
    }
}
