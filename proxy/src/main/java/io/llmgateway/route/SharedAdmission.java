package io.llmgateway.route;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.Price;
import io.llmgateway.limit.SharedBudgets;
import io.llmgateway.limit.SharedWindows;
import io.llmgateway.limit.WindowSpec;
import io.llmgateway.spend.BudgetClaim;
import io.llmgateway.spend.BudgetCounter;
import io.llmgateway.spend.Budgets;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Admission against the shared limits store ({@code limits_store: redis://...}), where several gateway
 * instances admit against the same counts.
 *
 * <p>A Redis round trip must not block the event loop that admits, so this admission is asynchronous: it
 * does the read-only checks and claims circuit permits at once, orders every eligible route by its plan's
 * {@link Chooser} (headroom from the last shared counts seen), and sends them all to one atomic reservation
 * script, which admits the first one whose windows all fit. The script is what keeps a limit of N at N
 * admitted across instances. A failure or a timeout switches the store to its fallback and the request is
 * decided locally at once.
 *
 * <p>Budgets follow the local rules ({@link LocalAdmission}) in the same script: each candidate carries the
 * request's worst case at its route's price and its provider's budget, the client key's budget is common to
 * all; a candidate either budget cannot pay for is passed over, and an unpriced route checks no budget (or is
 * not sent at all when the key refuses unpriced models). The figures Redis returns are mirrored in the local
 * counters (see {@link SharedSpend}), so denials and the remaining-budget header read what every instance
 * shares.
 */
final class SharedAdmission {
    private static final Logger LOG = LogManager.getLogger(SharedAdmission.class);

    private final Clock clock;
    private final SharedStore store;
    private final LocalAdmission local;
    private final Supplier<RoutingTable> table;

    /** @param table the router's current table, for the local decision after a failed reservation */
    SharedAdmission(Clock clock, SharedStore store, LocalAdmission local, Supplier<RoutingTable> table) {
        this.clock = requireNonNull(clock, "clock");
        this.store = requireNonNull(store, "store");
        this.local = requireNonNull(local, "local");
        this.table = requireNonNull(table, "table");
    }

    /** A {@link PendingAdmission}, or a {@link Denial} when no route can even be tried. */
    Admission admit(RoutingTable t, String model, long tokens, Set<String> tried, RouteScope scope, BudgetClaim claim) {
        List<RoutingTable.ModelPlan> plans = t.plans(model, scope);
        if (plans == null) {
            return Denials.unknownModel(model);
        }
        long now = clock.millis();
        claim.admitting();
        Candidates c = new Candidates(plans, claim);
        for (RoutingTable.ModelPlan plan : plans) {
            for (int i : plan.chooser.order(plan, tokens, tried, now, ThreadLocalRandom.current())) {
                long nanos = 0;
                if (claim.active()) {
                    Price price = claim.price(plan.name, plan.states[i].name);
                    if (price == null && claim.refusesUnpriced()) {
                        claim.unpricedRefused();
                        continue;
                    }
                    nanos = claim.reservation(price);
                }
                int permit = plan.states[i].breaker.tryAcquire(now);
                if (permit != CircuitBreaker.DENIED) {
                    c.add(plan, i, permit, nanos);
                }
            }
        }
        if (c.size == 0) {
            return Denials.of(model, plans, tokens, tried, now, Denials.SharedVerdicts.NONE, claim);
        }
        Set<String> triedNow = Set.copyOf(tried); // the caller may change its set before Redis answers
        CompletableFuture<Admission> result = new CompletableFuture<>();
        store.reserve(c.specs, c.size, tokens, now, c.keyAccount, c.accounts, c.worst)
                .whenComplete((r, error) ->
                        result.complete(decide(model, scope, c, r, error, plans, tokens, triedNow, now, claim)));
        return new PendingAdmission(result);
    }

    /** Never throws: a pending admission must complete, or its request would wait forever. */
    private Admission decide(
            String model,
            RouteScope scope,
            Candidates c,
            SharedWindows.Reservation r,
            Throwable error,
            List<RoutingTable.ModelPlan> plans,
            long tokens,
            Set<String> tried,
            long now,
            BudgetClaim claim) {
        try {
            if (error == null) {
                return onReserved(model, c, r, plans, tokens, tried, now, claim);
            }
        } catch (RuntimeException e) {
            LOG.error("limits_store: unexpected reservation reply {}", r, e);
            error = e;
        }
        try {
            c.giveBackTrials(-1);
            store.fellBack(error);
            return local.admit(table.get(), model, tokens, tried, scope, claim);
        } catch (RuntimeException e) {
            LOG.error("cannot admit a request for {}", model, e);
            return Denials.undecided(model);
        }
    }

    private Admission onReserved(
            String model,
            Candidates c,
            SharedWindows.Reservation r,
            List<RoutingTable.ModelPlan> plans,
            long tokens,
            Set<String> tried,
            long now,
            BudgetClaim claim) {
        for (int j = 0; j < r.evaluated(); j++) {
            c.states[j].sharedCounts(r.rpm(j), r.tpm(j), r.rpd(j));
            store.spend().mirror(c.counters[j], c.accounts[j], r.providerSpent(j));
            if (r.code(j) == SharedWindows.REFUSED_KEY_BUDGET) {
                claim.keyRefused();
            }
        }
        store.spend().mirror(c.keyCounter, c.keyAccount, r.keySpent());
        int k = r.admitted();
        c.giveBackTrials(k);
        if (k < 0) {
            return Denials.of(model, plans, tokens, tried, now, new Denials.SharedVerdicts(r, c.states), claim);
        }
        ProviderState s = c.states[k];
        // This instance's own share of the traffic, so that a fallback starts from it (see SharedStore).
        long localTicket = s.limiter.record(tokens);
        Attempt a = new Attempt(
                c.plans[k].name,
                c.plans[k].routes[c.routes[k]].alias(),
                s,
                localTicket,
                r.ticket(),
                tokens,
                c.permits[k] == CircuitBreaker.TRIAL);
        long nanos = c.worst[k];
        if (nanos > 0 && (c.accounts[k] != null || c.keyAccount != null)) {
            a.holdShared(
                    new SharedSpend.Tickets(store.spend(), c.counters[k], c.accounts[k], c.keyCounter, c.keyAccount),
                    nanos);
        }
        return a;
    }

    /**
     * The routes one shared reservation tries, in order, with the circuit permits claimed for them and what
     * each charges the budgets.
     */
    private static final class Candidates {
        final RoutingTable.ModelPlan[] plans;
        final int[] routes;
        final ProviderState[] states;
        final WindowSpec[] specs;
        final int[] permits;
        final BudgetClaim claim;
        /** Per candidate: the worst case at its price, its provider's budget counter and account (or null). */
        final long[] worst;

        final BudgetCounter[] counters;
        final SharedBudgets.Account[] accounts;
        final BudgetCounter keyCounter;
        final SharedBudgets.Account keyAccount;
        int size;

        Candidates(List<RoutingTable.ModelPlan> models, BudgetClaim claim) {
            int n = 0;
            for (RoutingTable.ModelPlan p : models) {
                n += p.routes.length;
            }
            plans = new RoutingTable.ModelPlan[n];
            routes = new int[n];
            states = new ProviderState[n];
            specs = new WindowSpec[n];
            permits = new int[n];
            this.claim = claim;
            worst = new long[n];
            counters = new BudgetCounter[n];
            accounts = new SharedBudgets.Account[n];
            keyCounter = claim.keyCounter();
            keyAccount = SharedSpend.account(Budgets.Kind.KEY, claim.keyName(), keyCounter);
        }

        void add(RoutingTable.ModelPlan plan, int route, int permit, long nanos) {
            plans[size] = plan;
            routes[size] = route;
            states[size] = plan.states[route];
            specs[size] = plan.states[route].spec();
            permits[size] = permit;
            worst[size] = nanos;
            if (nanos > 0) {
                String provider = plan.states[route].name;
                counters[size] = claim.providerCounter(provider);
                accounts[size] = SharedSpend.account(Budgets.Kind.PROVIDER, provider, counters[size]);
            }
            size++;
        }

        /** Hands back the half-open trials claimed for every candidate but {@code admitted}. */
        void giveBackTrials(int admitted) {
            for (int j = 0; j < size; j++) {
                if (j != admitted && permits[j] == CircuitBreaker.TRIAL) {
                    states[j].breaker.onNeutral(true);
                }
            }
        }
    }
}
