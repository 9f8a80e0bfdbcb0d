package io.llmgateway.bench.jmh;

import io.llmgateway.bench.Payloads;
import io.llmgateway.openai.JsonUsageTap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The usage tap of a non-streamed answer: a fresh {@link JsonUsageTap} reads a ~400-byte chat completion
 * (usage at the end, as OpenAI sends it) from a pooled direct buffer, as the upstream decoder hands it over.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class JsonTapBenchmark {
    private ByteBuf body;

    @Setup
    public void setup() {
        byte[] bytes = Payloads.utf8(Payloads.CHAT_COMPLETION);
        body = ByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
    }

    @TearDown
    public void tearDown() {
        body.release();
    }

    @Benchmark
    public long response() {
        JsonUsageTap tap = new JsonUsageTap();
        tap.onChunk(body);
        return tap.usage().totalTokens();
    }
}
