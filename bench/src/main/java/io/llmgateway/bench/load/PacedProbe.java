package io.llmgateway.bench.load;

import io.llmgateway.bench.Args;
import io.llmgateway.bench.BlockingHttpClient;
import io.llmgateway.bench.CannedMock;
import io.llmgateway.bench.Payloads;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The paced-SSE case of bench/load.sh: streams from a {@link CannedMock} that sends one event every
 * {@code --interval-ms}, read directly, through the gateway (OpenAI pass-through) and, unless
 * {@code --messages false}, through the gateway's translation (an Anthropic client's {@code /v1/messages} stream
 * from the same OpenAI-format mock), in rounds whose order rotates. For each target it prints the time to first
 * token (request sent to first content event received: a {@code data:} line, or for the translated stream an
 * {@code event: content_block_delta}) and the gaps between consecutive content events; the gateway's added
 * values are the differences. One line per target:
 * {@code paced target=... streams=N ttft_p50us=... ttft_p99us=... gap_p50us=... gap_p99us=... gap_maxus=...}.
 */
public final class PacedProbe {
    private PacedProbe() {}

    public static void main(String[] args) throws Exception {
        Args a = new Args(args);
        int directPort = a.intValue("--direct-port", 18084);
        int gatewayPort = a.intValue("--gateway-port", 18083);
        String model = a.value("--model", "gpt-4o-paced");
        int concurrency = a.intValue("--concurrency", 8);
        int seconds = a.intValue("--seconds", 4);
        int rounds = a.intValue("--rounds", 3);
        int chunks = a.intValue("--chunks", 20);
        boolean messages = Boolean.parseBoolean(a.value("--messages", "true"));
        byte[] chat = Payloads.utf8(Payloads.SMALL_STREAM_REQUEST.replace("gpt-4o-mini", model));
        byte[] ask = Payloads.utf8(Payloads.SMALL_MESSAGES_STREAM_REQUEST.replace("gpt-4o-mini", model));

        List<Target> targets = new ArrayList<>();
        targets.add(new Target("direct", directPort, "/v1/chat/completions", chat, null));
        targets.add(new Target("gateway", gatewayPort, "/v1/chat/completions", chat, null));
        if (messages) {
            targets.add(new Target("messages", gatewayPort, "/v1/messages", ask, "event: content_block_delta"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            for (Target t : targets) {
                run(pool, t, concurrency, 1, chunks, new Samples()); // warm-up, not counted
            }
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < targets.size(); i++) {
                    Target t = targets.get((i + r) % targets.size());
                    run(pool, t, concurrency, seconds, chunks, t.samples);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        for (Target t : targets) {
            System.out.println(t.samples.line(t.name));
        }
    }

    private static void run(ExecutorService pool, Target target, int concurrency, int seconds, int chunks, Samples into)
            throws Exception {
        byte[] request = BlockingHttpClient.post("127.0.0.1", target.port, target.path, target.body);
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        List<Future<Samples>> futures = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            futures.add(pool.submit(() -> stream(target, request, deadline, chunks)));
        }
        for (Future<Samples> f : futures) {
            into.addAll(f.get());
        }
    }

    private static Samples stream(Target target, byte[] request, long deadline, int chunks) throws IOException {
        Samples s = new Samples();
        long[] events = new long[chunks + 8];
        try (BlockingHttpClient client = new BlockingHttpClient("127.0.0.1", target.port)) {
            if (target.eventLine != null) {
                client.eventsStartingWith(target.eventLine);
            }
            while (System.nanoTime() < deadline) {
                int[] n = {0};
                long t0 = System.nanoTime();
                client.exchange(request, t -> {
                    if (n[0] < events.length) {
                        events[n[0]++] = t;
                    }
                });
                if (client.status() != 200 || n[0] < chunks) {
                    s.failures++;
                    continue;
                }
                s.ttft.add(events[0] - t0);
                for (int i = 1; i < chunks; i++) {
                    s.gaps.add(events[i] - events[i - 1]);
                }
                s.streams++;
            }
        }
        return s;
    }

    /**
     * One way to the paced mock.
     *
     * @param eventLine the start of a content event's line, or null for {@code data:}
     */
    private record Target(String name, int port, String path, byte[] body, String eventLine, Samples samples) {
        Target(String name, int port, String path, byte[] body, String eventLine) {
            this(name, port, path, body, eventLine, new Samples());
        }
    }

    private static final class Samples {
        final NanoSamples ttft = new NanoSamples();
        final NanoSamples gaps = new NanoSamples();
        int streams;
        int failures;

        synchronized void addAll(Samples o) {
            ttft.addAll(o.ttft);
            gaps.addAll(o.gaps);
            streams += o.streams;
            failures += o.failures;
        }

        String line(String target) {
            return "paced target=" + target + " streams=" + streams + " failures=" + failures
                    + " ttft_p50us=" + ttft.percentileMicros(50) + " ttft_p99us=" + ttft.percentileMicros(99)
                    + " gap_p50us=" + gaps.percentileMicros(50) + " gap_p99us=" + gaps.percentileMicros(99)
                    + " gap_maxus=" + gaps.percentileMicros(100) + " gap_meanus=" + gaps.meanMicros();
        }
    }
}
