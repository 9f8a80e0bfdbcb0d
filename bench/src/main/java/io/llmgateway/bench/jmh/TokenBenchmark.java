package io.llmgateway.bench.jmh;

import io.llmgateway.bench.Payloads;
import io.llmgateway.openai.RequestInfo;
import io.llmgateway.openai.RequestScanner;
import io.llmgateway.protocol.BadRequestException;
import io.llmgateway.tokens.TokenEstimator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The prompt token estimate of one request. {@code cold}: nothing cached (every text counted with the
 * tokenizer); {@code cached}: the long texts were counted before (a system prompt repeated on every
 * request), so only the short ones are counted. Counting is inline here (no executor hop). o200k_base
 * (gpt-4o-mini): ASCII text goes through the gateway's own exact counter, other text through its compact
 * o200k tokenizer (BpeTokenizer); cl100k_base (gpt-4): the BpeTokenizer for all text.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class TokenBenchmark {
    /** small: a two-message chat; 8k, 100k: a long English system prompt; 8k-mixed: with non-ASCII words. */
    @Param({"small", "8k", "8k-mixed", "100k"})
    public String body;

    /** gpt-4o-mini counts in o200k_base, gpt-4 in cl100k_base. */
    @Param({"gpt-4o-mini", "gpt-4"})
    public String model;

    private RequestInfo info;
    private TokenEstimator cold;
    private TokenEstimator cached;

    @Setup
    public void setup() throws BadRequestException {
        String json = switch (body) {
            case "small" -> Payloads.SMALL_REQUEST;
            case "8k" -> Payloads.largeRequest(8 * 1024);
            case "8k-mixed" -> Payloads.largeRequest(8 * 1024, true);
            default -> Payloads.largeRequest(100 * 1024);
        };
        ByteBuf buf = Unpooled.wrappedBuffer(Payloads.utf8(json));
        info = RequestScanner.scan(buf);
        cold = new TokenEstimator(Runnable::run, 0, Integer.MAX_VALUE);
        cached = new TokenEstimator(Runnable::run, 64L * 1024 * 1024, Integer.MAX_VALUE);
        cached.estimate(info, null, model);
    }

    @Benchmark
    public long cold() {
        return cold.estimate(info, null, model).toCompletableFuture().join();
    }

    @Benchmark
    public long cached() {
        return cached.estimate(info, null, model).toCompletableFuture().join();
    }
}
