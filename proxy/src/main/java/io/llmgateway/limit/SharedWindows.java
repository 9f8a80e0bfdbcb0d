package io.llmgateway.limit;

import static java.util.Objects.requireNonNull;

import io.lettuce.core.ScriptOutputType;
import io.llmgateway.config.Limits;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The rpm, tpm and rpd windows of providers kept in Redis, so that every gateway instance admits against
 * the same counts.
 *
 * <p>Design notes.
 * <ul>
 * <li>A window is a Redis hash of bucket number to count: one-second buckets for rpm and tpm (60 of them
 *     live), one-minute buckets for a rolling rpd (1440), one bucket per calendar day for a calendar rpd.
 *     It has the same resolution as the in-memory {@link SlidingWindowCounter}, so both modes admit the
 *     same requests.</li>
 * <li>{@link #reserve} is one Lua script, hence one atomic step in Redis: it walks the candidate
 *     providers in the router's order, checks rpm, rpd and tpm of each, and reserves 1 request and the
 *     token estimate in the first one where all three fit. No other instance can interleave, which is
 *     what makes admission exact across instances; one round trip serves any number of candidates.</li>
 * <li>The tpm ticket is the bucket the estimate went into; {@link #adjust} corrects that bucket while it
 *     still counts (the same rule as {@link RateCounter#adjust}), never below zero.</li>
 * <li>Bucket numbers come from the caller's clock (epoch based, so every instance numbers them alike).
 *     Instances should run NTP: a clock that is s seconds off shortens that instance's view of a window
 *     by at most s seconds. A bucket from a clock that runs ahead counts until it expires (safe side).</li>
 * <li>Keys expire on their own ({@code PEXPIRE} after the newest bucket ends), so a removed provider
 *     leaves nothing behind. Buckets that left their window are deleted as scripts pass by.</li>
 * </ul>
 */
public final class SharedWindows {

    /** Every key this gateway writes starts with this. */
    public static final String PREFIX = "llmgw:";

    /** {@link Reservation#code}: admitted, or not evaluated because an earlier candidate was admitted. */
    public static final int OK = 0;

    /** {@link Reservation#code}: the candidate's provider budget cannot take the request's worst case. */
    public static final long REFUSED_PROVIDER_BUDGET = -5;

    /** {@link Reservation#code}: the client key's budget cannot take the worst case at the candidate's price. */
    public static final long REFUSED_KEY_BUDGET = -6;

    private final RedisConnection redis;
    private final RpdBuckets rpdBuckets = new RpdBuckets();

    public SharedWindows(RedisConnection redis) {
        this.redis = requireNonNull(redis, "redis");
    }

    /**
     * Admits one request into the first candidate whose rpm, rpd and tpm windows can all take it, in one
     * atomic step.
     *
     * @param candidates providers in order of preference; only the first {@code count} are used
     * @param tokens the token estimate to reserve in tpm
     * @param nowMillis the caller's clock
     */
    public CompletableFuture<Reservation> reserve(WindowSpec[] candidates, int count, long tokens, long nowMillis) {
        return reserve(candidates, count, tokens, nowMillis, null, null, null);
    }

    /**
     * {@link #reserve(WindowSpec[], int, long, long)} with budgets, in the same atomic step: a candidate is admitted
     * only if its windows fit and the request's worst case at its price fits in its provider's budget and in
     * the client key's; both are then charged (see {@link SharedBudgets}). A worst case of 0 (an unpriced route)
     * is served whatever the budgets hold and charges nothing. A candidate refused by a budget is
     * passed over like one with a full window, so a cheaper route later in the order may still be admitted.
     *
     * @param keyBudget the client key's budget, or null when it has none
     * @param providerBudgets per candidate its provider's budget (null elements: none); null when none has one
     * @param worstNanos per candidate the request's worst-case cost at its price; null when nothing is charged
     */
    public CompletableFuture<Reservation> reserve(
            WindowSpec[] candidates,
            int count,
            long tokens,
            long nowMillis,
            SharedBudgets.@Nullable Account keyBudget,
            SharedBudgets.Account @Nullable [] providerBudgets,
            long @Nullable [] worstNanos) {
        if (count < 1 || count > candidates.length) {
            throw new IllegalArgumentException("count: " + count + " (expected: 1-" + candidates.length + ')');
        }
        if (tokens < 0) {
            throw new IllegalArgumentException("tokens: " + tokens + " (expected: >= 0)");
        }
        if (worstNanos != null && worstNanos.length < count
                || providerBudgets != null && providerBudgets.length < count) {
            throw new IllegalArgumentException("budgets: fewer than " + count + " candidates");
        }
        String[] keys = new String[count * 4 + 1];
        String[] args = new String[4 + count * 9];
        long second = Math.floorDiv(nowMillis, 1000);
        args[0] = Long.toString(tokens);
        args[1] = Long.toString(second);
        SharedBudgets.put(keyBudget, keys, count * 4, args, 2, nowMillis);
        RpdBuckets.Bucket[] rpd = new RpdBuckets.Bucket[count];
        for (int c = 0; c < count; c++) {
            WindowSpec s = candidates[c];
            keys[4 * c] = s.rpmKey;
            keys[4 * c + 1] = s.tpmKey;
            keys[4 * c + 2] = s.rpdKey;
            rpd[c] = rpdBuckets.of(s, nowMillis);
            int o = 4 + c * 9;
            args[o] = limitArg(s.rpm);
            args[o + 1] = limitArg(s.tpm);
            args[o + 2] = limitArg(s.rpd);
            args[o + 3] = Long.toString(rpd[c].bucket());
            args[o + 4] = Long.toString(rpd[c].span());
            args[o + 5] = Long.toString(rpd[c].ttlMillis());
            SharedBudgets.put(
                    providerBudgets == null ? null : providerBudgets[c], keys, 4 * c + 3, args, o + 6, nowMillis);
            long worst = worstNanos == null ? 0 : worstNanos[c];
            if (worst < 0) {
                throw new IllegalArgumentException("worstNanos[" + c + "]: " + worst + " (expected: >= 0)");
            }
            args[o + 8] = Long.toString(worst);
        }
        return redis.<List<Object>>eval(WindowScripts.RESERVE, ScriptOutputType.MULTI, keys, args)
                .thenApply(reply -> Reservation.parse(reply, count, second, nowMillis, rpd));
    }

    /**
     * Adds {@code delta} tokens (negative to give back) to the tpm bucket named by {@code ticket}, if it
     * still counts. Completes with the bucket's new count, or -1 when it has left the window.
     */
    public CompletableFuture<Long> adjust(WindowSpec spec, long ticket, long delta, long nowMillis) {
        return redis.eval(
                WindowScripts.ADJUST,
                ScriptOutputType.INTEGER,
                new String[] {spec.tpmKey},
                Long.toString(ticket),
                Long.toString(delta),
                Long.toString(Math.floorDiv(nowMillis, 1000)));
    }

    /**
     * Counts usage that already happened (requests served while Redis was unreachable, or counts Redis
     * lost) in the current buckets: later than it happened, so it counts a little longer (the safe side).
     */
    public CompletableFuture<Long> record(WindowSpec spec, long rpm, long tpm, long rpd, long nowMillis) {
        RpdBuckets.Bucket day = rpdBuckets.of(spec, nowMillis);
        return redis.eval(
                WindowScripts.RECORD,
                ScriptOutputType.INTEGER,
                new String[] {spec.rpmKey, spec.tpmKey, spec.rpdKey},
                Long.toString(Math.floorDiv(nowMillis, 1000)),
                Long.toString(Math.max(0, rpm)),
                Long.toString(Math.max(0, tpm)),
                Long.toString(Math.max(0, rpd)),
                Long.toString(day.bucket()),
                Long.toString(day.ttlMillis()));
    }

    /** The counts now: {@code rpm, tpm, rpd} of each spec in turn. */
    public CompletableFuture<long[]> current(List<WindowSpec> specs, long nowMillis) {
        if (specs.isEmpty()) {
            return CompletableFuture.completedFuture(new long[0]);
        }
        String[] keys = new String[specs.size() * 3];
        String[] args = new String[1 + specs.size() * 2];
        args[0] = Long.toString(Math.floorDiv(nowMillis, 1000));
        for (int c = 0; c < specs.size(); c++) {
            WindowSpec s = specs.get(c);
            keys[3 * c] = s.rpmKey;
            keys[3 * c + 1] = s.tpmKey;
            keys[3 * c + 2] = s.rpdKey;
            RpdBuckets.Bucket b = rpdBuckets.of(s, nowMillis);
            args[1 + 2 * c] = Long.toString(b.bucket());
            args[2 + 2 * c] = Long.toString(b.span());
        }
        return redis.<List<Object>>eval(WindowScripts.CURRENT, ScriptOutputType.MULTI, keys, args)
                .thenApply(reply -> {
                    long[] out = new long[reply.size()];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = ((Number) reply.get(i)).longValue();
                    }
                    return out;
                });
    }

    /** Deletes the windows of these providers (every count starts from zero, on every instance). */
    public CompletableFuture<Long> reset(Collection<String> providers) {
        if (providers.isEmpty()) {
            return CompletableFuture.completedFuture(0L);
        }
        List<String> keys = new ArrayList<>();
        for (String p : providers) {
            keys.add(key(p, "rpm"));
            keys.add(key(p, "tpm"));
            keys.add(key(p, "rpd"));
            keys.add(key(p, "rpd24h"));
        }
        return redis.run(c -> c.del(keys.toArray(new String[0])));
    }

    /** The Redis key of one of a provider's windows ({@code rpm}, {@code tpm} or {@code rpd}). */
    public static String key(String provider, String window) {
        return PREFIX + provider + ':' + window;
    }

    private static String limitArg(long limit) {
        return limit == Limits.UNLIMITED ? "-1" : Long.toString(limit);
    }

    /** What {@link #reserve} did, candidate by candidate. */
    public static final class Reservation {
        private final int admitted;
        private final long ticket;
        private final int evaluated;
        private final int[] codes;
        private final long[] counts;
        private final long[] waits;
        private final long keySpent;
        private final long[] providerSpent;

        private Reservation(
                int admitted,
                long ticket,
                int evaluated,
                int[] codes,
                long[] counts,
                long[] waits,
                long keySpent,
                long[] providerSpent) {
            this.admitted = admitted;
            this.ticket = ticket;
            this.evaluated = evaluated;
            this.codes = codes;
            this.counts = counts;
            this.waits = waits;
            this.keySpent = keySpent;
            this.providerSpent = providerSpent;
        }

        static Reservation parse(List<Object> reply, int count, long second, long nowMillis, RpdBuckets.Bucket[] rpd) {
            int admitted = (int) number(reply, 0) - 1;
            long ticket = number(reply, 1);
            long keySpent = number(reply, 2);
            int evaluated = (reply.size() - 3) / 6;
            if (evaluated > count || admitted >= count) {
                throw new IllegalStateException("unexpected reserve reply " + reply);
            }
            int[] codes = new int[count];
            long[] counts = new long[count * 3];
            long[] waits = new long[count];
            long[] providerSpent = new long[count];
            for (int c = 0; c < evaluated; c++) {
                int o = 3 + c * 6;
                int code = (int) number(reply, o);
                codes[c] = code;
                counts[3 * c] = number(reply, o + 1);
                counts[3 * c + 1] = number(reply, o + 2);
                counts[3 * c + 2] = number(reply, o + 3);
                long frees = number(reply, o + 4);
                providerSpent[c] = number(reply, o + 5);
                if (code == ProviderLimiterCodes.RPM || code == ProviderLimiterCodes.TPM) {
                    long bucket = frees < 0 ? second : frees;
                    waits[c] = Math.max(1, (bucket + 60) * 1000 - nowMillis);
                } else if (code == ProviderLimiterCodes.RPD) {
                    RpdBuckets.Bucket b = rpd[c];
                    waits[c] = b.dayEnd() >= 0
                            ? Math.max(1, b.dayEnd() - nowMillis)
                            : Math.max(1, ((frees < 0 ? b.bucket() : frees) + 1440) * 60_000 - nowMillis);
                }
            }
            return new Reservation(admitted, ticket, evaluated, codes, counts, waits, keySpent, providerSpent);
        }

        private static long number(List<Object> reply, int i) {
            return ((Number) reply.get(i)).longValue();
        }

        /** The index of the admitted candidate, or -1 when none could take the request. */
        public int admitted() {
            return admitted;
        }

        /** The tpm ticket of the admitted candidate, for {@link SharedWindows#adjust}. */
        public long ticket() {
            return ticket;
        }

        /** How many candidates the script looked at (it stops at the admitted one). */
        public int evaluated() {
            return evaluated;
        }

        /**
         * Why candidate {@code c} refused: {@link #OK} (admitted, or not looked at), or
         * {@link ProviderLimiter#REJECTED_RPM}, {@link ProviderLimiter#REJECTED_RPD} or
         * {@link ProviderLimiter#REJECTED_TPM}, {@link #REFUSED_PROVIDER_BUDGET} or {@link #REFUSED_KEY_BUDGET}.
         */
        public long code(int c) {
            int code = codes[c];
            return code == OK ? OK : -code;
        }

        /** Requests in candidate {@code c}'s shared rpm window (after this reservation). */
        public long rpm(int c) {
            return counts[3 * c];
        }

        /** Tokens in candidate {@code c}'s shared tpm window (after this reservation). */
        public long tpm(int c) {
            return counts[3 * c + 1];
        }

        /** Requests in candidate {@code c}'s shared rpd window (after this reservation). */
        public long rpd(int c) {
            return counts[3 * c + 2];
        }

        /**
         * The client key budget's figure in nano-dollars: after the charge when admitted, else as the script
         * found it; 0 without a key budget.
         */
        public long keySpent() {
            return keySpent;
        }

        /** Candidate {@code c}'s provider budget figure, like {@link #keySpent()}; 0 without a budget. */
        public long providerSpent(int c) {
            return providerSpent[c];
        }

        /** For a refusing candidate: milliseconds until the refusing window has room (0 for a budget). */
        public long waitMillis(int c) {
            return waits[c];
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("Reservation[admitted=").append(admitted);
            for (int c = 0; c < evaluated; c++) {
                b.append(", #")
                        .append(c)
                        .append(" code=")
                        .append(code(c))
                        .append(" rpm=")
                        .append(rpm(c))
                        .append(" tpm=")
                        .append(tpm(c))
                        .append(" rpd=")
                        .append(rpd(c));
            }
            return b.append(']').toString();
        }
    }

    /** The script's refusal codes: the negatives of {@link ProviderLimiter}'s. */
    private static final class ProviderLimiterCodes {
        static final int RPM = (int) -ProviderLimiter.REJECTED_RPM;
        static final int RPD = (int) -ProviderLimiter.REJECTED_RPD;
        static final int TPM = (int) -ProviderLimiter.REJECTED_TPM;
    }
}
