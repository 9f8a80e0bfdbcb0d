package io.llmgateway.route;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.Limits;
import io.llmgateway.config.ProviderConfig;
import io.llmgateway.config.RoutingSettings;
import io.llmgateway.limit.ProviderLimiter;
import io.llmgateway.limit.RateCounter;
import io.llmgateway.limit.WindowSpec;
import java.time.Clock;

/**
 * Everything the router knows about one provider: config, counters, circuit, learned limits.
 *
 * <p>With a shared limits store, the local {@link #limiter} enforces only the fallback share of each
 * limit (it decides alone while Redis is unreachable, and otherwise just records this instance's traffic),
 * the shared windows are described by {@link #spec()}, and {@link #sharedCounts} caches the last shared
 * counts seen, for headroom and snapshots without a round trip.
 */
final class ProviderState {

    final String name;
    final Clock clock;
    final ProviderLimiter limiter;
    final CircuitBreaker breaker;
    final LearnedLimits learned = new LearnedLimits();
    /** The shared store, or null when counters live in this process only. */
    final SharedStore shared;
    /** Requests admitted alone while the shared store was unreachable; null without a shared store. */
    final FallbackUsage fallbackUsage;

    private volatile ProviderConfig config;
    private volatile long maxTokensPerRequest;
    private volatile WindowSpec spec;
    private volatile SharedCounts sharedCounts = SharedCounts.NONE;

    ProviderState(ProviderConfig config, RoutingSettings routing, Clock clock, SharedStore shared) {
        this.config = requireNonNull(config, "config");
        this.name = config.name();
        this.clock = requireNonNull(clock, "clock");
        this.shared = shared;
        this.limiter =
                new ProviderLimiter(localLimits(config.limits()), routing.rpdRolling(), routing.timeZone(), clock);
        this.breaker = new CircuitBreaker(name, routing, clock);
        this.maxTokensPerRequest = perRequest(config.limits());
        if (shared != null) {
            this.fallbackUsage = new FallbackUsage();
            this.spec = new WindowSpec(name, config.limits(), routing.rpdRolling(), routing.timeZone());
            breaker.listener((until, keyRejected) -> shared.publishOpen(name, until, keyRejected));
        } else {
            this.fallbackUsage = null;
        }
    }

    ProviderConfig config() {
        return config;
    }

    /** The shared windows' description (null without a shared store). */
    WindowSpec spec() {
        return spec;
    }

    /** Applies a reloaded config for the same provider name; counts and circuit state are kept. */
    void update(ProviderConfig newConfig, RoutingSettings routing) {
        config = requireNonNull(newConfig, "newConfig");
        limiter.update(localLimits(newConfig.limits()), routing.rpdRolling(), routing.timeZone());
        breaker.settings(routing);
        maxTokensPerRequest = perRequest(newConfig.limits());
        if (shared != null) {
            spec = new WindowSpec(name, newConfig.limits(), routing.rpdRolling(), routing.timeZone());
        }
    }

    /** Forgets this instance's counts, circuit and learned limits (the shared windows are the store's). */
    void reset() {
        limiter.reset();
        breaker.reset();
        learned.clear();
        sharedCounts = SharedCounts.NONE;
        if (fallbackUsage != null) {
            fallbackUsage.clear();
        }
    }

    /** The most tokens one request may reserve here: tpr, and never more than the whole tpm window. */
    long maxTokensPerRequest() {
        return maxTokensPerRequest;
    }

    /** Corrects a reservation to the real usage, here and in the shared store. */
    void settle(long tpmTicket, long sharedTicket, long reservedTokens, long actualTokens) {
        limiter.settle(tpmTicket, reservedTokens, actualTokens);
        if (sharedTicket != Attempt.LOCAL) {
            correctShared(sharedTicket, Math.max(0, actualTokens) - reservedTokens);
        }
    }

    /** Gives a reservation's tokens back, here and in the shared store. */
    void release(long tpmTicket, long sharedTicket, long reservedTokens) {
        limiter.release(tpmTicket, reservedTokens);
        if (sharedTicket != Attempt.LOCAL) {
            correctShared(sharedTicket, -reservedTokens);
        }
    }

    private void correctShared(long sharedTicket, long delta) {
        if (delta == 0) {
            return;
        }
        if (sharedTicket == Attempt.FALLBACK) {
            fallbackUsage.tokens.addAndGet(delta);
        } else {
            shared.adjust(spec, sharedTicket, delta);
        }
    }

    /** Remembers the shared counts a reservation or a poll saw. */
    void sharedCounts(long rpm, long tpm, long rpd) {
        sharedCounts = new SharedCounts(rpm, tpm, rpd);
    }

    private boolean usesSharedCounts() {
        return shared != null && shared.isShared();
    }

    /** The remaining fraction of the tightest limit, local or reported by the provider; unlimited is 1.0. */
    double headroom(long now) {
        double h;
        if (usesSharedCounts()) {
            SharedCounts c = sharedCounts;
            Limits l = config.limits();
            h = Math.min(fraction(c.rpm, l.rpm()), Math.min(fraction(c.tpm, l.tpm()), fraction(c.rpd, l.rpd())));
        } else {
            h = Math.min(fraction(limiter.rpm(), now), fraction(limiter.tpm(), now));
            h = Math.min(h, fraction(limiter.rpd(), now));
        }
        return Math.min(h, learned.fraction(now));
    }

    private static double fraction(RateCounter counter, long now) {
        return fraction(counter.current(now), counter.limit());
    }

    private static double fraction(long current, long limit) {
        if (limit == Limits.UNLIMITED) {
            return 1.0;
        }
        return Math.max(0.0, (double) (limit - current) / limit);
    }

    ProviderSnapshot snapshot(long now) {
        ProviderLimiter l = limiter;
        LearnedLimits.Observation r = learned.requests();
        LearnedLimits.Observation t = learned.tokens();
        boolean rValid = r.valid(now);
        boolean tValid = t.valid(now);
        long rpm;
        long rpmLimit;
        long tpm;
        long tpmLimit;
        long rpd;
        long rpdLimit;
        if (usesSharedCounts()) {
            SharedCounts c = sharedCounts;
            Limits limits = config.limits();
            rpm = c.rpm;
            rpmLimit = limits.rpm();
            tpm = c.tpm;
            tpmLimit = limits.tpm();
            rpd = c.rpd;
            rpdLimit = limits.rpd();
        } else {
            // In memory, or this instance's own counts and fallback limits while the store is unreachable.
            rpm = l.rpm().current();
            rpmLimit = l.rpm().limit();
            tpm = l.tpm().current();
            tpmLimit = l.tpm().limit();
            rpd = l.rpd().current();
            rpdLimit = l.rpd().limit();
        }
        return new ProviderSnapshot(
                name,
                rpm,
                rpmLimit,
                tpm,
                tpmLimit,
                rpd,
                rpdLimit,
                l.tpr(),
                breaker.state(),
                breaker.keyRejected(),
                breaker.failures(),
                breaker.millisUntilRetry(now),
                rValid ? r.remaining() : -1,
                rValid ? r.limit() : -1,
                tValid ? t.remaining() : -1,
                tValid ? t.limit() : -1,
                headroom(now));
    }

    private Limits localLimits(Limits limits) {
        return shared == null ? limits : shared.localLimits(limits);
    }

    private static long perRequest(Limits limits) {
        return Math.min(limits.tpr(), limits.tpm());
    }

    /** Shared counts as last seen. */
    private record SharedCounts(long rpm, long tpm, long rpd) {
        static final SharedCounts NONE = new SharedCounts(0, 0, 0);
    }
}
