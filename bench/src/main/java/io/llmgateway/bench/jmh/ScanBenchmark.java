package io.llmgateway.bench.jmh;

import io.llmgateway.bench.Payloads;
import io.llmgateway.openai.BodyRewriter;
import io.llmgateway.openai.RequestInfo;
import io.llmgateway.openai.RequestScanner;
import io.llmgateway.protocol.BadRequestException;
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
 * Reading a request body ({@link RequestScanner}) and producing the upstream body with the model alias
 * and include_usage spliced in ({@link BodyRewriter}), on a small chat request and on a 100 KB one. The
 * body sits in a pooled direct buffer, as the HTTP decoder leaves it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class ScanBenchmark {
    @Param({"small", "100k"})
    public String body;

    private ByteBuf buf;
    private RequestInfo info;

    @Setup
    public void setup() throws BadRequestException {
        String json = body.equals("small")
                ? Payloads.SMALL_STREAM_REQUEST
                : Payloads.largeRequest(100 * 1024).replace("\"max_tokens\":256", "\"max_tokens\":256,\"stream\":true");
        byte[] bytes = Payloads.utf8(json);
        buf = ByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
        info = RequestScanner.scan(buf);
    }

    @TearDown
    public void tearDown() {
        buf.release();
    }

    @Benchmark
    public RequestInfo scan() throws BadRequestException {
        return RequestScanner.scan(buf);
    }

    /** The splice alone: model alias and include_usage, retained slices around two small new buffers. */
    @Benchmark
    public int splice() {
        ByteBuf out = BodyRewriter.rewrite(ByteBufAllocator.DEFAULT, buf, info, "gpt-4o-mini-2024-07-18", true);
        int n = out.readableBytes();
        out.release();
        return n;
    }

    /** What the gateway does per request: scan, then splice. */
    @Benchmark
    public int scanAndSplice() throws BadRequestException {
        RequestInfo i = RequestScanner.scan(buf);
        ByteBuf out = BodyRewriter.rewrite(ByteBufAllocator.DEFAULT, buf, i, "gpt-4o-mini-2024-07-18", true);
        int n = out.readableBytes();
        out.release();
        return n;
    }
}
