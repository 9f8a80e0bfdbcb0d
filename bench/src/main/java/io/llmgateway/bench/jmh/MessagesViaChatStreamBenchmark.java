package io.llmgateway.bench.jmh;

import io.llmgateway.bench.Payloads;
import io.llmgateway.tokens.TokenEstimator;
import io.llmgateway.translate.MessagesViaChatStreamTap;
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
 * The translation of a streamed Chat Completions answer into Anthropic's Messages events (an Anthropic
 * client served by an OpenAI-format provider), per upstream event: a whole streamed answer of 16 events, one
 * per upstream chunk, goes through a fresh tap, and the time is divided by 16. {@code text}: a role chunk,
 * 12 content deltas, the finish chunk, the usage chunk and [DONE] ({@code Payloads.SSE_STREAM}, the
 * {@code SseTapBenchmark} stream). {@code tools}: a role chunk, two tool calls (a start and five argument
 * fragments each), the finish chunk, the usage chunk and [DONE]. Compare with {@code SseTapBenchmark}
 * ({@code drop=false}), which only watches the same text stream go by.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class MessagesViaChatStreamBenchmark {
    private static final int EVENTS = 16;

    @Param({"text", "tools"})
    public String kind;

    private final List<ByteBuf> chunks = new ArrayList<>();
    private TokenEstimator estimator;

    @Setup
    public void setup() {
        estimator = new TokenEstimator(Runnable::run);
        String stream = kind.equals("text") ? Payloads.SSE_STREAM : toolStream();
        for (String event : stream.split("(?<=\n\n)")) {
            byte[] bytes = Payloads.utf8(event);
            chunks.add(ByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes));
        }
        if (chunks.size() != EVENTS) {
            throw new IllegalStateException("expected " + EVENTS + " events, got " + chunks.size());
        }
    }

    private static String toolStream() {
        StringBuilder sb = new StringBuilder(Payloads.chunk(""));
        String[] fragments = {"{\\\"loc", "ation\\\": \\\"", "Paris, ", "France", "\\\"}"};
        for (int call = 0; call < 2; call++) {
            sb.append(toolChunk("{\"index\":" + call + ",\"id\":\"call_bench000" + call + "\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}"));
            for (String f : fragments) {
                sb.append(toolChunk("{\"index\":" + call + ",\"function\":{\"arguments\":\"" + f + "\"}}"));
            }
        }
        sb.append("data: {\"id\":\"chatcmpl-bench0001\",\"object\":\"chat.completion.chunk\",\"created\":1735689600,"
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_bench\",\"choices\":[{\"index\":0,"
                + "\"delta\":{},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}],\"usage\":null}\n\n");
        return sb.append(Payloads.USAGE_CHUNK).append("data: [DONE]\n\n").toString();
    }

    private static String toolChunk(String call) {
        return "data: {\"id\":\"chatcmpl-bench0001\",\"object\":\"chat.completion.chunk\",\"created\":1735689600,"
                + "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_bench\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"tool_calls\":[" + call + "]},\"logprobs\":null,\"finish_reason\":null}],"
                + "\"usage\":null}\n\n";
    }

    @TearDown
    public void tearDown() {
        chunks.forEach(ByteBuf::release);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long perEvent() {
        return TapDrive.stream(new MessagesViaChatStreamTap("claude-sonnet", estimator, "o200k_base"), chunks);
    }
}
