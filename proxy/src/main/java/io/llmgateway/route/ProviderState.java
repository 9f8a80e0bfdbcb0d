package io.llmgateway.route;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.Limits;
import io.llmgateway.config.ProviderConfig;
import io.llmgateway.config.RoutingSettings;
import io.llmgateway.limit.ProviderLimiter;
import io.llmgateway.limit.RateCounter;
import java.time.Clock;

/** Everything the router knows about one provider: config, counters, circuit, learned limits. */
final class ProviderState {

    final String name;
    final ProviderLimiter limiter;
    final CircuitBreaker breaker;
    final LearnedLimits learned = new LearnedLimits();
    private volatile ProviderConfig config;

    ProviderState(ProviderConfig config, RoutingSettings routing, Clock clock) {
        this.config = requireNonNull(config, "config");
        this.name = config.name();
        this.limiter = new ProviderLimiter(config.limits(), routing.rpdRolling(), routing.timeZone(), clock);
        this.breaker = new CircuitBreaker(name, routing, clock);
    }

    ProviderConfig config() {
        return config;
    }

    /** Applies a reloaded config for the same provider name; counts and circuit state are kept. */
    void update(ProviderConfig newConfig, RoutingSettings routing) {
        config = requireNonNull(newConfig, "newConfig");
        limiter.update(newConfig.limits(), routing.rpdRolling(), routing.timeZone());
        breaker.settings(routing);
    }

    void reset() {
        limiter.reset();
        breaker.reset();
        learned.clear();
    }

    /** The remaining fraction of the tightest limit, local or reported by the provider; unlimited is 1.0. */
    double headroom(long now) {
        double h = Math.min(fraction(limiter.rpm()), fraction(limiter.tpm()));
        h = Math.min(h, fraction(limiter.rpd()));
        return Math.min(h, learned.fraction(now));
    }

    private static double fraction(RateCounter counter) {
        long limit = counter.limit();
        if (limit == Limits.UNLIMITED) {
            return 1.0;
        }
        return Math.max(0.0, (double) (limit - counter.current()) / limit);
    }

    ProviderSnapshot snapshot(long now) {
        ProviderLimiter l = limiter;
        LearnedLimits.Observation r = learned.requests();
        LearnedLimits.Observation t = learned.tokens();
        boolean rValid = r.valid(now);
        boolean tValid = t.valid(now);
        return new ProviderSnapshot(name,
                l.rpm().current(), l.rpm().limit(),
                l.tpm().current(), l.tpm().limit(),
                l.rpd().current(), l.rpd().limit(),
                l.tpr(),
                breaker.state(), breaker.keyRejected(), breaker.failures(), breaker.millisUntilRetry(now),
                rValid ? r.remaining() : -1, rValid ? r.limit() : -1,
                tValid ? t.remaining() : -1, tValid ? t.limit() : -1,
                headroom(now));
    }
}
