package io.llmgateway.spend;

import static java.util.Objects.requireNonNull;

import io.llmgateway.config.Price;
import io.llmgateway.limit.CalendarSpan;
import io.llmgateway.protocol.Usage;
import java.time.Clock;
import java.time.ZoneId;
import org.jspecify.annotations.Nullable;

/**
 * Prices answered requests and adds them to the {@link SpendStore}. Called on an event loop when an exchange
 * ends: it only adds to the store's sums in memory, which its writer thread puts on disk.
 */
public final class SpendLedger {
    private final SpendStore store;
    private final Clock clock;

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
        long day = CalendarSpan.day(clock.millis(), zone).number();
        store.add(day, key, provider, model, tokens, cost, price == null);
        return price == null ? -1 : cost;
    }
}
