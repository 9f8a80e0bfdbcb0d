package io.llmgateway.bench;

import io.llmgateway.openai.SseTap;
import io.llmgateway.openai.TokenEstimator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The SSE usage tap on one upstream chunk holding one content-delta event (~250 bytes): find the event,
 * parse its JSON, count the delta's tokens, and hand the bytes on. {@code drop=true} is the mode where the
 * gateway asked for usage on the client's behalf and must hold back each event until it is complete.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SseTapBenchmark {
    @Param({"false", "true"})
    public boolean drop;

    private ByteBuf chunk;
    private SseTap tap;

    @Setup
    public void setup() {
        byte[] bytes = Payloads.utf8(Payloads.chunk(" Paris"));
        chunk = ByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
        tap = new SseTap(drop, new TokenEstimator(Runnable::run), "o200k_base");
    }

    @TearDown
    public void tearDown() {
        tap.release();
        chunk.release();
    }

    @Benchmark
    public int perChunk() {
        ByteBuf out = tap.onChunk(chunk.retainedDuplicate());
        int n = out.readableBytes();
        out.release();
        return n;
    }
}
