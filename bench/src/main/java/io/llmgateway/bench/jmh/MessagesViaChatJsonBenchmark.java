package io.llmgateway.bench.jmh;

import io.llmgateway.bench.Payloads;
import io.llmgateway.openai.JsonUsageTap;
import io.llmgateway.translate.MessagesViaChatJsonTap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
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
 * The translation of a Chat Completions JSON answer ({@code Payloads.CHAT_COMPLETION}, about 400 bytes) into a
 * Messages answer (an Anthropic client served by an OpenAI-format provider), through a fresh tap per answer as
 * the gateway does. {@code passThrough}: the usage tap of the same answer on the OpenAI path, the reference to
 * compare with in the same run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class MessagesViaChatJsonBenchmark {
    private List<ByteBuf> body;

    @Setup
    public void setup() {
        byte[] bytes = Payloads.utf8(Payloads.CHAT_COMPLETION);
        body = List.of(ByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes));
    }

    @TearDown
    public void tearDown() {
        body.forEach(ByteBuf::release);
    }

    @Benchmark
    public long translated() {
        return TapDrive.stream(new MessagesViaChatJsonTap("claude-sonnet"), body);
    }

    @Benchmark
    public long passThrough() {
        return TapDrive.stream(new JsonUsageTap(), body);
    }
}
