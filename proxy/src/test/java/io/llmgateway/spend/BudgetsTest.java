package io.llmgateway.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.BudgetPeriod;
import io.llmgateway.config.ConfigLoader;
import io.llmgateway.config.GatewayConfig;
import io.llmgateway.limit.CalendarSpan;
import io.llmgateway.limit.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BudgetsTest {
    private static final long USD = Cost.NANOS_PER_USD;
    private final MutableClock clock = MutableClock.at("2026-03-10T12:00:00Z");
    private final long today = CalendarSpan.day(clock.millis(), ZoneOffset.UTC).number();

    @TempDir
    Path dir;

    private static GatewayConfig config(String keyBudget, String providerBudget) throws Exception {
        return ConfigLoader.parse("""
                routing: {time_zone: UTC}
                gateway:
                  api_keys:
                    - {name: team-a, key: sk-team-a-0123456789, budget: %s}
                    - {name: free, key: sk-free-0123456789}
                api_provider:
                  openai: {base_url: "http://127.0.0.1:9", budget: %s}
                model_config:
                  m: {openai: {}}
                """.formatted(keyBudget, providerBudget), Map.of());
    }

    private static void await(java.util.concurrent.CompletableFuture<?> f) throws Exception {
        f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void countersByName_aLimitEditKeepsTheSpend_aPeriodChangeStartsAnew() throws Exception {
        Budgets budgets = new Budgets(clock);
        await(budgets.configure(config("{usd: 10}", "{usd: 100, period: day}")));
        BudgetCounter key = budgets.counter(Budgets.Kind.KEY, "team-a");
        assertTrue(key.tryReserve(3 * USD) >= 0);
        assertNull(budgets.counter(Budgets.Kind.KEY, "free"));
        assertNull(budgets.counter(Budgets.Kind.PROVIDER, "nobody"));

        await(budgets.configure(config("{usd: 20}", "{usd: 100, period: day}")));
        assertSame(key, budgets.counter(Budgets.Kind.KEY, "team-a"));
        assertEquals(20 * USD, key.limit());
        assertEquals(3 * USD, key.spent());

        await(budgets.configure(config("{usd: 20, period: week}", "{usd: 100, period: day}")));
        BudgetCounter weekly = budgets.counter(Budgets.Kind.KEY, "team-a");
        assertNotSame(key, weekly);
        assertEquals(BudgetPeriod.WEEK, weekly.period());
        assertEquals(0, weekly.spent(), "no store: nothing to restore");
    }

    @Test
    void restore_fromTheStore_atStartAndOnAPeriodChange_andAResetStaysForgotten() throws Exception {
        try (SpendStore store = SpendStore.open(dir.resolve("spend.db"), Duration.ofHours(1))) {
            BilledTokens t = BilledTokens.openAi(10, 0, 10);
            store.add(today, "team-a", "openai", "m", t, 2 * USD, false);
            store.add(today - 1, "team-a", "openai", "m", t, 5 * USD, false); // yesterday: the same month
            store.add(today - 40, "team-a", "openai", "m", t, 50 * USD, false); // an earlier month

            Budgets budgets = new Budgets(clock);
            await(budgets.configure(config("{usd: 10, period: month}", "{usd: 100, period: total}")));
            await(budgets.useStore(store));
            assertEquals(7 * USD, budgets.counter(Budgets.Kind.KEY, "team-a").spent());
            assertEquals(
                    57 * USD, budgets.counter(Budgets.Kind.PROVIDER, "openai").spent());

            await(budgets.configure(config("{usd: 10, period: day}", "{usd: 100, period: total}")));
            assertEquals(2 * USD, budgets.counter(Budgets.Kind.KEY, "team-a").spent(), "today's only");

            assertTrue(budgets.reset(Budgets.Kind.KEY, "team-a"));
            assertFalse(budgets.reset(Budgets.Kind.KEY, "free"));
            assertEquals(0, budgets.counter(Budgets.Kind.KEY, "team-a").spent());
            store.add(today, "team-a", "openai", "m", t, USD, false); // after the reset

            Budgets restarted = new Budgets(clock);
            await(restarted.configure(config("{usd: 10, period: day}", "{usd: 100, period: total}")));
            await(restarted.useStore(store));
            assertEquals(USD, restarted.counter(Budgets.Kind.KEY, "team-a").spent(), "the reset forgot 2 USD");
            assertEquals(
                    58 * USD, restarted.counter(Budgets.Kind.PROVIDER, "openai").spent(), "not reset");

            Budgets monthly = new Budgets(clock);
            await(monthly.configure(config("{usd: 10, period: month}", "{usd: 100, period: total}")));
            await(monthly.useStore(store));
            assertEquals(
                    8 * USD, monthly.counter(Budgets.Kind.KEY, "team-a").spent(), "a day's reset: not the month's");

            clock.advance(Duration.ofDays(1));
            assertEquals(0, restarted.counter(Budgets.Kind.KEY, "team-a").spent(), "a new day");
        }
    }

    @Test
    void view_oneRowPerBudget_keysFirst() throws Exception {
        Budgets budgets = new Budgets(clock);
        await(budgets.configure(config("{usd: 10, period: day, unpriced: refuse}", "{usd: 100, period: total}")));
        budgets.counter(Budgets.Kind.KEY, "team-a").tryReserve(USD / 4);
        List<BudgetView> rows = budgets.view();
        assertEquals(
                new BudgetView(
                        Budgets.Kind.KEY,
                        "team-a",
                        10 * USD,
                        BudgetPeriod.DAY,
                        USD / 4,
                        10 * USD - USD / 4,
                        clock.millis() + Duration.ofHours(12).toMillis(),
                        true),
                rows.get(0));
        assertEquals(
                new BudgetView(
                        Budgets.Kind.PROVIDER,
                        "openai",
                        100 * USD,
                        BudgetPeriod.TOTAL,
                        0,
                        100 * USD,
                        Long.MAX_VALUE,
                        false),
                rows.get(1));
        assertEquals(2, rows.size());
        assertEquals("key", Budgets.Kind.KEY.jsonName());
    }
}
