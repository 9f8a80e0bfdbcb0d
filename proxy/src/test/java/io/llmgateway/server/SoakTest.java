package io.llmgateway.server;

import static io.llmgateway.testing.ChatBodies.CHAT;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmgateway.testing.Await;
import io.llmgateway.testing.Behaviour;
import io.llmgateway.testing.MockUpstream;
import io.llmgateway.testing.RawHttp;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Issue 8: mixed traffic with client aborts and provider faults under paranoid leak detection; afterwards
 * heap and open file descriptors are back to their baseline and nothing is left in flight. CI runs it for
 * a few seconds; run it long by hand with {@code -Dsoak.seconds=300}.
 */
class SoakTest {
    private static final String STREAM = "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}";

    @Test
    void mixedTrafficWithFaults_leavesNoLeaksNoConnectionsAndNoGrowth() throws Exception {
        long seconds = Long.getLong("soak.seconds", 8);
        try (MockUpstream flaky = MockUpstream.start();
                MockUpstream steady = MockUpstream.start()) {
            flaky.setDefault(Behaviour.streamAware(
                    Behaviour.chatCompletion("ok"),
                    Behaviour.sse(List.of("a", "b", "c", "d", "e")).paced(Duration.ofMillis(5))));
            steady.setDefault(Behaviour.streamAware(
                    Behaviour.chatCompletion("steady"),
                    Behaviour.sse(List.of("x", "y")).paced(Duration.ofMillis(5))));
            try (TestGateway g = TestGateway.start("""
                    upstream:
                      response_timeout: 2s
                      stream_idle_timeout: 1s
                    routing:
                      failure_threshold: 1000
                    api_provider:
                      flaky:
                        base_url: %s
                      steady:
                        base_url: %s
                    model_config:
                      gpt-4o:
                        flaky: {}
                        steady: {}
                    """.formatted(flaky.baseUrl(), steady.baseUrl()))) {
                // Warm up, then take the baseline.
                for (int i = 0; i < 50; i++) {
                    g.post("/v1/chat/completions", CHAT);
                }
                long heapBefore = settledHeap();
                int fdsBefore = openFds();

                Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
                ExecutorService pool = Executors.newFixedThreadPool(8);
                long end = System.nanoTime() + seconds * 1_000_000_000L;
                List<Future<?>> workers = new ArrayList<>();
                for (int w = 0; w < 8; w++) {
                    workers.add(pool.submit(() -> {
                        while (System.nanoTime() < end) {
                            String kind = step(g, flaky);
                            outcomes.computeIfAbsent(kind, k -> new AtomicLong())
                                    .incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : workers) {
                    f.get();
                }
                pool.shutdown();

                Await.until(
                        "no request in flight: " + outcomes, () -> g.gateway().inFlight() == 0, Duration.ofSeconds(5));
                long heapAfter = settledHeap();
                int fdsAfter = openFds();
                System.out.printf(
                        "soak %d s: %s; heap %d -> %d MiB; fds %d -> %d%n",
                        seconds, outcomes, heapBefore >> 20, heapAfter >> 20, fdsBefore, fdsAfter);
                assertTrue(outcomes.getOrDefault("ok", new AtomicLong()).get() > 100, outcomes.toString());
                assertTrue(
                        heapAfter < heapBefore + (64L << 20),
                        "heap grew from " + (heapBefore >> 20) + " to " + (heapAfter >> 20) + " MiB");
                // Pooled keep-alive connections may stay open: allow the pools' size, nothing more.
                assertTrue(fdsAfter <= fdsBefore + 40, "open fds grew from " + fdsBefore + " to " + fdsAfter);
            }
        }
    }

    /** One random client action; returns what happened. */
    private static String step(TestGateway g, MockUpstream flaky) throws Exception {
        int dice = ThreadLocalRandom.current().nextInt(100);
        if (dice < 10) {
            flaky.enqueue(
                    switch (dice % 5) {
                        case 0 -> Behaviour.garbage();
                        case 1 -> Behaviour.dropConnection();
                        case 2 -> Behaviour.error(500, "server_error", "boom");
                        case 3 -> Behaviour.rateLimited(0);
                        default -> Behaviour.sse(List.of("p", "q", "r")).resetAfter(2);
                    });
        }
        if (dice < 15) {
            // Client aborts mid-stream.
            try (RawHttp c = RawHttp.connect(g.port())) {
                c.send(RawHttp.post("/v1/chat/completions", STREAM));
                Thread.sleep(ThreadLocalRandom.current().nextInt(10));
            }
            return "aborted";
        }
        HttpResponse<String> r = g.post("/v1/chat/completions", dice < 55 ? STREAM : CHAT);
        return r.statusCode() == 200 ? "ok" : "status " + r.statusCode();
    }

    private static long settledHeap() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static int openFds() {
        String[] fds = new File("/proc/self/fd").list();
        return fds == null ? -1 : fds.length;
    }
}
