package io.llmgateway.route;

import static java.util.Objects.requireNonNull;

import io.lettuce.core.SetArgs;
import io.llmgateway.config.Budget;
import io.llmgateway.limit.CalendarSpan;
import io.llmgateway.limit.RedisConnection;
import io.llmgateway.limit.SharedBudgets;
import io.llmgateway.spend.BudgetCounter;
import io.llmgateway.spend.BudgetView;
import io.llmgateway.spend.Budgets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The budgets of client keys and providers kept in the shared limits store: what a shared reservation
 * charges, settlements, resets, and keeping this instance's counters in step with Redis.
 *
 * <p>Design notes.
 * <ul>
 * <li>Redis is the truth. The reservation script charges a request's worst case to the key's and the
 *     provider's figure in Redis ({@link io.llmgateway.limit.SharedBudgets}); this instance's
 *     {@link BudgetCounter}s <em>mirror</em> those figures (from every reservation's reply and every poll), so
 *     the remaining-budget header, the admin page and {@code /api/usage} show the figure every instance
 *     shares, without a round trip of their own.</li>
 * <li>Start (or a reload that adds a budget): a budget that Redis has no figure for (a fresh Redis) is seeded
 *     with what this instance's spend store holds for the period ({@code SET NX}); a figure already there wins. With several instances
 *     restarting onto an empty Redis, the first one's record seeds it (each store holds only its own
 *     instance's spend).</li>
 * <li>Redis lost its data while instances ran (the data set marker changed): the first instance to notice
 *     (a guard key per marker) adds the figures it last mirrored, so the period's spend is not forgotten.</li>
 * <li>Fallback (Redis unreachable): the local counters decide, starting from the last figure mirrored, each
 *     with {@code limits_store_fallback_share} of what was left of the limit, so N instances with a share of
 *     1/N together stay within the budget. When Redis answers again, what this instance spent meanwhile is
 *     added to the shared figures, then the counters get their whole limit back and mirror Redis again.</li>
 * <li>A settlement adjusts the figure of the period its reservation charged (a late one never touches the
 *     next period) and the mirror; a lost settlement leaves the worst case counted (the safe side).</li>
 * </ul>
 */
final class SharedSpend {
    private static final Logger LOG = LogManager.getLogger(SharedSpend.class);
    private static final String RESTORED_PREFIX = "llmgw:budget:restored:";
    private static final long GUARD_MILLIS = 86_400_000L;

    private final RedisConnection connection;
    private final SharedBudgets redis;
    private final Clock clock;
    private volatile @Nullable Budgets budgets;
    /**
     * The counters seeded already (one a reload adds is seeded by the next poll), each with how often a
     * reservation or settlement changed its mirror: a poll whose read is older than such a change skips it.
     */
    private final Map<BudgetCounter, AtomicLong> seeded = new ConcurrentHashMap<>();
    /** Each counter's mirrored figure when the store fell back; poller and fallback entry only. */
    private final Map<BudgetCounter, Long> atFallback = new ConcurrentHashMap<>();

    SharedSpend(RedisConnection connection, Clock clock) {
        this.connection = requireNonNull(connection, "connection");
        this.redis = new SharedBudgets(connection);
        this.clock = requireNonNull(clock, "clock");
    }

    /** The registry of budgets once the gateway has restored it; null before. */
    @Nullable
    Budgets budgets() {
        return budgets;
    }

    /**
     * Starts keeping {@code registry}'s counters in step with Redis: seeds the figures Redis does not hold with
     * the counters' restored spend, then mirrors Redis. Blocks up to {@code waitMillis} (never on an event loop).
     */
    void use(Budgets registry, long waitMillis) {
        requireNonNull(registry, "registry");
        long now = clock.millis();
        try {
            for (Item i : items(registry)) {
                seed(i, now, waitMillis);
            }
        } catch (Exception e) {
            LOG.warn("limits_store: budgets not seeded ({}): Redis keeps the figures it has", SharedStore.describe(e));
        }
        budgets = registry;
    }

    private void seed(Item i, long now, long waitMillis) throws Exception {
        long figure = redis.seed(i.account, i.counter.spent(), now).get(waitMillis, TimeUnit.MILLISECONDS);
        i.counter.mirror(i.span.number(), figure);
        seeded.putIfAbsent(i.counter, new AtomicLong());
    }

    /** The account of {@code counter} for this period as admission charges it, or null without a counter. */
    static SharedBudgets.@Nullable Account account(Budgets.Kind kind, String name, @Nullable BudgetCounter counter) {
        return counter == null ? null : account(kind, name, counter, counter.limit());
    }

    /** The account of {@code counter} for this period, with the limit {@code limitNanos}. */
    private static SharedBudgets.Account account(
            Budgets.Kind kind, String name, BudgetCounter counter, long limitNanos) {
        return new SharedBudgets.Account(
                kind == Budgets.Kind.KEY ? SharedBudgets.KEY : SharedBudgets.PROVIDER,
                name,
                counter.period(),
                counter.span(),
                limitNanos);
    }

    /** Mirrors the figure a reservation charged {@code account} to (a reply from the period before is dropped). */
    void mirror(@Nullable BudgetCounter counter, SharedBudgets.@Nullable Account account, long figure) {
        if (counter != null && account != null) {
            touched(counter);
            counter.mirror(account.number(), figure);
        }
    }

    private void touched(BudgetCounter counter) {
        AtomicLong changes = seeded.get(counter);
        if (changes != null) {
            changes.incrementAndGet();
        }
    }

    /** Replaces a reservation by the real cost in Redis (fire and forget) and in the mirror. */
    void settle(
            @Nullable BudgetCounter counter,
            long ticket,
            SharedBudgets.@Nullable Account account,
            long reserved,
            long actual) {
        if (account == null || reserved == actual) {
            return;
        }
        if (counter != null) {
            touched(counter);
            counter.settle(ticket, reserved, actual);
        }
        redis.settle(account, actual - reserved).whenComplete((figure, e) -> {
            if (e != null) {
                LOG.debug("limits_store: a budget settlement for {} was lost: {}", account, SharedStore.describe(e));
            }
        });
    }

    /** Zeroes the shared figure of a budget's current period (an admin reset reaches every instance). */
    void reset(Budgets.Kind kind, String name) {
        Budgets b = budgets;
        if (b == null) {
            return;
        }
        BudgetCounter c = b.counter(kind, name);
        Budget budget = b.budget(kind, name);
        if (c != null && budget != null) {
            SharedBudgets.Account a = account(kind, name, c, budget.limitNanos());
            redis.reset(a, clock.millis()).whenComplete((v, e) -> {
                if (e != null) {
                    LOG.warn(
                            "limits_store: the budget reset of {} '{}' did not reach Redis: {}",
                            kind.jsonName(),
                            name,
                            SharedStore.describe(e));
                }
            });
        }
    }

    /** The store fell back: each counter may spend its share of what was left, alone. */
    void fellBack(double share) {
        Budgets b = budgets;
        if (b == null) {
            return;
        }
        for (Item i : items(b)) {
            long spent = i.counter.spent();
            atFallback.put(i.counter, spent);
            long left = Math.max(0, i.account.limitNanos() - spent);
            i.counter.limit(Math.max(1, spent + (long) Math.ceil(left * Math.min(1.0, share))));
        }
    }

    /**
     * The store answers again: adds what this instance spent alone meanwhile (unless {@code add} is false:
     * {@link #restore} put it back already) and gives the counters their whole limits back. Poller thread only.
     */
    void recovered(boolean add, long waitMillis) throws Exception {
        Budgets b = budgets;
        if (b == null) {
            return;
        }
        long now = clock.millis();
        for (Item i : items(b)) {
            Long before = atFallback.remove(i.counter);
            long alone = i.counter.spent() - (before == null ? 0 : before);
            // A counter never seeded (Redis was down at start) is seeded with all it holds by the next poll.
            if (add && alone > 0 && seeded.containsKey(i.counter)) {
                try {
                    redis.add(i.account, alone, now).get(waitMillis, TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    atFallback.put(i.counter, before == null ? 0 : before); // try again with the next poll
                    throw e;
                }
            }
            i.counter.limit(i.account.limitNanos());
        }
        atFallback.clear();
    }

    /**
     * Redis lost its data ({@code marker} names the new data set): the first instance to notice puts back the
     * figures it mirrored, on top of what was charged since. Poller thread only.
     */
    void restore(String marker, long waitMillis) throws Exception {
        Budgets b = budgets;
        if (b == null) {
            return;
        }
        String guard = RESTORED_PREFIX + marker;
        String won = connection
                .<String>run(c -> c.set(guard, "1", SetArgs.Builder.nx().px(GUARD_MILLIS)))
                .get(waitMillis, TimeUnit.MILLISECONDS);
        if (!"OK".equals(won)) {
            return; // another instance restores
        }
        long now = clock.millis();
        for (Item i : items(b)) {
            long spent = i.counter.spent();
            if (spent > 0) {
                redis.add(i.account, spent, now).get(waitMillis, TimeUnit.MILLISECONDS);
            }
        }
    }

    /**
     * Reads every budget's figure and mirrors it, seeding the figures of budgets a reload added (SHARED mode
     * only). Poller thread only.
     */
    void poll(long waitMillis) throws Exception {
        Budgets b = budgets;
        if (b == null) {
            return;
        }
        List<Item> all = items(b);
        List<Item> items = new ArrayList<>(all.size());
        List<SharedBudgets.Account> accounts = new ArrayList<>(all.size());
        long[] changes = new long[all.size()];
        long now = clock.millis();
        for (Item i : all) {
            AtomicLong c = seeded.get(i.counter);
            if (c != null) {
                changes[items.size()] = c.get();
                items.add(i);
                accounts.add(i.account);
            } else {
                seed(i, now, waitMillis); // a budget a reload added: its restored spend, unless Redis has a figure
            }
        }
        if (seeded.size() > all.size()) {
            List<BudgetCounter> live = new ArrayList<>(all.size());
            for (Item i : all) {
                live.add(i.counter);
            }
            seeded.keySet().retainAll(live);
        }
        long[] figures = redis.spent(accounts).get(waitMillis, TimeUnit.MILLISECONDS);
        for (int k = 0; k < items.size() && k < figures.length; k++) {
            Item i = items.get(k);
            AtomicLong c = seeded.get(i.counter);
            if (c != null && c.get() == changes[k]) { // else a fresher figure arrived meanwhile
                i.counter.mirror(i.span.number(), figures[k]);
            }
        }
    }

    private static List<Item> items(Budgets b) {
        List<Item> out = new ArrayList<>();
        for (BudgetView v : b.view()) {
            BudgetCounter c = b.counter(v.kind(), v.name());
            Budget budget = b.budget(v.kind(), v.name());
            if (c != null && budget != null) {
                // The configured limit: a counter's own is lower while the store is unreachable.
                out.add(new Item(c, c.span(), account(v.kind(), v.name(), c, budget.limitNanos())));
            }
        }
        return out;
    }

    /** What one shared admission reserved in the budgets: settled once, by {@link Attempt#settleSpend}. */
    static final class Tickets {
        private final SharedSpend spend;
        private final @Nullable BudgetCounter providerCounter;
        private final SharedBudgets.@Nullable Account provider;
        private final @Nullable BudgetCounter keyCounter;
        private final SharedBudgets.@Nullable Account key;

        Tickets(
                SharedSpend spend,
                @Nullable BudgetCounter providerCounter,
                SharedBudgets.@Nullable Account provider,
                @Nullable BudgetCounter keyCounter,
                SharedBudgets.@Nullable Account key) {
            this.spend = requireNonNull(spend, "spend");
            this.providerCounter = providerCounter;
            this.provider = provider;
            this.keyCounter = keyCounter;
            this.key = key;
        }

        void settle(long reserved, long actual) {
            if (provider != null) {
                spend.settle(providerCounter, provider.number(), provider, reserved, actual);
            }
            if (key != null) {
                spend.settle(keyCounter, key.number(), key, reserved, actual);
            }
        }
    }

    /** One budget's counter, its period and its account in Redis, read together. */
    private record Item(BudgetCounter counter, CalendarSpan span, SharedBudgets.Account account) {}
}
