package io.llmgateway.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.Budget;
import io.llmgateway.config.BudgetPeriod;
import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.limit.SharedBudgets;
import io.llmgateway.spend.BudgetCounter;
import io.llmgateway.spend.Budgets;
import io.llmgateway.testing.Await;
import io.llmgateway.testing.RedisExtension;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Budgets kept in a real redis-server by several routers: seeding, mirrors, resets, fallback and recovery. */
class SharedSpendTest {
    private static final long USD = Budget.NANOS_PER_USD;

    private final Clock clock = Clock.systemUTC();
    private final List<Router> routers = new ArrayList<>();

    @RegisterExtension
    final RedisExtension redis = new RedisExtension();

    @AfterEach
    void stop() throws Exception {
        routers.forEach(Router::close);
    }

    private GatewayConfig config(String timeout) throws Exception {
        return config(timeout, "");
    }

    /** Key team's budget of 10 USD a day, provider acme's of 100; {@code moreKeys} adds entries to api_keys. */
    private GatewayConfig config(String timeout, String moreKeys) throws Exception {
        return ConfigLoader.parse("""
                limits_store: %s
                limits_store_timeout: %s
                limits_store_fallback_share: 0.5
                api_provider:
                  acme:
                    base_url: http://127.0.0.1:9/v1
                    budget: {usd: 100, period: day}
                model_config:
                  m:
                    acme: {}
                gateway:
                  api_keys:
                    - name: team
                      key: k1
                      budget: {usd: 10, period: day}
                %s""".formatted(redis.uri(), timeout, moreKeys), Map.of());
    }

    /** A gateway instance's router and budgets; {@code restored} stands for its spend store's record. */
    private Budgets instance(GatewayConfig config, long restored) {
        Budgets b = new Budgets(clock);
        b.configure(config).join();
        team(b).record(restored);
        Router r = new Router(config, clock);
        routers.add(r);
        r.useBudgets(b);
        return b;
    }

    private static BudgetCounter team(Budgets b) {
        return b.counter(Budgets.Kind.KEY, "team");
    }

    private long figure(BudgetCounter c) throws Exception {
        String key = SharedBudgets.key(
                SharedBudgets.KEY, "team", BudgetPeriod.DAY, c.span().number());
        String reply = redis.server().command("EVAL \"return tonumber(redis.call('GET', KEYS[1]) or '-1')\" 1 " + key);
        return Long.parseLong(reply.substring(1));
    }

    @Test
    void useBudgets_seedsAFreshRedisFromTheRecord_andAFigureThereWins() throws Exception {
        GatewayConfig config = config("2s");
        Budgets a = instance(config, 3 * USD);
        assertEquals(3 * USD, figure(team(a)));
        Budgets b = instance(config, USD);
        assertEquals(3 * USD, team(b).spent()); // Redis is the truth
        assertEquals(3 * USD, figure(team(b)));
        assertEquals(7 * USD, team(b).remaining());
    }

    @Test
    void reset_zeroesTheSharedFigure_andEveryInstanceMirrorsIt() throws Exception {
        GatewayConfig config = config("2s");
        Budgets a = instance(config, 3 * USD);
        Budgets b = instance(config, 0);
        assertEquals(3 * USD, team(b).spent());
        a.reset(Budgets.Kind.KEY, "team");
        Await.until("the shared figure is zero", () -> figureQuietly(team(a)) == 0);
        Await.until("the other instance mirrors the reset", () -> team(b).spent() == 0);
    }

    @Test
    void fallback_spendsItsShareOfWhatWasLeft_thenAddsItWhenRedisAnswers() throws Exception {
        GatewayConfig config = config("200ms");
        Budgets a = instance(config, 3 * USD);
        Router router = routers.get(0);
        redis.server().command("CLIENT PAUSE 2500 ALL");
        Await.until("fallback", () -> router.storeStatus().mode() == StoreStatus.Mode.FALLBACK);
        BudgetCounter c = team(a);
        assertEquals(3 * USD + 7 * USD / 2, c.limit()); // half of the 7 USD left
        long ticket = c.tryReserve(3 * USD);
        assertEquals(BudgetCounter.REJECTED, c.tryReserve(USD));
        c.settle(ticket, 3 * USD, 2 * USD);
        Await.until("shared again", () -> router.storeStatus().mode() == StoreStatus.Mode.SHARED);
        assertEquals(5 * USD, figure(c));
        assertEquals(10 * USD, c.limit());
        assertEquals(5 * USD, c.spent());
    }

    @Test
    void redisLosesItsData_theFiguresArePutBack() throws Exception {
        GatewayConfig config = config("200ms");
        Budgets a = instance(config, 4 * USD);
        Router router = routers.get(0);
        redis.server().kill();
        Await.until("fallback", () -> router.storeStatus().mode() == StoreStatus.Mode.FALLBACK);
        assertTrue(team(a).tryReserve(USD) >= 0); // spent alone: Redis never saw it
        redis.server().start(); // empty, as after a restart without persistence
        Await.until("shared again", () -> router.storeStatus().mode() == StoreStatus.Mode.SHARED);
        assertEquals(5 * USD, figure(team(a)));
        assertEquals(10 * USD, team(a).limit());
    }

    @Test
    void redisDownAtStart_countsLocally_thenSeedsRedisWithAllItHolds() throws Exception {
        redis.server().kill();
        GatewayConfig config = config("200ms");
        Budgets a = instance(config, 2 * USD);
        Router router = routers.get(0);
        assertEquals(StoreStatus.Mode.FALLBACK, router.storeStatus().mode());
        BudgetCounter c = team(a);
        assertEquals(2 * USD + 8 * USD / 2, c.limit());
        assertTrue(c.tryReserve(USD) >= 0);
        redis.server().start();
        Await.until("shared", () -> router.storeStatus().mode() == StoreStatus.Mode.SHARED);
        Await.until("seeded", () -> figureQuietly(c) == 3 * USD);
        assertEquals(10 * USD, c.limit());
    }

    @Test
    void reloadAddsABudget_theNextPollSeedsIt() throws Exception {
        GatewayConfig config = config("2s");
        Budgets a = instance(config, 0);
        GatewayConfig more = config("2s", "    - {name: other, key: k2, budget: {usd: 5, period: day}}\n");
        routers.get(0).reconfigure(more);
        a.configure(more).join();
        BudgetCounter other = a.counter(Budgets.Kind.KEY, "other");
        other.record(USD); // what the spend store held for it
        String key = SharedBudgets.key(
                SharedBudgets.KEY, "other", BudgetPeriod.DAY, other.span().number());
        Await.until("seeded", () -> {
            try {
                return redis.server()
                        .command("EVAL \"return tonumber(redis.call('GET', KEYS[1]) or '-1')\" 1 " + key)
                        .equals(":" + USD);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    private long figureQuietly(BudgetCounter c) {
        try {
            return figure(c);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
