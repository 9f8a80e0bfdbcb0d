package io.llmgateway.limit;

import static io.llmgateway.config.Limits.UNLIMITED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.config.Limits;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Lua windows against a real redis-server, with explicit times. */
class SharedWindowsTest {
    private static final long T0 = Instant.parse("2024-05-01T10:00:00Z").toEpochMilli();

    @RegisterExtension
    static final RedisFixture fixture = new RedisFixture();

    private static SharedWindows windows;

    @BeforeAll
    static void redisUsers() throws Exception {
        RedisConnection redis = fixture.redis();
        windows = new SharedWindows(redis);
    }

    private static WindowSpec spec(String name, long rpm, long tpm, long rpd) {
        return new WindowSpec(name, new Limits(rpm, tpm, rpd, UNLIMITED), false, ZoneOffset.UTC);
    }

    private static SharedWindows.Reservation reserve(long tokens, long now, WindowSpec... specs) {
        return windows.reserve(specs, specs.length, tokens, now)
                .orTimeout(5, TimeUnit.SECONDS)
                .join();
    }

    @Test
    void reserve_concurrentCallers_admitExactlyTheLimit() {
        WindowSpec a = spec("a", 10, UNLIMITED, UNLIMITED);
        List<CompletableFuture<SharedWindows.Reservation>> calls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            calls.add(windows.reserve(new WindowSpec[] {a}, 1, 5, T0 + i));
        }
        long admitted = calls.stream()
                .map(CompletableFuture::join)
                .filter(r -> r.admitted() == 0)
                .count();
        assertEquals(10, admitted);
        SharedWindows.Reservation last = reserve(5, T0 + 200, a);
        assertEquals(-1, last.admitted());
        assertEquals(ProviderLimiter.REJECTED_RPM, last.code(0));
        assertEquals(10, last.rpm(0));
        assertEquals(50, last.tpm(0));
    }

    @Test
    void reserve_firstCandidateFull_admitsTheNextInOrder() {
        WindowSpec a = spec("a", 1, UNLIMITED, UNLIMITED);
        WindowSpec b = spec("b", UNLIMITED, UNLIMITED, UNLIMITED);
        assertEquals(0, reserve(1, T0, a, b).admitted());
        SharedWindows.Reservation r = reserve(1, T0 + 1500, a, b);
        assertEquals(1, r.admitted());
        assertEquals(2, r.evaluated());
        assertEquals(ProviderLimiter.REJECTED_RPM, r.code(0));
        assertEquals(SharedWindows.OK, r.code(1));
        assertEquals(1, r.rpm(1));
        assertEquals(60_000 - 1500, r.waitMillis(0)); // the bucket of T0 leaves the window at T0 + 60 s
        assertEquals(T0 / 1000 + 1, r.ticket());
    }

    @Test
    void reserve_windowSlidesWithTime() {
        WindowSpec a = spec("a", 2, UNLIMITED, UNLIMITED);
        assertEquals(0, reserve(0, T0, a).admitted());
        assertEquals(0, reserve(0, T0 + 30_000, a).admitted());
        SharedWindows.Reservation full = reserve(0, T0 + 59_999, a);
        assertEquals(-1, full.admitted());
        assertEquals(1, full.waitMillis(0));
        assertEquals(0, reserve(0, T0 + 60_000, a).admitted()); // the first request left the window
        SharedWindows.Reservation again = reserve(0, T0 + 60_001, a);
        assertEquals(-1, again.admitted());
        assertEquals(2, again.rpm(0));
        assertEquals(30_000 - 1, again.waitMillis(0));
    }

    @Test
    void adjust_correctsTheReservedBucket() {
        WindowSpec a = spec("a", UNLIMITED, 150, UNLIMITED);
        SharedWindows.Reservation r = reserve(100, T0, a);
        assertEquals(0, r.admitted());
        SharedWindows.Reservation refused = reserve(100, T0 + 10, a);
        assertEquals(ProviderLimiter.REJECTED_TPM, refused.code(0));
        assertEquals(20L, windows.adjust(a, r.ticket(), -80, T0 + 20).join());
        assertEquals(0, reserve(100, T0 + 1000, a).admitted()); // the next second's bucket
        assertEquals(0L, windows.adjust(a, r.ticket(), -500, T0 + 1010).join()); // never below zero
        assertArrayEquals(
                new long[] {2, 100, 2}, windows.current(List.of(a), T0 + 1020).join());
    }

    @Test
    void adjust_ticketThatLeftTheWindow_changesNothing() {
        WindowSpec a = spec("a", UNLIMITED, UNLIMITED, UNLIMITED);
        SharedWindows.Reservation r = reserve(100, T0, a);
        reserve(7, T0 + 60_000, a);
        assertEquals(-1L, windows.adjust(a, r.ticket(), 50, T0 + 60_000).join());
        assertArrayEquals(
                new long[] {1, 7, 2}, windows.current(List.of(a), T0 + 60_000).join());
    }

    @Test
    void reserve_calendarDay_resetsAtMidnightOfTheZone() {
        ZoneId zone = ZoneId.of("Europe/Berlin");
        WindowSpec a = new WindowSpec("a", new Limits(UNLIMITED, UNLIMITED, 2, UNLIMITED), false, zone);
        long beforeMidnight = Instant.parse("2024-05-01T21:50:00Z").toEpochMilli(); // 23:50 in Berlin
        assertEquals(
                0,
                windows.reserve(new WindowSpec[] {a}, 1, 1, beforeMidnight)
                        .join()
                        .admitted());
        assertEquals(
                0,
                windows.reserve(new WindowSpec[] {a}, 1, 1, beforeMidnight + 1)
                        .join()
                        .admitted());
        SharedWindows.Reservation full =
                windows.reserve(new WindowSpec[] {a}, 1, 1, beforeMidnight + 2).join();
        assertEquals(ProviderLimiter.REJECTED_RPD, full.code(0));
        assertEquals(10 * 60_000 - 2, full.waitMillis(0));
        long midnight = Instant.parse("2024-05-01T22:00:00Z").toEpochMilli();
        assertEquals(
                0, windows.reserve(new WindowSpec[] {a}, 1, 1, midnight).join().admitted());
    }

    @Test
    void reserve_rollingDay_usesItsOwnKeyAndSlides() {
        WindowSpec a = new WindowSpec("a", new Limits(UNLIMITED, UNLIMITED, 1, UNLIMITED), true, ZoneOffset.UTC);
        assertEquals(0, reserve(1, T0, a).admitted());
        SharedWindows.Reservation full = reserve(1, T0 + 3_600_000, a);
        assertEquals(ProviderLimiter.REJECTED_RPD, full.code(0));
        assertEquals(23 * 3_600_000L, full.waitMillis(0));
        assertEquals(0, reserve(1, T0 + 86_400_000L, a).admitted());
        assertEquals(":1", exec("EXISTS llmgw:a:rpd24h"));
        assertEquals(":0", exec("EXISTS llmgw:a:rpd"));
    }

    @Test
    void reserve_afterRedisForgotTheScripts_sendsTheSourceAgain() throws Exception {
        WindowSpec a = spec("a", 5, UNLIMITED, UNLIMITED);
        assertEquals(0, reserve(1, T0, a).admitted());
        assertEquals("+OK", fixture.server().command("SCRIPT FLUSH"));
        assertEquals(0, reserve(1, T0 + 1, a).admitted());
        assertEquals(3, reserve(1, T0 + 2, a).rpm(0));
    }

    @Test
    void recordAndReset_addUsageThatHappenedAndForgetIt() {
        WindowSpec a = spec("a", 10, UNLIMITED, UNLIMITED);
        windows.record(a, 9, 900, 9, T0).join();
        assertArrayEquals(
                new long[] {9, 900, 9}, windows.current(List.of(a), T0 + 1).join());
        assertEquals(0, reserve(1, T0 + 2, a).admitted());
        assertEquals(-1, reserve(1, T0 + 3, a).admitted());
        windows.reset(Set.of("a")).join();
        assertArrayEquals(
                new long[] {0, 0, 0}, windows.current(List.of(a), T0 + 4).join());
    }

    @Test
    void keys_expireOnTheirOwn() {
        WindowSpec a = spec("a", 10, UNLIMITED, UNLIMITED);
        reserve(1, T0, a);
        long ttl = Long.parseLong(exec("PTTL llmgw:a:rpm").substring(1));
        assertTrue(ttl > 59_000 && ttl <= 61_000, "ttl " + ttl);
        long dayTtl = Long.parseLong(exec("PTTL llmgw:a:rpd").substring(1));
        assertTrue(dayTtl > 0, "ttl " + dayTtl);
    }

    private static String exec(String command) {
        try {
            return fixture.server().command(command);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
