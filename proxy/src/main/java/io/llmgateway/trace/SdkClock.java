package io.llmgateway.trace;

import static java.util.Objects.requireNonNull;

import io.netty.util.concurrent.Ticker;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/** The gateway's clocks as the SDK's: span times follow the clock tests inject, like the gateway's own records. */
final class SdkClock implements io.opentelemetry.sdk.common.Clock {
    private final java.time.Clock wall;
    private final Ticker ticker;

    SdkClock(java.time.Clock wall, Ticker ticker) {
        this.wall = requireNonNull(wall, "wall");
        this.ticker = requireNonNull(ticker, "ticker");
    }

    @Override
    public long now() {
        Instant now = wall.instant();
        return TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
    }

    @Override
    public long nanoTime() {
        return ticker.nanoTime();
    }
}
