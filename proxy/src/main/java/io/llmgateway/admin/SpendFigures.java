package io.llmgateway.admin;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.BudgetPeriod;
import io.llmgateway.limit.CalendarSpan;
import io.llmgateway.spend.SpendStore;
import io.llmgateway.spend.SpendTotals;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The spend history {@code /api/usage} shows: sums per client key, provider and model for today, this week,
 * this month and since the file began, read from the {@link SpendStore}. The store answers on its writer thread
 * after writing what is pending, so the figures include every request that ended before the read.
 */
final class SpendFigures {
    /** The calendar ranges read; a row's "this period" is the one of its budget's period. */
    enum Range {
        TODAY,
        WEEK,
        MONTH,
        TOTAL;

        static Range of(BudgetPeriod period) {
            return switch (period) {
                case DAY -> TODAY;
                case WEEK -> WEEK;
                case MONTH -> MONTH;
                case TOTAL -> TOTAL;
            };
        }
    }

    private final Map<SpendStore.By, Map<Range, Map<String, SpendTotals>>> sums;
    private final LocalDate today;

    private SpendFigures(Map<SpendStore.By, Map<Range, Map<String, SpendTotals>>> sums, LocalDate today) {
        this.sums = sums;
        this.today = today;
    }

    /** Reads every range of every dimension; completes on the store's writer thread. */
    static CompletableFuture<SpendFigures> read(SpendStore store, long nowMillis, ZoneId zone) {
        requireNonNull(store, "store");
        requireNonNull(zone, "zone");
        long day = CalendarSpan.day(nowMillis, zone).number();
        long week = CalendarSpan.week(nowMillis, zone).number();
        long month = CalendarSpan.month(nowMillis, zone).number();
        long nextMonth = LocalDate.ofEpochDay(month).plusMonths(1).toEpochDay();
        Map<SpendStore.By, Map<Range, CompletableFuture<Map<String, SpendTotals>>>> pending =
                new EnumMap<>(SpendStore.By.class);
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (SpendStore.By by : SpendStore.By.values()) {
            Map<Range, CompletableFuture<Map<String, SpendTotals>>> ranges = new EnumMap<>(Range.class);
            ranges.put(Range.TODAY, store.totals(by, day, day + 1));
            ranges.put(Range.WEEK, store.totals(by, week, week + 7));
            ranges.put(Range.MONTH, store.totals(by, month, nextMonth));
            ranges.put(Range.TOTAL, store.totals(by, Long.MIN_VALUE, Long.MAX_VALUE));
            all.addAll(ranges.values());
            pending.put(by, ranges);
        }
        return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).thenApply(done -> {
            Map<SpendStore.By, Map<Range, Map<String, SpendTotals>>> sums = new EnumMap<>(SpendStore.By.class);
            pending.forEach((by, ranges) -> {
                Map<Range, Map<String, SpendTotals>> got = new EnumMap<>(Range.class);
                ranges.forEach((range, future) -> got.put(range, future.join()));
                sums.put(by, got);
            });
            return new SpendFigures(sums, LocalDate.ofEpochDay(day));
        });
    }

    /** What {@code name} spent in {@code range}; zeros when nothing. */
    SpendTotals get(SpendStore.By by, Range range, String name) {
        return sums.get(by).get(range).getOrDefault(name, SpendTotals.ZERO);
    }

    /** Every name with spend in the file, in name order. */
    Set<String> names(SpendStore.By by) {
        return new LinkedHashSet<>(sums.get(by).get(Range.TOTAL).keySet());
    }

    /** Today's date in {@code routing.time_zone}. */
    LocalDate today() {
        return today;
    }
}
