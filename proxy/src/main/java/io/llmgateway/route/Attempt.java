package io.llmgateway.route;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.ProviderConfig;
import io.llmgateway.protocol.Usage;
import io.llmgateway.spend.BudgetCounter;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Function;

/**
 * One granted attempt of a request at one provider. Its token estimate is reserved in the provider's
 * tpm window and the request is counted in rpm and rpd. Exactly one terminal call
 * ({@link #succeeded}, {@link #failed}, {@link #cancelled}) settles it; later ones are ignored, because
 * error paths race (a timeout and a channel close may both report). Its budget reservation, if any, settles
 * once too: to 0 when it fails, else to the cost the exchange records ({@link #settleSpend}).
 */
public final class Attempt implements Admission {

    private static final AtomicIntegerFieldUpdater<Attempt> FLAGS =
            AtomicIntegerFieldUpdater.newUpdater(Attempt.class, "flags");
    private static final int DONE = 1;
    private static final int TRIAL = 2;
    private static final int SPENT = 4;

    /** The budget ticket of an attempt whose provider or key has no budget (or that reserved nothing). */
    public static final long NO_BUDGET = Long.MIN_VALUE;

    /** The shared ticket of an attempt admitted by this process alone, without a shared store. */
    static final long LOCAL = -1;
    /** The shared ticket of an attempt admitted locally while the shared store was unreachable. */
    static final long FALLBACK = -2;

    private final String model;
    private final String alias;
    private final ProviderConfig providerConfig;
    private final ProviderState provider;
    private final long tpmTicket;
    private final long sharedTicket;
    private final long reservedTokens;
    /** {@link #DONE}, {@link #TRIAL} and {@link #SPENT} in one field: one attempt per request stays small. */
    private volatile int flags;
    // The budget reservation: set by holdSpend before the attempt is handed out, read when it settles.
    private BudgetCounter providerBudget;
    private long providerBudgetTicket = NO_BUDGET;
    private BudgetCounter keyBudget;
    private long keyBudgetTicket = NO_BUDGET;
    private long reservedNanos;
    /** The budget reservation in the shared limits store; null when admitted by this process's counters. */
    private SharedSpend.Tickets sharedSpend;

    /**
     * @param tpmTicket the reservation's ticket in the provider's local tpm window
     * @param sharedTicket its ticket in the shared tpm window ({@code >= 0}), or {@link #LOCAL} or
     *                     {@link #FALLBACK}
     */
    Attempt(
            String model,
            String alias,
            ProviderState provider,
            long tpmTicket,
            long sharedTicket,
            long reservedTokens,
            boolean trial) {
        this.model = requireNonNull(model, "model");
        this.alias = requireNonNull(alias, "alias");
        this.provider = requireNonNull(provider, "provider");
        this.providerConfig = provider.config();
        this.tpmTicket = tpmTicket;
        this.sharedTicket = sharedTicket;
        this.reservedTokens = reservedTokens;
        this.flags = trial ? TRIAL : 0;
    }

    /** The model actually used (for {@code "auto"}, the model the router chose). */
    public String model() {
        return model;
    }

    /** The provider's name. */
    public String provider() {
        return provider.name;
    }

    /** The provider's config as it was when this attempt was admitted. */
    public ProviderConfig providerConfig() {
        return providerConfig;
    }

    /** The model name to send to this provider. */
    public String alias() {
        return alias;
    }

    /** Tokens reserved in the provider's tpm window for this attempt. */
    public long reservedTokens() {
        return reservedTokens;
    }

    /**
     * Keeps the budget reservation of this attempt (by the admission that made it, before handing it out): the
     * worst case {@code nanos} reserved in the provider's and the key's {@link BudgetCounter}s, each null with
     * the ticket {@link #NO_BUDGET} when there is none. {@link #settleSpend} replaces it by the real cost.
     */
    void holdSpend(BudgetCounter provider, long providerTicket, BudgetCounter key, long keyTicket, long nanos) {
        this.providerBudget = provider;
        this.providerBudgetTicket = providerTicket;
        this.keyBudget = key;
        this.keyBudgetTicket = keyTicket;
        this.reservedNanos = nanos;
    }

    /** Like {@link #holdSpend}, for a reservation of {@code nanos} in the shared limits store's budgets. */
    void holdShared(SharedSpend.Tickets tickets, long nanos) {
        this.sharedSpend = tickets;
        this.reservedNanos = nanos;
    }

    /** The worst case reserved in the budgets for this attempt, in nano-dollars (0 without budgets or price). */
    public long reservedNanos() {
        return reservedNanos;
    }

    /**
     * Settles the budget reservation to what the attempt really cost ({@code actualNanos}, 0 when it cost
     * nothing or was not priced); once: a failed attempt has settled to 0 already, and later calls are ignored.
     *
     * @return false if the spend was already settled
     */
    public boolean settleSpend(long actualNanos) {
        if (actualNanos < 0) {
            throw new IllegalArgumentException("actualNanos: " + actualNanos + " (expected: >= 0)");
        }
        for (; ; ) {
            int f = flags;
            if ((f & SPENT) != 0) {
                return false;
            }
            if (FLAGS.compareAndSet(this, f, f | SPENT)) {
                break;
            }
        }
        if (sharedSpend != null) {
            sharedSpend.settle(reservedNanos, actualNanos);
            return true;
        }
        if (providerBudget != null && providerBudgetTicket >= 0) {
            providerBudget.settle(providerBudgetTicket, reservedNanos, actualNanos);
        }
        if (keyBudget != null && keyBudgetTicket >= 0) {
            keyBudget.settle(keyBudgetTicket, reservedNanos, actualNanos);
        }
        return true;
    }

    /** Gives back a reservation of {@code nanos} in {@code budget} (null or without a ticket: nothing). */
    static void release(BudgetCounter budget, long ticket, long nanos) {
        if (budget != null && ticket >= 0) {
            budget.settle(ticket, nanos, 0);
        }
    }

    /** True when this attempt is the single half-open trial of the provider's circuit. */
    public boolean isTrial() {
        return (flags & TRIAL) != 0;
    }

    /** True once a terminal call was made. */
    public boolean isDone() {
        return (flags & DONE) != 0;
    }

    /** Learns the provider's remaining capacity from its {@code x-ratelimit-*} response headers. */
    public void observeHeaders(HttpHeaders upstreamHeaders) {
        requireNonNull(upstreamHeaders, "upstreamHeaders");
        provider.learned.observe(upstreamHeaders, provider.clock.millis());
    }

    /** Same as {@link #observeHeaders(HttpHeaders)}; {@code headers} maps a lower-case name to its value or null. */
    public void observeHeaders(Function<String, String> headers) {
        provider.learned.observe(headers, provider.clock.millis());
    }

    /**
     * The provider answered successfully. Settles the reservation to {@code usage.totalTokens()} (a null
     * usage keeps the estimate) and closes a half-open circuit.
     *
     * @return false if this attempt was already settled (the call was ignored)
     */
    public boolean succeeded(Usage usage) {
        if (!finish()) {
            return false;
        }
        if (usage != null) {
            provider.settle(tpmTicket, sharedTicket, reservedTokens, usage.totalTokens());
        }
        provider.breaker.onSuccess(isTrial());
        return true;
    }

    /**
     * The attempt failed. Releases the token reservation (the request still counts for rpm and rpd) and
     * tells the circuit breaker according to {@code failure}.
     *
     * @param retryAfterMillis the provider's Retry-After for {@link Failure#RATE_LIMITED}, or 0 if none
     * @return false if this attempt was already settled (the call was ignored)
     */
    public boolean failed(Failure failure, long retryAfterMillis) {
        requireNonNull(failure, "failure");
        if (!finish()) {
            return false;
        }
        provider.release(tpmTicket, sharedTicket, reservedTokens);
        settleSpend(0); // a failed attempt costs nothing
        CircuitBreaker breaker = provider.breaker;
        boolean trial = isTrial();
        switch (failure) {
            case RATE_LIMITED:
                breaker.onRateLimited(trial, retryAfterMillis);
                break;
            case AUTH:
                breaker.onKeyRejected();
                break;
            case CLIENT_ERROR:
            case LOCAL_OVERLOAD:
                breaker.onNeutral(trial);
                break;
            default:
                breaker.onFailure(trial);
                break;
        }
        return true;
    }

    /**
     * The client went away. Settles the reservation to the tokens used so far; no breaker penalty. With no
     * tokens used (nothing was sent) the budget reservation is released too; otherwise the exchange settles it
     * to the cost it records ({@link #settleSpend}).
     *
     * @return false if this attempt was already settled (the call was ignored)
     */
    public boolean cancelled(long tokensSoFar) {
        if (!finish()) {
            return false;
        }
        provider.settle(tpmTicket, sharedTicket, reservedTokens, tokensSoFar);
        if (tokensSoFar == 0) {
            settleSpend(0);
        }
        provider.breaker.onNeutral(isTrial());
        return true;
    }

    private boolean finish() {
        for (; ; ) {
            int f = flags;
            if ((f & DONE) != 0) {
                return false;
            }
            if (FLAGS.compareAndSet(this, f, f | DONE)) {
                return true;
            }
        }
    }

    @Override
    public String toString() {
        return "Attempt[model=" + model + ", provider=" + provider.name + ", alias=" + alias + ", reservedTokens="
                + reservedTokens + (isTrial() ? ", trial" : "") + ']';
    }
}
