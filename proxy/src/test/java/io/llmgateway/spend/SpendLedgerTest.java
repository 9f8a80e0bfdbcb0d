package io.llmgateway.spend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmgateway.limit.CalendarSpan;
import io.llmgateway.limit.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpendLedgerTest {
    @TempDir
    Path dir;

    @Test
    void dayNumber_cachedWithinTheDay_newAtMidnightAndForAnotherZone() throws Exception {
        MutableClock clock = MutableClock.at("2026-03-10T23:59:59Z");
        try (SpendStore store = SpendStore.open(dir.resolve("spend.db"), Duration.ofHours(1))) {
            SpendLedger ledger = new SpendLedger(store, clock);
            ZoneId tokyo = ZoneId.of("Asia/Tokyo");
            long now = clock.millis();
            assertEquals(CalendarSpan.day(now, ZoneOffset.UTC).number(), ledger.dayNumber(now, ZoneOffset.UTC));
            assertEquals(CalendarSpan.day(now, ZoneOffset.UTC).number(), ledger.dayNumber(now + 999, ZoneOffset.UTC));
            assertEquals(
                    CalendarSpan.day(now, ZoneOffset.UTC).number() + 1, ledger.dayNumber(now + 1000, ZoneOffset.UTC));
            assertEquals(CalendarSpan.day(now, tokyo).number(), ledger.dayNumber(now, tokyo));
            assertEquals(
                    CalendarSpan.day(now, ZoneOffset.UTC).number(),
                    ledger.dayNumber(now, ZoneOffset.UTC),
                    "a clock that steps back gets its own day");
        }
    }
}
