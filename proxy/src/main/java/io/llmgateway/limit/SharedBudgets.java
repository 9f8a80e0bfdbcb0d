package io.llmgateway.limit;

import static java.util.Objects.requireNonNull;

import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import io.llmgateway.config.BudgetPeriod;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Budgets in money (client keys' and providers') kept in Redis, so that every gateway instance spends from
 * the same figure.
 *
 * <p>Design notes.
 * <ul>
 * <li>One Redis integer of nano-dollars per budget and period:
 *     {@code llmgw:budget:KIND:PERIOD:NUMBER:NAME} ({@code KIND} {@code key} or {@code provider}, {@code PERIOD}
 *     {@code day}, {@code week}, {@code month} or {@code total}, {@code NUMBER} the {@link CalendarSpan#number()}).
 *     The period's kind is part of the key because a day and a month that start on the same date have the
 *     same number; the name comes last so that any name, colons included, makes one key only.</li>
 * <li>The reservation is part of {@link SharedWindows#reserve}'s script: windows and budgets of every
 *     candidate in one atomic step and one round trip, which is what admits exactly N of many racing
 *     instances. This class does everything else: settle, reset, seed, read.</li>
 * <li>The {@link Account} a reservation charged is its ticket: the key names the period, so a settlement
 *     that arrives after the period ended corrects the old period (or nothing, once its key expired) and
 *     never the next one. A settlement never takes a figure below zero (an admin reset may have zeroed it
 *     while the request ran) and never recreates an expired key.</li>
 * <li>A key expires {@link #EXPIRY_MARGIN_MILLIS} after its period ends, so that late settlements find it;
 *     a {@code total} budget never expires. The expiry is relative to the caller's clock.</li>
 * <li>Lua numbers are doubles: the limit comparison is exact up to 2^53 nano-dollars (9 million USD) in a
 *     period, far beyond real budgets; {@code INCRBY} itself is exact.</li>
 * </ul>
 */
public final class SharedBudgets {
    /** How long a period's key outlives the period, for settlements of requests that were still running. */
    public static final long EXPIRY_MARGIN_MILLIS = 86_400_000L;

    /** {@link Account#kind} of a client key's budget. */
    public static final String KEY = "key";
    /** {@link Account#kind} of a provider's budget. */
    public static final String PROVIDER = "provider";

    /** The budget key of a reservation without that budget: never read or written. */
    private static final String NO_BUDGET = SharedWindows.PREFIX + "budget:none";

    /* KEYS[1] a budget. ARGV: delta. Returns the figure after it, or -1 when the key is gone (nothing done). */
    private static final LuaScript SETTLE = LuaScript.of(
            "budget-settle",
            ""
                    + "if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end\n"
                    + "local v = redis.call('INCRBY', KEYS[1], ARGV[1])\n"
                    + "if v < 0 then\n"
                    + "  redis.call('SET', KEYS[1], 0, 'KEEPTTL')\n"
                    + "  v = 0\n"
                    + "end\n"
                    + "return v\n");

    /* KEYS[1] a budget. ARGV: mode (set, add, seed), nanos, ttl (0: none). Returns the figure after it. */
    private static final LuaScript PUT = LuaScript.of(
            "budget-put",
            ""
                    + "local mode, ttl = ARGV[1], tonumber(ARGV[3])\n"
                    + "local v\n"
                    + "if mode == 'set' then\n"
                    + "  redis.call('SET', KEYS[1], ARGV[2])\n"
                    + "  v = tonumber(ARGV[2])\n"
                    + "elseif mode == 'add' then\n"
                    + "  v = redis.call('INCRBY', KEYS[1], ARGV[2])\n"
                    + "else\n"
                    + "  if redis.call('SET', KEYS[1], ARGV[2], 'NX') then\n"
                    + "    v = tonumber(ARGV[2])\n"
                    + "  else\n"
                    + "    return tonumber(redis.call('GET', KEYS[1]))\n"
                    + "  end\n"
                    + "end\n"
                    + "if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end\n"
                    + "return v\n");

    private final RedisConnection redis;

    public SharedBudgets(RedisConnection redis) {
        this.redis = requireNonNull(redis, "redis");
    }

    /**
     * Adds {@code delta} (actual minus reserved; negative gives back) to the period the reservation went
     * into. Completes with the figure after it, or -1 when the period's key is gone (nothing changed).
     */
    public CompletableFuture<Long> settle(Account account, long delta) {
        requireNonNull(account, "account");
        return redis.eval(SETTLE, ScriptOutputType.INTEGER, new String[] {account.redisKey}, Long.toString(delta));
    }

    /**
     * Zeroes the current period's figure (an admin reset), on every instance at once: they all read it.
     * Reservations still running settle against zero.
     */
    public CompletableFuture<Long> reset(Account account, long nowMillis) {
        return put(account, "set", 0, nowMillis);
    }

    /**
     * Adds spend that already happened (what an instance spent alone while Redis was unreachable, or its
     * share of a figure Redis lost). Completes with the figure after it.
     */
    public CompletableFuture<Long> add(Account account, long nanos, long nowMillis) {
        requireAmount(nanos);
        return put(account, "add", nanos, nowMillis);
    }

    /**
     * Sets the period's figure to {@code nanos} unless Redis has one already (a fresh Redis seeded from a
     * spend record). Completes with the figure now in Redis.
     */
    public CompletableFuture<Long> seed(Account account, long nanos, long nowMillis) {
        requireAmount(nanos);
        return put(account, "seed", nanos, nowMillis);
    }

    private CompletableFuture<Long> put(Account account, String mode, long nanos, long nowMillis) {
        requireNonNull(account, "account");
        return redis.eval(
                PUT,
                ScriptOutputType.INTEGER,
                new String[] {account.redisKey},
                mode,
                Long.toString(nanos),
                Long.toString(account.ttlMillis(nowMillis)));
    }

    /** The figures of these accounts (0 for one Redis does not hold), in their order. */
    public CompletableFuture<long[]> spent(List<Account> accounts) {
        if (accounts.isEmpty()) {
            return CompletableFuture.completedFuture(new long[0]);
        }
        String[] keys = new String[accounts.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = accounts.get(i).redisKey;
        }
        return redis.<List<KeyValue<String, String>>>run(c -> c.mget(keys)).thenApply(values -> {
            long[] out = new long[keys.length];
            for (int i = 0; i < out.length && i < values.size(); i++) {
                KeyValue<String, String> kv = values.get(i);
                out[i] = kv.hasValue() ? parse(kv.getValue()) : 0;
            }
            return out;
        });
    }

    private static long parse(String value) {
        try {
            return Math.max(0, Long.parseLong(value));
        } catch (NumberFormatException e) {
            return 0; // not ours: counts as nothing spent
        }
    }

    /**
     * Puts one budget into the reservation script's KEYS and ARGV (see {@code WindowScripts.RESERVE}): its key at
     * {@code keys[k]}, its limit (-1: none) and its ttl at {@code args[a]} and {@code args[a + 1]}.
     */
    static void put(@Nullable Account budget, String[] keys, int k, String[] args, int a, long now) {
        keys[k] = budget == null ? NO_BUDGET : budget.redisKey;
        args[a] = budget == null ? "-1" : Long.toString(budget.limitNanos);
        args[a + 1] = budget == null ? "0" : Long.toString(budget.ttlMillis(now));
    }

    /** The Redis key of one budget's period. */
    public static String key(String kind, String name, BudgetPeriod period, long number) {
        return SharedWindows.PREFIX + "budget:" + kind + ':' + period.configName() + ':' + number + ':' + name;
    }

    private static void requireAmount(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("nanos: " + nanos + " (expected: >= 0)");
        }
    }

    /**
     * One budget in one period, as a reservation charges it and a settlement finds it again. Immutable.
     */
    public static final class Account {
        final String kind;
        final String name;
        final String redisKey;
        final long limitNanos;
        final long number;
        final long periodEnd;

        /**
         * @param kind {@link #KEY} or {@link #PROVIDER}
         * @param span the period, from the budget's counter
         * @param limitNanos the budget's limit (a reservation that would pass it is refused)
         */
        public Account(String kind, String name, BudgetPeriod period, CalendarSpan span, long limitNanos) {
            this.kind = requireNonNull(kind, "kind");
            this.name = requireNonNull(name, "name");
            requireNonNull(period, "period");
            requireNonNull(span, "span");
            if (limitNanos < 0) {
                throw new IllegalArgumentException("limitNanos: " + limitNanos + " (expected: >= 0)");
            }
            this.number = span.number();
            this.redisKey = key(kind, name, period, period == BudgetPeriod.TOTAL ? 0 : number);
            this.limitNanos = limitNanos;
            this.periodEnd = period == BudgetPeriod.TOTAL ? Long.MAX_VALUE : span.end();
        }

        public String kind() {
            return kind;
        }

        public String name() {
            return name;
        }

        public String redisKey() {
            return redisKey;
        }

        public long limitNanos() {
            return limitNanos;
        }

        /** The period's {@link CalendarSpan#number()}. */
        public long number() {
            return number;
        }

        /** What is left of the limit when {@code spent} is spent, never below zero. */
        public long remaining(long spent) {
            return Math.max(0, limitNanos - spent);
        }

        /** Milliseconds the key lives from {@code now}: to the period's end plus the margin; 0 for never. */
        long ttlMillis(long now) {
            if (periodEnd == Long.MAX_VALUE) {
                return 0;
            }
            return Math.max(1, periodEnd - now + EXPIRY_MARGIN_MILLIS);
        }

        @Override
        public String toString() {
            return "Account[" + redisKey + ", limit=" + limitNanos + ']';
        }
    }
}
