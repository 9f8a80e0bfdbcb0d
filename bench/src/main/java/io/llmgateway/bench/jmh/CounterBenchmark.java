package io.llmgateway.bench.jmh;

import io.llmgateway.config.Limits;
import io.llmgateway.limit.ProviderLimiter;
import io.llmgateway.limit.SlidingWindowCounter;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Admission on one shared counter, as every request of every event loop does it: 1, 2 and 8 threads
 * racing on the same provider. {@code counter*}: one sliding window (rpm), an acquire then a release so
 * the window never fills (a full window would measure the cheap reject path). {@code provider8}: the
 * whole provider admission (rpm, rpd, tpm windows and the tpr check) then the settle with real usage.
 *
 * <p>Read both modes: {@code avgt} is the time one thread waits for its operation, which with 8 threads on
 * 2 cores includes the time it is not scheduled at all; {@code thrpt} (ops/ns, all threads together) gives
 * the machine's cost of one operation as {@code 1 / thrpt} ns.
 */
@BenchmarkMode({Mode.Throughput, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Benchmark)
public class CounterBenchmark {
    private SlidingWindowCounter counter;
    private ProviderLimiter provider;

    @Setup
    public void setup() {
        Clock clock = Clock.systemUTC();
        counter = SlidingWindowCounter.perMinute(1_000_000, clock);
        provider = new ProviderLimiter(
                new Limits(Limits.UNLIMITED, 1_000_000_000, Limits.UNLIMITED, 100_000), false, ZoneOffset.UTC, clock);
    }

    private long acquireRelease() {
        long ticket = counter.tryAcquire(1);
        counter.adjust(ticket, -1);
        return ticket;
    }

    @Benchmark
    @Threads(1)
    public long counter1() {
        return acquireRelease();
    }

    @Benchmark
    @Threads(2)
    public long counter2() {
        return acquireRelease();
    }

    @Benchmark
    @Threads(8)
    public long counter8() {
        return acquireRelease();
    }

    /** Acquire only, on an unlimited window: the one CAS of the admission check plus the bucket CAS. */
    @Benchmark
    @Threads(8)
    public long acquireOnly8(Unlimited u) {
        return u.counter.tryAcquire(1);
    }

    @Benchmark
    @Threads(8)
    public long provider8() {
        long ticket = provider.tryAcquire(100);
        provider.settle(ticket, 100, 0); // give the tokens back; rpm/rpd keep their count (as in real use)
        return ticket;
    }

    @State(Scope.Benchmark)
    public static class Unlimited {
        SlidingWindowCounter counter = SlidingWindowCounter.perMinute(Long.MAX_VALUE, Clock.systemUTC());
    }
}
