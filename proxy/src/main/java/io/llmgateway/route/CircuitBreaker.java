package io.llmgateway.route;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.RoutingSettings;
import java.time.Clock;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One provider's circuit breaker.
 *
 * <p>Design notes. The admission check is a volatile read when the circuit is closed (the common case)
 * or still cooling down; only the moment a cooldown ends takes the monitor, so that exactly one caller
 * becomes the half-open trial. A trial has a lease (the maximum cooldown): if its outcome never comes
 * back (a bug on the caller's side) another trial may start after it, instead of the provider being
 * skipped forever. Outcomes of requests admitted before the circuit opened do not move it: only the
 * trial decides, and the doubling applies to failed trials, not to stragglers.
 *
 * <p>With a shared limits store, every opening of this breaker is told to an {@link OpenListener} (which
 * publishes it to the other instances), and openings of the other instances arrive through
 * {@link #applyRemote}; those are not told back. Each instance runs its own half-open trial.
 */
final class CircuitBreaker {
    private static final Logger LOG = LogManager.getLogger(CircuitBreaker.class);

    /** {@link #tryAcquire(long)}: refused, the circuit is open or a trial is running. */
    static final int DENIED = 0;
    /** {@link #tryAcquire(long)}: an ordinary request through a closed circuit. */
    static final int PERMITTED = 1;
    /** {@link #tryAcquire(long)}: this request is the half-open trial and must report its outcome. */
    static final int TRIAL = 2;

    /** Hears each opening of this breaker (not the ones applied from other instances). */
    interface OpenListener {
        void opened(long untilMillis, boolean keyRejected);
    }

    private final String provider;
    private final Clock clock;
    private volatile RoutingSettings settings;
    private volatile OpenListener listener;

    private volatile CircuitState state = CircuitState.CLOSED;
    /** OPEN: when a trial may start. HALF_OPEN: when the running trial's lease ends. */
    private volatile long openUntil;

    private volatile boolean keyRejected;
    private volatile int failures;
    /** The next open period; 0 means the base cooldown. Guarded by this. */
    private long nextCooldown;

    CircuitBreaker(RoutingSettings settings, Clock clock) {
        this("?", settings, clock);
    }

    /** @param provider the provider's name, for the log lines of state changes */
    CircuitBreaker(String provider, RoutingSettings settings, Clock clock) {
        this.provider = requireNonNull(provider, "provider");
        this.settings = requireNonNull(settings, "settings");
        this.clock = requireNonNull(clock, "clock");
    }

    void settings(RoutingSettings newSettings) {
        settings = requireNonNull(newSettings, "newSettings");
    }

    void listener(OpenListener newListener) {
        listener = newListener;
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
            LOG.info("circuit of provider {} half-open: one trial request decides", provider);
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
            open(now, takeCooldown(), "the trial request failed");
        } else if (state == CircuitState.CLOSED && ++failures >= settings.failureThreshold()) {
            open(now, takeCooldown(), failures + " consecutive failures");
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
            open(clock.millis(), cooldown, "rate limited with Retry-After");
        }
    }

    /** 401/403: the key was refused; retrying soon cannot help. */
    synchronized void onKeyRejected() {
        keyRejected = true;
        open(clock.millis(), settings.badKeyCooldown().toMillis(), "the provider refused the API key");
    }

    /**
     * Another instance opened this provider's circuit until {@code untilMillis}. Adopted unless this
     * breaker is already open longer (or a trial of ours is deciding); never told back to the listener.
     */
    synchronized void applyRemote(long untilMillis, boolean rejected, long now) {
        if (untilMillis <= now || state == CircuitState.HALF_OPEN) {
            return;
        }
        boolean open = state == CircuitState.OPEN;
        if (!open) {
            LOG.warn("circuit of provider {} opened for {} ms by another instance", provider, untilMillis - now);
        }
        if (!open || untilMillis > openUntil || (rejected && !keyRejected)) {
            openUntil = open ? Math.max(openUntil, untilMillis) : untilMillis;
            state = CircuitState.OPEN;
            failures = 0;
            keyRejected |= rejected;
        }
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
        if (state != CircuitState.CLOSED) {
            LOG.info("circuit of provider {} closed: requests flow again", provider);
        }
        state = CircuitState.CLOSED;
        failures = 0;
        nextCooldown = 0;
        openUntil = 0;
        keyRejected = false;
    }

    /** Opens until at least {@code now + cooldown}; a longer open period already running is kept. */
    private void open(long now, long cooldown, String why) {
        long until = now + cooldown;
        if (state != CircuitState.OPEN) {
            LOG.warn("circuit of provider {} opened for {} ms: {}", provider, cooldown, why);
        }
        if (state != CircuitState.OPEN || until > openUntil) {
            openUntil = until;
        }
        state = CircuitState.OPEN;
        failures = 0;
        OpenListener l = listener;
        if (l != null) {
            l.opened(openUntil, keyRejected); // must not block: it only sends a command
        }
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
