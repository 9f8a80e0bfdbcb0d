package io.llmgateway.limit;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.Limits;
import java.time.Clock;
import java.time.ZoneId;

/**
 * The rpm, tpm, rpd and tpr limits of one provider, shared by every model it serves.
 *
 * <p>Design notes. A request must fit every window at once, so {@link #tryAcquire(long)} reserves in
 * rpm, then rpd, then tpm and rolls back what it took when a later window refuses. A rollback can make
 * a racing thread see a window as full for an instant (a false reject) but can never let one through
 * that does not fit. Only the tpm ticket leaves this class: request counts are never given back once a
 * request was sent, while its token reservation is settled to the real usage later.
 *
 * <p>Limits can be replaced at run time ({@link #update}); counts are kept and the new limits apply to
 * them. Switching rpd between calendar and rolling mode (or changing its zone) carries today's count
 * over into the new counter.
 */
public final class ProviderLimiter {

    /** {@link #tryAcquire(long)}: the request's token estimate exceeds tpr (or the whole tpm). */
    public static final long REJECTED_TPR = -1;
    /** {@link #tryAcquire(long)}: rpm is exhausted. */
    public static final long REJECTED_RPM = -2;
    /** {@link #tryAcquire(long)}: rpd is exhausted. */
    public static final long REJECTED_RPD = -3;
    /** {@link #tryAcquire(long)}: tpm cannot hold the estimate. */
    public static final long REJECTED_TPM = -4;

    private final Clock clock;
    private final SlidingWindowCounter rpm;
    private final SlidingWindowCounter tpm;
    private volatile RateCounter rpd;
    private volatile long tpr;

    public ProviderLimiter(Limits limits, boolean rpdRolling, ZoneId zone, Clock clock) {
        requireNonNull(limits, "limits");
        requireNonNull(zone, "zone");
        this.clock = requireNonNull(clock, "clock");
        this.rpm = SlidingWindowCounter.perMinute(limits.rpm(), clock);
        this.tpm = SlidingWindowCounter.perMinute(limits.tpm(), clock);
        this.rpd = newRpd(limits.rpd(), rpdRolling, zone);
        this.tpr = limits.tpr();
    }

    /**
     * Admits one request with {@code estimatedTokens} into every window, or into none.
     *
     * @return a tpm ticket ({@code >= 0}) for {@link #settle} and {@link #release}, or one of the
     *         negative {@code REJECTED_*} codes naming the limit that refused
     */
    public long tryAcquire(long estimatedTokens) {
        return tryAcquire(estimatedTokens, clock.millis());
    }

    /** {@link #tryAcquire(long)} at {@code nowMillis}, read from this limiter's clock (one read for all windows). */
    public long tryAcquire(long estimatedTokens, long nowMillis) {
        if (estimatedTokens > tpr || estimatedTokens > tpm.limit()) {
            return REJECTED_TPR;
        }
        long rpmTicket = rpm.tryAcquire(1, nowMillis);
        if (rpmTicket < 0) {
            return REJECTED_RPM;
        }
        RateCounter day = rpd;
        long rpdTicket = day.tryAcquire(1, nowMillis);
        if (rpdTicket < 0) {
            rpm.adjust(rpmTicket, -1);
            return REJECTED_RPD;
        }
        long tpmTicket = tpm.tryAcquire(estimatedTokens, nowMillis);
        if (tpmTicket < 0) {
            day.adjust(rpdTicket, -1);
            rpm.adjust(rpmTicket, -1);
            return REJECTED_TPM;
        }
        return tpmTicket;
    }

    /**
     * Counts one request with {@code estimatedTokens} whatever the limits say: a request that a shared
     * store already admitted. Keeping this instance's own share of the traffic in its local windows means
     * that, should the store become unreachable, the fallback limits start from what this instance really
     * spent in the current windows instead of from zero.
     *
     * @return a tpm ticket for {@link #settle} and {@link #release}
     */
    public long record(long estimatedTokens) {
        rpm.record(1);
        rpd.record(1);
        return tpm.record(Math.min(estimatedTokens, SlidingWindowCounter.MAX_AMOUNT));
    }

    /** Corrects a token reservation to what the request really used (up or down). */
    public void settle(long tpmTicket, long reservedTokens, long actualTokens) {
        tpm.adjust(tpmTicket, Math.max(0, actualTokens) - reservedTokens);
    }

    /** Gives a token reservation back (the attempt failed); the request still counts for rpm and rpd. */
    public void release(long tpmTicket, long reservedTokens) {
        tpm.adjust(tpmTicket, -reservedTokens);
    }

    /** Replaces the limits and rpd mode, keeping the counts. */
    public synchronized void update(Limits limits, boolean rpdRolling, ZoneId zone) {
        requireNonNull(limits, "limits");
        requireNonNull(zone, "zone");
        rpm.limit(limits.rpm());
        tpm.limit(limits.tpm());
        RateCounter day = rpd;
        boolean sameMode = rpdRolling
                ? day instanceof SlidingWindowCounter
                : day instanceof DailyCounter && ((DailyCounter) day).zone().equals(zone);
        if (sameMode) {
            day.limit(limits.rpd());
        } else {
            RateCounter next = newRpd(limits.rpd(), rpdRolling, zone);
            next.record(day.current());
            rpd = next;
        }
        tpr = limits.tpr();
    }

    /** Forgets every count. */
    public void reset() {
        rpm.reset();
        tpm.reset();
        rpd.reset();
    }

    public RateCounter rpm() {
        return rpm;
    }

    public RateCounter tpm() {
        return tpm;
    }

    public RateCounter rpd() {
        return rpd;
    }

    public long tpr() {
        return tpr;
    }

    /** The most tokens one request may reserve here: tpr, and never more than the whole tpm window. */
    public long maxTokensPerRequest() {
        return Math.min(tpr, tpm.limit());
    }

    private RateCounter newRpd(long limit, boolean rolling, ZoneId zone) {
        return rolling ? SlidingWindowCounter.perRollingDay(limit, clock) : new DailyCounter(limit, zone, clock);
    }
}
