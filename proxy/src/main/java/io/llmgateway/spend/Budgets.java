package io.llmgateway.spend;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.AccessSettings;
import io.llmgateway.config.Budget;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.limit.CalendarSpan;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jspecify.annotations.Nullable;

/*
 * Design notes
 * - One registry per gateway; each config snapshot rebuilds its maps (immutable, behind one volatile field
 *   each), keeping the counter of a name whose period and zone stay: a limit edit keeps what was spent. A
 *   new name, a changed period or a changed time zone starts a new counter, restored from the spend store.
 * - Restoring runs on the store's writer thread (SQLite); the counter counts from zero meanwhile and the
 *   period's stored spend is added when the query answers. At start the gateway waits for it before it
 *   accepts connections; after a reload nothing waits (a reload may run on an event loop).
 * - A reset zeroes the counter and writes a marker with what the store holds for the period when its writer
 *   thread records it, a moment after the reset: spend recorded in that moment is forgotten too (never counted
 *   twice). A restore subtracts the latest marker of the period, so a restart does not bring forgotten spend
 *   back. The per-day history stays as it is.
 * - Lookups are map gets on immutable maps: no allocation on the admission path.
 */
/**
 * The budgets of client keys and providers: a {@link BudgetCounter} per name with a budget, restored from the
 * {@link SpendStore} and kept across reloads.
 */
public final class Budgets {
    private static final Logger LOG = LogManager.getLogger(Budgets.class);

    /** Whose budget: a client key's ({@code gateway.api_keys[].budget}) or a provider's. */
    public enum Kind {
        KEY(SpendStore.By.KEY),
        PROVIDER(SpendStore.By.PROVIDER);

        final SpendStore.By by;

        Kind(SpendStore.By by) {
            this.by = by;
        }

        /** The name in JSON and the admin API: {@code "key"} or {@code "provider"}. */
        public String jsonName() {
            return this == KEY ? "key" : "provider";
        }
    }

    private final Clock clock;
    private volatile Map<String, Entry> keys = Map.of();
    private volatile Map<String, Entry> providers = Map.of();
    private @Nullable SpendStore store; // guarded by this
    private volatile BiConsumer<Kind, String> resetListener = (kind, name) -> {};

    public Budgets(Clock clock) {
        this.clock = requireNonNull(clock, "clock");
    }

    /**
     * Applies the budgets of {@code config}: counters of names whose period and time zone stay are kept (their
     * limit updated); others start anew and are restored from the store, if one is in use.
     *
     * @return completes when the new counters are restored
     */
    public synchronized CompletableFuture<Void> configure(GatewayConfig config) {
        requireNonNull(config, "config");
        ZoneId zone = config.routing().timeZone();
        List<Entry> fresh = new ArrayList<>();
        Map<String, Budget> keyBudgets = new LinkedHashMap<>();
        for (AccessSettings.ClientKey k : config.access().apiKeys()) {
            if (k.budget() != null) {
                keyBudgets.put(k.name(), k.budget());
            }
        }
        keys = build(Kind.KEY, keyBudgets, keys, zone, fresh);
        providers = build(Kind.PROVIDER, config.spend().providerBudgets(), providers, zone, fresh);
        return restore(fresh);
    }

    /**
     * Keeps spend in {@code store} from now on (resets) and restores every counter from it: at start, before
     * the gateway accepts connections.
     *
     * @return completes when every counter is restored
     */
    public synchronized CompletableFuture<Void> useStore(SpendStore store) {
        this.store = requireNonNull(store, "store");
        List<Entry> all = new ArrayList<>(keys.values());
        all.addAll(providers.values());
        return restore(all);
    }

    /** The counter of a key or provider, or null when it has no budget. */
    public @Nullable BudgetCounter counter(Kind kind, String name) {
        Entry e = entries(kind).get(name);
        return e == null ? null : e.counter;
    }

    /** The budget of a key or provider as configured, or null when it has none. */
    public @Nullable Budget budget(Kind kind, String name) {
        Entry e = entries(kind).get(name);
        return e == null ? null : e.budget;
    }

    /** Whether any key or provider has a budget. */
    public boolean any() {
        return !keys.isEmpty() || !providers.isEmpty();
    }

    /**
     * Forgets the current period's spend for budgeting (admin reset); persisted so a restart keeps it. The
     * per-day history of spend is not changed.
     *
     * @return false when the key or provider has no budget
     */
    public boolean reset(Kind kind, String name) {
        requireNonNull(kind, "kind");
        requireNonNull(name, "name");
        Entry e = entries(kind).get(name);
        if (e == null) {
            return false;
        }
        CalendarSpan span = e.counter.span();
        e.counter.reset();
        resetListener.accept(kind, name);
        SpendStore s;
        synchronized (this) {
            s = store;
        }
        if (s != null) {
            s.recordReset(
                            kind.by,
                            name,
                            e.budget.period().configName(),
                            span.number(),
                            firstDay(span, e.zone),
                            endDay(span, e.zone),
                            clock.millis())
                    .exceptionally(error -> {
                        LOG.warn(
                                "the reset of the budget of {} '{}' is not stored: {}",
                                kind.jsonName(),
                                name,
                                error.toString());
                        return null;
                    });
        }
        return true;
    }

    /**
     * Called after each {@link #reset} (on the caller's thread): a shared limits store zeroes the shared figure
     * too, so that every instance forgets the spend.
     */
    public void onReset(BiConsumer<Kind, String> listener) {
        this.resetListener = requireNonNull(listener, "listener");
    }

    /** One row per budget, keys first, in config order. */
    public List<BudgetView> view() {
        List<BudgetView> out = new ArrayList<>();
        for (Entry e : keys.values()) {
            out.add(e.view());
        }
        for (Entry e : providers.values()) {
            out.add(e.view());
        }
        return List.copyOf(out);
    }

    private Map<String, Entry> entries(Kind kind) {
        return requireNonNull(kind, "kind") == Kind.KEY ? keys : providers;
    }

    private Map<String, Entry> build(
            Kind kind, Map<String, Budget> budgets, Map<String, Entry> previous, ZoneId zone, List<Entry> fresh) {
        Map<String, Entry> out = new LinkedHashMap<>();
        for (Map.Entry<String, Budget> b : budgets.entrySet()) {
            Budget budget = b.getValue();
            Entry old = previous.get(b.getKey());
            Entry e;
            if (old != null && old.budget.period() == budget.period() && old.zone.equals(zone)) {
                old.counter.limit(budget.limitNanos());
                e = new Entry(kind, b.getKey(), budget, zone, old.counter);
            } else {
                e = new Entry(kind, b.getKey(), budget, zone, new BudgetCounter(budget, zone, clock));
                fresh.add(e);
            }
            out.put(b.getKey(), e);
        }
        return Collections.unmodifiableMap(out);
    }

    /** Adds to each counter what the store holds for its period, less what a reset forgot. */
    private CompletableFuture<Void> restore(List<Entry> entries) {
        SpendStore s = store;
        if (s == null || entries.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        // One query per kind and period: every counter of the same kind and period shares its span.
        Map<String, List<Entry>> groups = new HashMap<>();
        for (Entry e : entries) {
            groups.computeIfAbsent(e.kind + "/" + e.budget.period(), g -> new ArrayList<>())
                    .add(e);
        }
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (List<Entry> group : groups.values()) {
            Entry first = group.get(0);
            CalendarSpan span = first.counter.span();
            all.add(s.budgetSpend(
                            first.kind.by,
                            first.budget.period().configName(),
                            span.number(),
                            firstDay(span, first.zone),
                            endDay(span, first.zone))
                    .thenAccept(spent -> {
                        for (Entry e : group) {
                            Long nanos = spent.get(e.name);
                            if (nanos != null && nanos > 0) {
                                e.counter.restore(span.number(), nanos);
                            }
                        }
                    }));
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
    }

    /** The first epoch day of {@code span} in the spend store's rows. */
    static long firstDay(CalendarSpan span, ZoneId zone) {
        return span == CalendarSpan.TOTAL
                ? Long.MIN_VALUE
                : CalendarSpan.day(span.start(), zone).number();
    }

    /** The epoch day after the last of {@code span}. */
    static long endDay(CalendarSpan span, ZoneId zone) {
        return span == CalendarSpan.TOTAL
                ? Long.MAX_VALUE
                : CalendarSpan.day(span.end() - 1, zone).number() + 1;
    }

    /** A name's budget and its counter. */
    private static final class Entry {
        final Kind kind;
        final String name;
        final Budget budget;
        final ZoneId zone;
        final BudgetCounter counter;

        Entry(Kind kind, String name, Budget budget, ZoneId zone, BudgetCounter counter) {
            this.kind = kind;
            this.name = name;
            this.budget = budget;
            this.zone = zone;
            this.counter = counter;
        }

        BudgetView view() {
            long spent = counter.spent();
            return new BudgetView(
                    kind,
                    name,
                    counter.limit(),
                    budget.period(),
                    spent,
                    Math.max(0, counter.limit() - spent),
                    counter.resetsAtMillis(),
                    budget.refuseUnpriced());
        }
    }
}
