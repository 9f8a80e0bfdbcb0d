package io.llmgateway.bench.jmh;

import io.llmgateway.observe.AttemptRecord;
import io.llmgateway.observe.InteractionJson;
import io.llmgateway.observe.RequestRecord;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One line of the interaction log formatted from a typical record (one attempt, no bodies), as its writer
 * thread does for every proxied request; the line is about 450 bytes.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Thread)
public class InteractionLogBenchmark {
    private final InteractionJson json = new InteractionJson();
    private long time = 1_738_324_800_123L;

    private RequestRecord record() {
        time += 7; // a new millisecond every line, a new second every ~140 lines, as under load
        return new RequestRecord(
                time,
                "req_01J8ZQ4T3K6V5YB2N7W9XH0D1C",
                null,
                "/chat/completions",
                "gpt-4o-mini",
                "gpt-4o-mini-2024-07-18",
                "openai",
                List.of(new AttemptRecord("openai", "gpt-4o-mini-2024-07-18", "ok", 200, 3)),
                200,
                false,
                3,
                3,
                24,
                12,
                36,
                false,
                null,
                null);
    }

    @Benchmark
    public int line() {
        return json.format(record()).size();
    }
}
