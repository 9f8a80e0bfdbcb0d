package io.llmgateway.bench.jmh;

import io.llmgateway.bench.Payloads;
import io.llmgateway.openai.SseTap;
import io.llmgateway.tokens.TokenEstimator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The SSE usage tap, per upstream chunk: a whole streamed answer (a role chunk, 12 content deltas, the
 * finish chunk, the usage chunk and [DONE]: 16 events, one per upstream chunk, ~250 bytes each) goes
 * through a fresh tap, and the time is divided by 16. {@code drop=true}: the gateway asked for usage on the
 * client's behalf, so the tap holds each event until it is complete and removes the usage chunk.
 * {@code usage=false}: the provider sends no usage, so the tap's own count of the deltas is used (the
 * fallback, paid at the end of the stream).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class SseTapBenchmark {
    private static final int EVENTS = 16;

    @Param({"false", "true"})
    public boolean drop;

    @Param({"true", "false"})
    public boolean usage;

    private final List<ByteBuf> chunks = new ArrayList<>();
    private TokenEstimator estimator;

    @Setup
    public void setup() {
        estimator = new TokenEstimator(Runnable::run);
        String stream = Payloads.SSE_STREAM;
        if (!usage) {
            stream = stream.replace(Payloads.USAGE_CHUNK, Payloads.chunk(""));
        }
        for (String event : stream.split("(?<=\n\n)")) {
            byte[] bytes = Payloads.utf8(event);
            chunks.add(ByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes));
        }
        if (chunks.size() != EVENTS) {
            throw new IllegalStateException("expected " + EVENTS + " events, got " + chunks.size());
        }
    }

    @TearDown
    public void tearDown() {
        chunks.forEach(ByteBuf::release);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long perChunk() {
        return TapDrive.stream(new SseTap(drop, estimator, "o200k_base"), chunks);
    }
}
