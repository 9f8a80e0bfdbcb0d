package io.llmgateway.limit;

import static io.llmgateway.config.Limits.UNLIMITED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.BudgetPeriod;
import io.llmgateway.config.Limits;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Budgets in Redis (the reservation script's budget part and {@link SharedBudgets}) against a real redis-server. */
class SharedBudgetsTest {
    private static final long T0 = Instant.parse("2024-05-01T10:00:00Z").toEpochMilli();
    private static final long WORST = 1_500_000; // 0.0015 USD

    @RegisterExtension
    static final RedisFixture fixture = new RedisFixture();

    private static SharedWindows windows;
    private static SharedBudgets budgets;

    @BeforeAll
    static void redisUsers() throws Exception {
        RedisConnection redis = fixture.redis();
        windows = new SharedWindows(redis);
        budgets = new SharedBudgets(redis);
    }

    private static WindowSpec spec(String name) {
        return new WindowSpec(name, new Limits(UNLIMITED, UNLIMITED, UNLIMITED, UNLIMITED), false, ZoneOffset.UTC);
    }

    private static SharedBudgets.Account day(String kind, String name, long limit, long now) {
        return new SharedBudgets.Account(kind, name, BudgetPeriod.DAY, CalendarSpan.day(now, ZoneOffset.UTC), limit);
    }

    private static CompletableFuture<SharedWindows.Reservation> reserve(
            long now, SharedBudgets.Account key, SharedBudgets.Account[] providers, long[] worst, WindowSpec... specs) {
        return windows.reserve(specs, specs.length, 10, now, key, providers, worst);
    }

    private static SharedWindows.Reservation reserveNow(
            long now, SharedBudgets.Account key, SharedBudgets.Account[] providers, long[] worst, WindowSpec... specs) {
        return reserve(now, key, providers, worst, specs)
                .orTimeout(5, TimeUnit.SECONDS)
                .join();
    }

    @Test
    void reserve_keyBudgetWorthTen_admitsExactlyTenOfFortyRacing() {
        WindowSpec a = spec("a");
        SharedBudgets.Account key = day(SharedBudgets.KEY, "team", 10 * WORST, T0);
        List<CompletableFuture<SharedWindows.Reservation>> calls = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            calls.add(reserve(T0 + i, key, null, new long[] {WORST}, a));
        }
        int admitted = 0;
        int refused = 0;
        for (CompletableFuture<SharedWindows.Reservation> call : calls) {
            SharedWindows.Reservation r = call.orTimeout(5, TimeUnit.SECONDS).join();
            if (r.admitted() == 0) {
                admitted++;
            } else if (r.code(0) == SharedWindows.REFUSED_KEY_BUDGET) {
                refused++;
            }
        }
        assertEquals(10, admitted);
        assertEquals(30, refused);
        assertEquals(10 * WORST, spent(key));
        assertEquals(10, windows.current(List.of(a), T0 + 40).join()[0]); // a refused candidate counts no request
    }

    @Test
    void reserve_providerBudgetSpent_passesToTheNextCandidate() {
        WindowSpec a = spec("a");
        WindowSpec b = spec("b");
        SharedBudgets.Account pa = day(SharedBudgets.PROVIDER, "a", WORST, T0);
        SharedBudgets.Account key = day(SharedBudgets.KEY, "team", 100 * WORST, T0);
        SharedBudgets.Account[] providers = {pa, null};
        long[] worst = {WORST, 2 * WORST};
        SharedWindows.Reservation first = reserveNow(T0, key, providers, worst, a, b);
        assertEquals(0, first.admitted());
        assertEquals(WORST, first.providerSpent(0));
        assertEquals(WORST, first.keySpent());
        SharedWindows.Reservation second = reserveNow(T0 + 1, key, providers, worst, a, b);
        assertEquals(1, second.admitted());
        assertEquals(SharedWindows.REFUSED_PROVIDER_BUDGET, second.code(0));
        assertEquals(WORST, second.providerSpent(0));
        assertEquals(3 * WORST, second.keySpent()); // charged at b's price
        assertEquals(WORST, spent(pa));
    }

    @Test
    void reserve_keyBudgetTooSmallForAnExpensiveRoute_takesACheaperOne() {
        WindowSpec a = spec("a");
        WindowSpec b = spec("b");
        SharedBudgets.Account key = day(SharedBudgets.KEY, "team", WORST, T0);
        SharedWindows.Reservation r = reserveNow(T0, key, null, new long[] {2 * WORST, WORST}, a, b);
        assertEquals(1, r.admitted());
        assertEquals(SharedWindows.REFUSED_KEY_BUDGET, r.code(0));
        assertEquals(WORST, r.keySpent());
        SharedWindows.Reservation none = reserveNow(T0 + 1, key, null, new long[] {2 * WORST, WORST}, a, b);
        assertEquals(-1, none.admitted());
        assertEquals(SharedWindows.REFUSED_KEY_BUDGET, none.code(1));
        assertEquals(0, key.remaining(none.keySpent()));
    }

    @Test
    void reserve_budgetsAreCheckedBeforeTheWindows_likeTheLocalCounters() {
        WindowSpec a = new WindowSpec("a", new Limits(1, UNLIMITED, UNLIMITED, UNLIMITED), false, ZoneOffset.UTC);
        SharedBudgets.Account key = day(SharedBudgets.KEY, "team", WORST, T0);
        assertEquals(0, reserveNow(T0, key, null, new long[] {WORST}, a).admitted());
        SharedWindows.Reservation r = reserveNow(T0 + 1, key, null, new long[] {WORST}, a);
        assertEquals(SharedWindows.REFUSED_KEY_BUDGET, r.code(0)); // the rpm window is full too
        assertEquals(0, r.waitMillis(0));
    }

    @Test
    void reserve_unpricedRequest_isServedWhateverTheBudgetsHold_andChargesNothing() {
        WindowSpec a = spec("a");
        SharedBudgets.Account key = day(SharedBudgets.KEY, "team", WORST, T0);
        SharedBudgets.Account[] provider = {day(SharedBudgets.PROVIDER, "a", WORST, T0)};
        assertEquals(0, reserveNow(T0, key, provider, new long[] {WORST}, a).admitted());
        budgets.settle(key, 1).join(); // the answer cost more than its worst case: the key is overspent
        SharedWindows.Reservation r = reserveNow(T0, key, provider, new long[] {0}, a);
        assertEquals(0, r.admitted());
        assertEquals(WORST + 1, r.keySpent());
        assertEquals(WORST, r.providerSpent(0));
        assertEquals(
                SharedWindows.REFUSED_PROVIDER_BUDGET,
                reserveNow(T0, key, provider, new long[] {1}, a).code(0));
    }

    @Test
    void settle_lateTicket_correctsItsOwnPeriodNeverTheNext() {
        WindowSpec a = spec("a");
        long beforeMidnight = Instant.parse("2024-05-01T23:59:59Z").toEpochMilli();
        SharedBudgets.Account today = day(SharedBudgets.KEY, "team", 10 * WORST, beforeMidnight);
        assertEquals(
                0,
                reserveNow(beforeMidnight, today, null, new long[] {WORST}, a).admitted());
        long afterMidnight = beforeMidnight + 2000;
        SharedBudgets.Account tomorrow = day(SharedBudgets.KEY, "team", 10 * WORST, afterMidnight);
        assertTrue(!today.redisKey().equals(tomorrow.redisKey()), today.redisKey());
        SharedWindows.Reservation next = reserveNow(afterMidnight, tomorrow, null, new long[] {WORST}, a);
        assertEquals(WORST, next.keySpent()); // the new day starts from zero
        assertEquals(400_000L, budgets.settle(today, 400_000 - WORST).join());
        assertArrayEquals(
                new long[] {400_000, WORST},
                budgets.spent(List.of(today, tomorrow)).join());
        exec("DEL " + today.redisKey()); // the old day's key expired
        assertEquals(-1L, budgets.settle(today, 5).join());
        assertEquals(":0", exec("EXISTS " + today.redisKey()));
    }

    @Test
    void settle_neverBelowZero_andResetZeroesForEveryInstance() {
        WindowSpec a = spec("a");
        SharedBudgets.Account key = day(SharedBudgets.KEY, "team", 3 * WORST, T0);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, reserveNow(T0, key, null, new long[] {WORST}, a).admitted());
        }
        assertEquals(-1, reserveNow(T0, key, null, new long[] {WORST}, a).admitted());
        long ttlBefore = pttl(key);
        assertEquals(0L, budgets.reset(key, T0).join());
        assertEquals(0L, budgets.settle(key, -WORST).join()); // a request admitted before the reset ends
        assertEquals(pttl(key), ttlBefore, 1000);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, reserveNow(T0, key, null, new long[] {WORST}, a).admitted());
        }
        assertEquals(-1, reserveNow(T0, key, null, new long[] {WORST}, a).admitted());
    }

    @Test
    void seedAndAdd_restoreWhatRedisDoesNotHold() {
        SharedBudgets.Account key = day(SharedBudgets.KEY, "team", 10 * WORST, T0);
        assertEquals(WORST, budgets.seed(key, WORST, T0).join());
        assertEquals(WORST, budgets.seed(key, 7 * WORST, T0).join()); // Redis has one: kept
        assertEquals(3 * WORST, budgets.add(key, 2 * WORST, T0).join());
        SharedBudgets.Account provider = day(SharedBudgets.PROVIDER, "team", 10 * WORST, T0);
        assertArrayEquals(
                new long[] {3 * WORST, 0}, budgets.spent(List.of(key, provider)).join());
    }

    @Test
    void keys_nameKindPeriodAndName_andExpireAfterThePeriodPlusAMargin() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        CalendarSpan month = CalendarSpan.month(T0, berlin);
        SharedBudgets.Account key = new SharedBudgets.Account(SharedBudgets.KEY, "a:b", BudgetPeriod.MONTH, month, 100);
        assertEquals("llmgw:budget:key:month:" + month.number() + ":a:b", key.redisKey());
        SharedBudgets.Account total =
                new SharedBudgets.Account(SharedBudgets.PROVIDER, "p", BudgetPeriod.TOTAL, CalendarSpan.TOTAL, 100);
        assertEquals("llmgw:budget:provider:total:0:p", total.redisKey());
        long now = System.currentTimeMillis();
        CalendarSpan thisMonth = CalendarSpan.month(now, berlin);
        SharedBudgets.Account live =
                new SharedBudgets.Account(SharedBudgets.KEY, "a", BudgetPeriod.MONTH, thisMonth, 100);
        assertEquals(
                0,
                reserveNow(now, live, new SharedBudgets.Account[] {total}, new long[] {10}, spec("x"))
                        .admitted());
        assertEquals(thisMonth.end() + SharedBudgets.EXPIRY_MARGIN_MILLIS - now, pttl(live), 5000);
        assertEquals(-1, pttl(total)); // a total budget never expires
    }

    @Test
    void reserve_withoutBudgets_touchesNoBudgetKey() {
        assertEquals(
                0,
                windows.reserve(new WindowSpec[] {spec("a")}, 1, 1, T0).join().admitted());
        assertEquals("*0", exec("KEYS llmgw:budget:*").substring(0, 2));
    }

    private static long spent(SharedBudgets.Account a) {
        return budgets.spent(List.of(a)).join()[0];
    }

    private static long pttl(SharedBudgets.Account a) {
        return Long.parseLong(exec("PTTL " + a.redisKey()).substring(1));
    }

    private static String exec(String command) {
        try {
            return fixture.server().command(command);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
