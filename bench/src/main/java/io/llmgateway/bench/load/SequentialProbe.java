package io.llmgateway.bench.load;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.llmgateway.bench.Args;
import io.llmgateway.bench.BlockingHttpClient;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The per-request latency of one connection, for bench/load.sh: sends POSTs back to back over one keep-alive
 * connection for {@code --seconds} and prints the percentiles of the latencies it measured, one line:
 * {@code probe kind=... target=... requests=N p50us=... p99us=... p999us=... maxus=...}.
 *
 * <p>Why besides wrk: wrk corrects its latencies for coordinated omission (for every response slower than twice
 * the run's mean interval between requests it adds the samples that a client sending at that steady rate would
 * have collected while it waited). At one connection that turns a single 2 ms pause into ~20 samples between 0.1 and 2 ms, so its p99
 * there says how much of the run the target spent in pauses rather than how late 1% of the requests were
 * (the mean of its samples exceeds the run time divided by the requests). This probe reports the latencies
 * as measured. The body's {@code @@} becomes a request number, as in wrk's script.
 *
 * <p>With {@code --pause-ms N} it waits N ms after each answer before the next request (the warm-up still runs
 * back to back), as a lightly used gateway is called: between requests the cores sleep (virtual cores may halt,
 * and run slowly for a while after a wake-up; docs/performance.md, "A lightly used gateway") or run other
 * work, which a back-to-back run never shows. The line then ends in {@code pause_ms=N}.
 */
public final class SequentialProbe {
    private SequentialProbe() {}

    public static void main(String[] args) throws Exception {
        Args a = new Args(args);
        int port = a.intValue("--port", 18083);
        String path = a.value("--path", "/v1/chat/completions");
        String template = Files.readString(Path.of(a.value("--body-file", "req.json")), UTF_8);
        int seconds = a.intValue("--seconds", 4);
        int warmupSeconds = a.intValue("--warmup-seconds", 1);
        int pauseMillis = a.intValue("--pause-ms", 0);
        String label = "kind=" + a.value("--kind", "json") + " target=" + a.value("--target", "?");
        int at = template.indexOf("@@");
        if (at < 0) {
            throw new IllegalArgumentException("the body file needs an @@ for the request number");
        }
        String head = template.substring(0, at);
        String tail = template.substring(at + 2);

        NanoSamples latencies = new NanoSamples();
        int failures = 0;
        long number = 0;
        try (BlockingHttpClient client = new BlockingHttpClient("127.0.0.1", port)) {
            long warmupEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
            long end = warmupEnd + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                if (pauseMillis > 0 && System.nanoTime() >= warmupEnd) {
                    Thread.sleep(pauseMillis);
                }
                byte[] request =
                        BlockingHttpClient.post("127.0.0.1", port, path, (head + ++number + tail).getBytes(UTF_8));
                long start = System.nanoTime();
                client.exchange(request, null);
                long took = System.nanoTime() - start;
                if (client.status() != 200) {
                    failures++;
                } else if (start >= warmupEnd) {
                    latencies.add(took);
                }
            }
        }
        System.out.println("probe " + label + " requests=" + latencies.size() + " failures=" + failures
                + " p50us=" + latencies.percentileMicros(50) + " p99us=" + latencies.percentileMicros(99)
                + " p999us=" + latencies.percentileMicros(99.9) + " maxus=" + latencies.percentileMicros(100)
                + (pauseMillis > 0 ? " pause_ms=" + pauseMillis : ""));
    }
}
