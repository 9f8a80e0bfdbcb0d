package io.llmgateway.spend;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.Price;
import io.llmgateway.limit.CalendarSpan;
import io.llmgateway.protocol.Usage;
import java.time.Clock;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.jspecify.annotations.Nullable;

/**
 * Prices answered requests and adds them to the {@link SpendStore}. Called on an event loop when an exchange
 * ends: it only adds to the store's sums in memory, which its writer thread puts on disk. The current day is
 * cached, so a request does no calendar arithmetic: one comparison with the day's end.
 */
public final class SpendLedger {
    private final SpendStore store;
    private final Clock clock;
    /** The day of the last request priced, in its zone: computed again only when a request is outside it. */
    private volatile Day day = new Day(CalendarSpan.TOTAL, ZoneOffset.UTC);

    public SpendLedger(SpendStore store, Clock clock) {
        this.store = requireNonNull(store, "store");
        this.clock = requireNonNull(clock, "clock");
    }

    public SpendStore store() {
        return store;
    }

    /**
     * The tokens of {@code usage} as billed. {@link Usage} counts the prompt cache the same way for both
     * dialects (cache reads and writes are parts of the prompt), so one mapping serves both: OpenAI's cached
     * tokens come as cache reads, priced at {@code cache_read}, else at {@code cached_input} ({@link Cost}).
     */
    public static BilledTokens billed(Usage usage) {
        long read = Math.max(0, usage.cacheReadTokens());
        long write = Math.max(0, usage.cacheCreationTokens());
        long input = Math.max(0, usage.promptTokens() - read - write);
        return BilledTokens.anthropic(input, read, write, usage.completionTokens());
    }

    /**
     * Records one answered request of the client key {@code key} ({@code ""} without keys) and returns what it
     * cost in nano-dollars, or -1 when {@code price} is null (unpriced).
     *
     * @param zone the zone whose midnight starts a day of spend ({@code routing.time_zone})
     */
    public long add(String key, String provider, String model, Usage usage, @Nullable Price price, ZoneId zone) {
        BilledTokens tokens = billed(usage);
        long cost = price == null ? 0 : Cost.of(price, tokens);
        store.add(dayNumber(clock.millis(), zone), key, provider, model, tokens, cost, price == null);
        return price == null ? -1 : cost;
    }

    /** The epoch day of {@code now} in {@code zone}; allocation-free but once a day (or when the zone changes). */
    long dayNumber(long now, ZoneId zone) {
        Day d = day;
        if (d.span != CalendarSpan.TOTAL && d.span.contains(now) && (d.zone == zone || d.zone.equals(zone))) {
            return d.span.number();
        }
        d = new Day(CalendarSpan.day(now, zone), zone);
        day = d; // racing threads compute the same day; any of them may stay
        return d.span.number();
    }

    /** A day and the zone it was computed in. */
    private record Day(CalendarSpan span, ZoneId zone) {}
}
